"""``course.safety`` and ``ankle-course assess`` import nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("matplotlib", "ipywidgets", "nbgrader", "jupyter", "ipykernel", "anywidget", "IPython")

_PROBE = """
import json, sys
{body}
heavy = sorted(m for m in sys.modules if m.split('.')[0].startswith({heavy!r}))
print(json.dumps(heavy))
"""


def _loaded_after(body: str) -> list[str]:
    code = _PROBE.format(body=body, heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_import_safety_is_light() -> None:
    assert _loaded_after("import course.safety") == []


def test_assess_is_light() -> None:
    body = (
        "from course.safety import Situation, assess\n"
        "assess(Situation(injury='sprain', hours_since_injury=3))"
    )
    assert _loaded_after(body) == []


def test_cli_assess_is_light() -> None:
    body = (
        "import contextlib, io\n"
        "from course.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['assess', '--pain', '5', '--json']) == 0"
    )
    assert _loaded_after(body) == []


def test_probe_detects_heavy_imports() -> None:
    """The probe itself works: importing matplotlib is seen."""
    assert "matplotlib" in _loaded_after("import matplotlib")
