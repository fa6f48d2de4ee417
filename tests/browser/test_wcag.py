"""The WCAG 2.2 AA checks axe does not make (``wcag.py``: target size, reflow at 320 px, text at
200 % and text spacing, non-text contrast of the diagrams, focus visible and not obscured,
forced colours, reduced motion) find what they claim to find: a throw-away notebook with one
planted fault per check. Every lesson is checked with them in ``test_accessibility.py`` (on the
page its audit has opened and run), the app in ``test_voila_app.py``."""

from __future__ import annotations

from typing import Any

from conftest import WCAG_PLANTED_CELLS, WCAG_TRAP_NOTEBOOK
from harness import Server
from notebook_ui import NOTEBOOK, open_notebook, run_all_cells
from wcag import wcag_findings

OUTPUTS = f"{NOTEBOOK} .jp-OutputArea-output"


def test_the_wcag_checks_find_every_planted_fault(page: Any, lab: Server) -> None:
    open_notebook(page, lab, WCAG_TRAP_NOTEBOOK)
    run_all_cells(page)
    page.locator(f"{OUTPUTS} g.structure").wait_for()
    findings = wcag_findings(page, OUTPUTS)
    kinds = {f.kind.removeprefix("axe:") for f in findings}
    missing = set(WCAG_PLANTED_CELLS) - kinds
    assert not missing, f"planted faults not found: {missing}\n" + "\n".join(map(str, findings))
    assert "axe:target-size" in {f.kind for f in findings}  # axe's own rule ran and bit too
