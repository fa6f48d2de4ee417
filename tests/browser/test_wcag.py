"""WCAG 2.2 AA criteria that axe does not test, on every lesson in JupyterLab (``wcag.py``):
target size, reflow at 320 px, text at 200 % and text spacing, non-text contrast of the
diagrams, focus visible and not obscured, forced colours, reduced motion. The app is checked
in ``test_voila_app.py``. A throw-away notebook with one planted fault per check proves that
each check finds what it claims to find."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import WCAG_PLANTED_CELLS, WCAG_TRAP_NOTEBOOK
from harness import Server
from notebook_ui import NOTEBOOK, open_notebook, run_all_cells
from wcag import wcag_findings

from course.content.resources import notebooks_dir

OUTPUTS = f"{NOTEBOOK} .jp-OutputArea-output"
NOTEBOOKS = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))


def test_the_wcag_checks_find_every_planted_fault(page: Any, lab: Server) -> None:
    open_notebook(page, lab, WCAG_TRAP_NOTEBOOK)
    run_all_cells(page)
    page.locator(f"{OUTPUTS} g.structure").wait_for()
    findings = wcag_findings(page, OUTPUTS)
    kinds = {f.kind.removeprefix("axe:") for f in findings}
    missing = set(WCAG_PLANTED_CELLS) - kinds
    assert not missing, f"planted faults not found: {missing}\n" + "\n".join(map(str, findings))
    assert "axe:target-size" in {f.kind for f in findings}  # axe's own rule ran and bit too


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_meets_the_wcag_criteria_axe_does_not_test(
    page: Any, lab: Server, name: str
) -> None:
    open_notebook(page, lab, name)
    run_all_cells(page)
    findings = wcag_findings(page, OUTPUTS)
    assert not findings, f"{name}:\n" + "\n".join(map(str, findings))
