"""``ankle-course app``: the explorers as a Voila app, used in a real browser, without code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit import axe_findings, interaction_findings, transcript, tree_findings
from harness import ARTIFACTS, Server, start_app, temporary_home
from listen import Listener, bare_roles, compare_transcript, missing_states, step
from notebook_ui import (
    STDERR,
    Shots,
    arrow_map,
    arrow_route,
    diagram,
    info_panel,
    keyboard_select_structure,
    structure,
    tab_to,
)
from wcag import wcag_findings

from course.content.loader import load_content
from course.content.text import text
from course.safety import Situation, assess
from course.widgets.scenario import announcement

APP_OUTPUTS = "body[data-voila] .jp-OutputArea-output"
NO_CODE = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .CodeMirror, .cm-editor"
TRANSCRIPTS = ARTIFACTS / "accessibility"


@pytest.fixture(scope="module")
def app_server() -> Iterator[Server]:
    home = temporary_home("ankle-app-")
    # a named learner: the practice cases drawn (so the kept transcript) are the same each run
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ANKLE_COURSE_STUDENT", "ankle-app-journey")
        server = start_app(home)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def app_page(page: Any, app_server: Server) -> Any:
    page.goto(app_server.url(""))
    page.get_by_role("checkbox", name="The person has a fever").wait_for(timeout=90_000)
    return page


def _decision_label(**situation: Any) -> str:
    decision = assess(Situation(**situation)).decision
    return load_content().decisions[decision.value].label


def test_the_command_serves_the_app_notebook_without_code() -> None:
    from course.app import APP_NOTEBOOK

    out = subprocess.run(
        [sys.executable, "-m", "course.cli", "app", "--dry-run", "--no-browser", "--port", "9"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(APP_NOTEBOOK) in out
    assert "--strip_sources=True" in out
    assert "--show_tracebacks=False" in out
    assert Path(APP_NOTEBOOK).is_file()


def test_the_app_behind_a_base_url(page: Any) -> None:
    """``--base-url`` as behind a proxy: the page and its kernel live under the prefix."""
    from harness import course_env, free_port

    home = temporary_home("ankle-app-base-")
    port = free_port()
    token = f"ankle-app-base-{port}"
    command = [sys.executable, "-m", "course.cli", "app", "--no-browser", "--port", str(port)]
    command += ["--token", token, "--base-url", "/course/app/"]
    server = Server(command, port=port, token=token, env=course_env(home), log=home / "app.log")
    try:
        server.start("course/app/")
        page.goto(server.url("course/app/"))
        page.get_by_role("checkbox", name="The person has a fever").wait_for(timeout=90_000)
        assert page.locator(NO_CODE).count() == 0
        assert "from course" not in page.inner_text("body")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_app_shows_both_explorers_and_no_code(app_page: Any) -> None:
    page = app_page
    shots = Shots("voila_app")
    shots(page, "app opened")
    assert page.locator(NO_CODE).count() == 0
    body = page.inner_text("body")
    assert "from course" not in body
    assert "anatomy_explorer()" not in body
    assert load_content().disclaimer in body
    assert page.locator(f"body[data-voila] {STDERR}, .jp-OutputArea-output.error").count() == 0
    assert page.page_errors == []


def test_app_anatomy_explorer_by_mouse_and_keyboard(app_page: Any) -> None:
    page = app_page
    shots = Shots("voila_app_anatomy")
    scope = "body[data-voila]"
    svg = diagram(page, scope)
    svg.wait_for()
    ligament = structure(page, scope, "anterior_talofibular_ligament")
    ligament.click()
    name = load_content().structures["anterior_talofibular_ligament"].name
    panel = info_panel(page, scope)
    panel.get_by_text(name, exact=False).first.wait_for()
    shots(
        page,
        "clicked a ligament",
        element=page.locator(f"{scope} .jp-OutputArea-output:has(.ankle-diagram)").first,
    )
    keyboard_select_structure(page, scope, "calcaneus")
    panel.get_by_text(load_content().structures["calcaneus"].name, exact=False).first.wait_for()
    shots(
        page,
        "calcaneus by keyboard",
        element=page.locator(f"{scope} .jp-OutputArea-output:has(.ankle-diagram)").first,
    )


def test_app_scenario_explorer_by_keyboard(app_page: Any) -> None:
    page = app_page
    shots = Shots("voila_app_scenario")
    # the decision is announced by a live region that exists before it changes
    status = page.locator(".ankle-live[role=status]").filter(has_text="Decision").first
    assert _decision_label() in status.inner_text()
    fever = page.get_by_role("checkbox", name="The person has a fever")
    tab_to(page, fever)
    page.keyboard.press("Space")
    expected = _decision_label(fever=True)
    assert expected != _decision_label()
    status.get_by_text(expected, exact=False).first.wait_for()
    assert fever.is_checked()
    # the whole result in the picture: decision, what the hands do, referral, reasons, disclaimer
    page.locator(".ankle-decision > p > em").last.scroll_into_view_if_needed()
    shots(page, "fever changes the decision")
    injury = page.get_by_label("Recent injury")
    tab_to(page, injury)
    injury.select_option("sprain")
    page.keyboard.press("Tab")
    shots(page, "a sprain")
    assert (
        _decision_label(fever=True, injury="sprain", hours_since_injury=24) in status.inner_text()
    )


def test_app_accessibility(app_page: Any) -> None:
    """The same audit as the lessons (tests/browser/audit.py) on the app's page."""
    page = app_page
    report = axe_findings(page, APP_OUTPUTS)
    assert report.contrast_passed > 0, "colour contrast was not measured"
    findings = [*report.findings, *tree_findings(page, APP_OUTPUTS, "body[data-voila] .jp-Cell")]
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    spoken = transcript(page, "body[data-voila] .jp-Cell", limit=2000)
    (TRANSCRIPTS / "app.txt").write_text("\n".join(spoken) + "\n")
    operated, log = interaction_findings(page, APP_OUTPUTS)
    findings += operated
    (TRANSCRIPTS / "app.keyboard.txt").write_text("\n".join(log) + "\n")
    assert not findings, "\n".join(map(str, findings))


