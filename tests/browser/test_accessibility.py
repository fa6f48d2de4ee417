"""Accessibility of every lesson in JupyterLab, in a real browser: axe-core (pinned) on
measurable outputs, Chromium's accessibility tree, and the controls operated by keyboard.

For each notebook, after Run All: no moderate, serious or critical finding inside the
course's outputs (see ``audit.py``: axe on each output scrolled into view; radio groups,
pressed states, image names and heading order from the accessibility tree; focus and live
announcements after operating each kind of control); every picture has its text alternative
in the DOM; every course control is reached by Tab alone; and, on the same page, the WCAG 2.2
AA criteria axe does not test (``wcag.py``; one Run All per lesson serves both audits). A
throw-away notebook with one planted fault of each kind proves that each check finds what it
claims to find (``test_wcag.py`` for the WCAG checks).

The accessibility tree of each lesson is saved to ``artifacts/accessibility/<lesson>.txt``
(what a screen reader lists; ``docs/accessibility.md`` quotes it).
"""

from __future__ import annotations

from typing import Any

import pytest
from audit import axe_findings, interaction_findings, transcript, tree_findings
from conftest import PLANTED_CELLS, TRAP_NOTEBOOK
from harness import ARTIFACTS, Server
from notebook_ui import (
    NOTEBOOK,
    Shots,
    error_outputs,
    keyboard_walk,
    open_notebook,
    run_all_cells,
    text_alternatives_missing,
)
from wcag import wcag_findings

from course.content.resources import notebooks_dir

OUTPUTS = f"{NOTEBOOK} .jp-OutputArea-output"
NOTEBOOKS = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))
TRANSCRIPTS = ARTIFACTS / "accessibility"


def test_every_lesson_is_audited() -> None:
    from course.content.loader import load_content

    lessons = load_content().lessons
    assert [f"{lesson.id}.ipynb" for lesson in lessons] == NOTEBOOKS
    assert len(NOTEBOOKS) >= 7, NOTEBOOKS


def test_the_audit_finds_every_planted_fault(page: Any, lab: Server) -> None:
    """One fault of each kind in a throw-away notebook: the audit must report each one."""
    open_notebook(page, lab, TRAP_NOTEBOOK)
    run_all_cells(page)
    page.locator(f"{OUTPUTS} .noUi-handle").wait_for()
    report = axe_findings(page, OUTPUTS)
    findings = [*report.findings, *tree_findings(page, OUTPUTS, headings_scope=NOTEBOOK)]
    found, _log = interaction_findings(page, OUTPUTS)
    findings += found
    kinds = {f.kind for f in findings}
    missing = set(PLANTED_CELLS) - kinds
    assert not missing, f"planted faults not found: {missing}\n" + "\n".join(map(str, findings))
    # "Image" is not a name: both the unnamed picture and the one named "Image" are reported
    assert len([f for f in findings if f.kind == "image-name"]) == 2, findings
    # a radio group without a shared name: arrow keys do not move between its options
    assert "radio-arrows" in kinds
    # colour contrast was measured (the planted pale text is found, readable text passes)
    assert report.contrast_passed > 0


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_is_accessible(page: Any, lab: Server, name: str) -> None:
    open_notebook(page, lab, name)
    run_all_cells(page)
    assert error_outputs(page) == []
    assert page.page_errors == []

    report = axe_findings(page, OUTPUTS)
    assert report.contrast_passed > 0, "colour contrast was not measured"
    findings = [*report.findings, *tree_findings(page, OUTPUTS, headings_scope=NOTEBOOK)]

    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    spoken = transcript(page, NOTEBOOK, limit=2000)
    (TRANSCRIPTS / f"{name.removesuffix('.ipynb')}.txt").write_text("\n".join(spoken) + "\n")

    assert text_alternatives_missing(page, OUTPUTS) == []
    total, unreached = keyboard_walk(page, OUTPUTS)
    assert not unreached, f"{name}: {len(unreached)} of {total} controls not reached by Tab:\n" + (
        "\n".join(unreached[:10])
    )

    operated, log = interaction_findings(page, OUTPUTS)
    findings += operated
    (TRANSCRIPTS / f"{name.removesuffix('.ipynb')}.keyboard.txt").write_text("\n".join(log) + "\n")
    # what the learner sees where the keyboard pass ended (the focus ring on the last control)
    last = page.locator("[data-audit-last]")
    page.evaluate(
        "() => document.activeElement.closest('.jp-OutputArea-output')"
        "?.setAttribute('data-audit-last', '')"
    )
    if last.count():
        Shots(f"a11y_{name.removesuffix('.ipynb')}")(page, "focus after the keyboard pass", last)
    # the WCAG criteria axe does not test (target size, reflow, text size and spacing,
    # non-text contrast, focus, forced colours, reduced motion), after the controls were used
    findings += wcag_findings(page, OUTPUTS)
    assert not findings, f"{name}:\n" + "\n".join(map(str, findings))
