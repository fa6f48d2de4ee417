"""What a blind learner hears: keyboard-only journeys through lessons 01, 03 and 05 with a
virtual screen reader running in the page (``listen.py``), kept as reviewed transcripts in
``tests/browser/transcripts/``.

Each journey starts with the focus on the first control of a widget (where Tab from the cell
above lands) and then uses only keys. It asserts what matters: every control focused says a
name and a role (and its state where it has one); nothing says only "image", "group" or
"button"; feedback is spoken exactly once; no mouse event happens. The app's journey is in
``test_voila_app.py``.
"""

from __future__ import annotations

from typing import Any

from harness import Server
from listen import Listener, bare_roles, compare_transcript, missing_states, step
from notebook_ui import (
    NOTEBOOK,
    arrow_map,
    arrow_route,
    cell_output,
    mark_scope,
    open_notebook,
    run_all_cells,
)

from course.content.loader import load_content
from course.content.text import text, ui_text
from course.diagrams.overlays import technique_views
from course.safety import Situation, assess
from course.widgets.logic import technique_announcement
from course.widgets.scenario import announcement


def _press(
    page: Any, listener: Listener, transcript: list[str], key: str, expect: str = ""
) -> list[str]:
    """Press ``key`` and record what is said; ``expect``: a phrase the press must bring (the
    listener waits for it, as a learner would, when it comes from the kernel)."""
    page.keyboard.press(key)
    heard = listener.said(expect)
    step(transcript, key, heard)
    return heard


def _tab_until(
    page: Any, listener: Listener, transcript: list[str], locator: Any, limit: int = 60
) -> None:
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => el.contains(document.activeElement)", handle):
            return
        _press(page, listener, transcript, "Tab")
    raise AssertionError(f"not reached with Tab: {locator}")


def _once(transcript: list[str], words: str) -> None:
    spoken = [line for line in transcript if not line.startswith(">") and words in line]
    assert len(spoken) == 1, f"{words!r} spoken {len(spoken)} times:\n" + "\n".join(transcript)


def _checks(listener: Listener, transcript: list[str]) -> None:
    heard = [line.strip() for line in transcript if not line.startswith(">")]
    assert not bare_roles(heard), bare_roles(heard)
    assert not missing_states(heard), missing_states(heard)
    assert listener.mouse_events() == []


def _start(page: Any, lab: Server, notebook: str) -> Listener:
    open_notebook(page, lab, notebook)
    run_all_cells(page)
    return Listener(page, NOTEBOOK)


def test_lesson_01_find_a_ligament_a_quiz_and_a_self_check(page: Any, lab: Server) -> None:
    listener = _start(page, lab, "01_anatomy.ipynb")
    names = load_content().structures
    said: list[str] = []

    # the anatomy explorer: switch the ligaments on, then go to the ATFL by the arrow keys
    explorer = cell_output(page, 'AnkleExplorer(view="lateral", layers=["bones"])')
    scope = mark_scope(explorer, "sr-explorer")
    explorer.get_by_label("View", exact=True).focus()
    listener.said()
    ligaments = explorer.get_by_label(ui_text("layers.ligaments"), exact=True)
    _tab_until(page, listener, said, ligaments)
    _press(page, listener, said, "Space")
    first = explorer.locator("g.structure[tabindex]:not(.is-off)").first
    _tab_until(page, listener, said, first)
    start = page.evaluate("() => document.activeElement.dataset.structure")
    with listener.paused():  # the key map is read by focusing each structure: no learner's step
        route = arrow_route(arrow_map(page, scope), start, "anterior_talofibular_ligament")
    for key in route:
        _press(page, listener, said, key)
    atfl = names["anterior_talofibular_ligament"]
    _press(page, listener, said, "Enter", expect=atfl.description)
    _once(said, atfl.description)  # the info panel, read once
    assert len(route) <= 6, route

    # find on the diagram: the prompt names a structure; the quiz names places, not names
    quiz = cell_output(page, "FindOnDiagramQuiz(")
    qscope = mark_scope(quiz, "sr-quiz")
    quiz.locator("g.structure[tabindex]").first.focus()
    listener.said()
    target = "tibia"
    here = page.evaluate("() => document.activeElement.dataset.structure")
    with listener.paused():  # (the key map, as above)
        keys = arrow_route(arrow_map(page, qscope), here, target)
    for key in keys:
        _press(page, listener, said, key)
    correct = ui_text("quiz.correct", name=names[target].name)
    _press(page, listener, said, "Enter", expect=correct)
    _once(said, correct)

    # a self-check: choose an answer with the arrow keys, Check, hear the feedback once
    first_radio = page.locator(f"{NOTEBOOK} .ankle-question input[type=radio]").first
    first_radio.focus()
    listener.said()
    _press(page, listener, said, "Space")
    check = page.locator(f"{NOTEBOOK} .ankle-question-check").first
    _tab_until(page, listener, said, check)
    page.keyboard.press("Enter")
    # the feedback comes from the kernel: wait for it on the page, then for its first line to
    # be spoken (on a loaded machine it can land after the page was first quiet)
    feedback = page.locator(f"{NOTEBOOK} .ankle-question-feedback").first
    page.wait_for_function(
        "(el) => el.innerText.trim() !== ''", arg=feedback.element_handle(), timeout=15_000
    )
    first_line = feedback.inner_text().splitlines()[0]
    step(said, "Enter", listener.said(expect=first_line))
    _once(said, first_line)
    _checks(listener, said)
    compare_transcript("01_anatomy", said)


def test_lesson_03_step_through_the_techniques_and_play(page: Any, lab: Server) -> None:
    listener = _start(page, lab, "03_core_techniques.ipynb")
    said: list[str] = []
    demo = cell_output(page, 'widgets.TechniqueDemo(technique="effleurage")')
    demo.get_by_role("button", name=ui_text("technique.next"), exact=True).focus()
    listener.said()
    ordered = sorted(load_content().techniques, key=lambda t: t.order)
    second = ordered[1].id
    announced = technique_announcement(second, technique_views(second)[0])
    _press(page, listener, said, "Enter", expect=announced)
    _once(said, announced)
    play = demo.get_by_role("button", name=ui_text("technique.play"))
    _tab_until(page, listener, said, play)
    _press(page, listener, said, "Enter")
    demo.get_by_role("button", name=ui_text("technique.play"), pressed=False).wait_for(
        timeout=30_000
    )
    step(said, "(the strokes are drawn)", listener.said(expect=ui_text("technique.played")))
    _once(said, ui_text("technique.playing"))
    _once(said, ui_text("technique.played"))
    _checks(listener, said)
    compare_transcript("03_core_techniques", said)


def test_lesson_05_set_a_situation_and_hear_the_decision(page: Any, lab: Server) -> None:
    listener = _start(page, lab, "05_safety.ipynb")
    said: list[str] = []
    fever_label = text("scenario.fields.fever")
    injury = page.get_by_label(text("scenario.fields.injury")).first
    injury.focus()
    listener.said()
    fever = page.get_by_role("checkbox", name=fever_label).first
    _tab_until(page, listener, said, fever)
    decision = announcement(assess(Situation(fever=True)))
    _press(page, listener, said, "Space", expect=decision)
    _once(said, decision)
    _checks(listener, said)
    compare_transcript("05_safety", said)
