"""Accessibility of every lesson in JupyterLab, in a real browser, with axe-core (pinned).

For each notebook, after Run All: no serious or critical axe violation inside the course's
outputs (widgets, diagrams, lesson text); every picture has its text alternative in the DOM;
every course control is reached by Tab alone. The journeys (test_learner_journeys.py) operate
the controls with the keyboard.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TRAP_NOTEBOOK
from harness import Server
from notebook_ui import (
    NOTEBOOK,
    SEVERE,
    axe_violations,
    describe,
    error_outputs,
    keyboard_walk,
    open_notebook,
    run_all_cells,
    text_alternatives_missing,
)

from course._resources import notebooks_dir

OUTPUTS = f"{NOTEBOOK} .jp-OutputArea-output"
NOTEBOOKS = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))


def test_every_lesson_is_audited() -> None:
    assert len(NOTEBOOKS) == 7, NOTEBOOKS


def test_the_audit_catches_an_unlabelled_slider_handle(page: Any, lab: Server) -> None:
    """The known trap: a plain ipywidgets slider's handle has no accessible name."""
    open_notebook(page, lab, TRAP_NOTEBOOK)
    run_all_cells(page)
    page.locator(f"{OUTPUTS} .noUi-handle").wait_for()
    severe = [v for v in axe_violations(page, [OUTPUTS]) if v["impact"] in SEVERE]
    assert [v["id"] for v in severe] == ["aria-input-field-name"], describe(severe)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_is_accessible(page: Any, lab: Server, name: str) -> None:
    open_notebook(page, lab, name)
    run_all_cells(page)
    assert error_outputs(page) == []
    assert page.page_errors == []

    violations = axe_violations(page, [OUTPUTS])
    severe = [v for v in violations if v["impact"] in SEVERE]
    assert not severe, f"{name}:\n{describe(severe)}"

    assert text_alternatives_missing(page, OUTPUTS) == []

    total, unreached = keyboard_walk(page, OUTPUTS)
    assert not unreached, f"{name}: {len(unreached)} of {total} controls not reached by Tab:\n" + (
        "\n".join(unreached[:10])
    )