def test_app_meets_the_wcag_criteria_axe_does_not_test(app_page: Any) -> None:
    """Target size, reflow, text size and spacing, non-text contrast, focus, forced colours,
    reduced motion (``wcag.py``) on the app's page."""
    findings = wcag_findings(app_page, APP_OUTPUTS)
    assert not findings, "\n".join(map(str, findings))


def test_app_heard_by_a_screen_reader(app_page: Any) -> None:
    """Keyboard only, with the virtual screen reader: the ATFL on the anatomy explorer, a
    situation in the scenario explorer, then a practice case answered "I don't know" (the
    policy's explanation spoken once); kept as ``transcripts/app.txt``."""
    page = app_page
    listener = Listener(page, "body")
    said: list[str] = []
    scope = "body[data-voila]"
    first = page.locator(f"{scope} g.structure[tabindex]").first
    first.focus()
    listener.said()
    start = page.evaluate("() => document.activeElement.dataset.structure")
    with listener.paused():  # the key map is read by focusing each structure: no learner's step
        route = arrow_route(arrow_map(page, scope), start, "anterior_talofibular_ligament")
    for key in route:
        page.keyboard.press(key)
        step(said, key, listener.said())
    atfl = load_content().structures["anterior_talofibular_ligament"]
    page.keyboard.press("Enter")
    # answers from the kernel: wait for the phrase each key must bring (a loaded machine)
    step(said, "Enter", listener.said(expect=atfl.description))
    assert sum(atfl.description in line for line in said) == 1, said
    fever = page.get_by_role("checkbox", name="The person has a fever")
    fever.focus()
    step(said, "(focus on the fever checkbox)", listener.said())
    words = announcement(assess(Situation(fever=True)))
    page.keyboard.press("Space")
    step(said, "Space", listener.said(expect=words))
    assert sum(words in line for line in said) == 1, said
    # safety practice: round to "I don't know", Tab to Check, hear the explanation once
    practice = page.locator(f"{scope} .ankle-practice").first
    practice.locator("input[type=radio]").first.focus()
    step(said, "(focus on the practice case's first choice)", listener.said())
    page.keyboard.press("ArrowUp")
    step(said, "ArrowUp", listener.said())
    check = practice.get_by_role("button", name=text("practice.check"))
    for _ in range(6):  # the referral group, where the case asks, comes before Check
        if page.evaluate("(el) => el === document.activeElement", check.element_handle()):
            break
        page.keyboard.press("Tab")
        step(said, "Tab", listener.said())
    else:
        raise AssertionError("Check my answer not reached with Tab")
    page.keyboard.press("Enter")
    step(said, "Enter", listener.said(expect=text("practice.dont_know_feedback")))
    assert sum(text("practice.dont_know_feedback") in line for line in said) == 1, said
    heard = [line.strip() for line in said if not line.startswith(">")]
    assert not bare_roles(heard), bare_roles(heard)
    assert not missing_states(heard), missing_states(heard)
    assert listener.mouse_events() == []
    compare_transcript("app", said)
