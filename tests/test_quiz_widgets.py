"""The self-check widgets: immediate feedback, recorded attempts, static fallback (no kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.progress import ProgressStore
from course.quiz import OrderSteps, ScenarioDecision
from course.widgets.self_check import QuestionCard, SelfCheck


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def _card(widget: SelfCheck, question_id: str) -> QuestionCard:
    return next(c for c in widget.cards if c.question.id == question_id)


def _press(card: QuestionCard, action: str) -> None:
    """What a click on Check / Hint / Show answer sends from the browser."""
    card.view._handle_custom_msg({"action": action}, [])


def test_check_gives_feedback_at_once_and_records_the_attempt(store: ProgressStore) -> None:
    widget = SelfCheck("02_preparation", store=store)
    card = _card(widget, "prep_self_position")
    _press(card, "check")
    assert "Choose an answer first." in card.feedback
    card.set_answer("On a low stool in front of you, with the leg straight")
    _press(card, "check")
    assert "Not quite." in card.feedback
    assert card.question.hint in card.feedback
    assert "0 of 5 questions" in widget.score.value
    card.set_answer("Across the opposite knee")
    _press(card, "check")
    assert "Correct." in card.feedback
    assert "rest the ankle across the opposite knee" in card.feedback.lower()
    assert "1 of 5 questions" in widget.score.value
    attempts = store.as_dict()["lessons"]["02_preparation"]["attempts"]
    assert [(a["question"], a["correct"]) for a in attempts] == [
        ("prep_self_position", False),
        ("prep_self_position", True),
    ]
    assert all(a["seconds"] >= 0 for a in attempts)


def test_hint_and_show_answer(store: ProgressStore) -> None:
    card = _card(SelfCheck("04_ligaments_and_tendons", store=store), "lig_achilles_hold")
    _press(card, "hint")
    assert card.question.hint in card.feedback
    _press(card, "reveal")
    assert "Answer: Gently, between thumb and index finger" in card.feedback
    assert store.as_dict()["lessons"] == {}  # looking is not an attempt


def test_multiple_select_partial_feedback(store: ProgressStore) -> None:
    card = _card(SelfCheck("00_welcome", store=store), "welcome_benefits")
    assert card.view.kind == "multiple"
    card.view.value = [0, 4]  # what ticking the first and fifth box sends; the fifth is wrong
    result = card.submit()
    assert result is not None
    assert not result.correct
    assert "You missed 3." in card.feedback
    assert "1 of your choices should not be ticked." in card.feedback


def test_order_steps_move_buttons(store: ProgressStore) -> None:
    card = _card(SelfCheck("03_core_techniques", store=store), "core_order")
    question = card.question
    assert isinstance(question, OrderSteps)
    assert card.answer() == list(question.shuffled())
    assert card.view.kind == "order"
    for position, step in enumerate(question.steps):  # selection sort with Move up
        while card.answer().index(step) > position:
            card.move(card.answer().index(step), -1)
    assert card.answer() == list(question.steps)
    assert card.view.steps == list(question.steps)
    card.move(0, -1)  # nothing above the first step: no change
    assert card.answer() == list(question.steps)
    assert card.submit().correct  # type: ignore[union-attr]
    card.view.steps = list(reversed(question.steps))  # what the browser's buttons send
    assert card.answer() == list(reversed(question.steps))


def test_question_is_a_named_group_with_named_buttons(store: ProgressStore) -> None:
    widget = SelfCheck("05_safety", store=store)
    card = widget.cards[1]
    assert card.view.heading == f"Question 2 of {len(widget.cards)}"
    assert card.view.prompt == card.question.prompt
    assert card.view.labels["button_name"].format(action="Check", question="Q") == "Check, Q"
    assert {"check", "hint", "show_answer", "move_up", "move_down", "moved"} <= set(
        card.view.labels
    )
    assert card.feedback == ""  # the feedback region exists (empty) before the first answer


def test_scenario_card_offers_every_decision_and_explains(store: ProgressStore) -> None:
    card = _card(SelfCheck("05_safety", store=store), "safety_card_fever_only")
    assert isinstance(card.question, ScenarioDecision)
    assert card.view.kind == "single"
    values = [value for _label, value in card.options]
    assert values[0] == "PROCEED"
    assert values[-1] == "SEEK_URGENT_CARE"
    with pytest.raises(ValueError, match="valid: 'PROCEED'"):
        card.set_answer("MASSAGE_HARDER")
    card.set_answer("DO_NOT_MASSAGE")
    card.submit()
    assert "signs of infection such as fever, warmth or red" in card.feedback


def test_find_on_the_diagram_is_checked_on_pick(store: ProgressStore) -> None:
    widget = SelfCheck("06_review_and_routine", store=store)
    card = _card(widget, "review_find_lateral_malleolus")
    assert card.available
    assert card.answer() is None
    card._diagram.answer("talus")
    assert card.result is not None
    assert not card.result.correct
    card._diagram.answer("lateral_malleolus")
    assert card.result.correct
    assert "Correct." in card.feedback
    attempts = store.as_dict()["lessons"]["06_review_and_routine"]["attempts"]
    assert [a["correct"] for a in attempts] == [False, True]


def test_static_fallback_lists_questions_without_answers(store: ProgressStore) -> None:
    widget = SelfCheck("03_core_techniques", store=store)
    bundle = widget._repr_mimebundle_()
    page = bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for card in widget.cards:
        assert card.question.prompt.replace("'", "&#x27;") in page
        assert card.question.explanation not in page
    assert "Open this notebook in JupyterLab" in page


def test_self_check_without_recording(tmp_path: Path) -> None:
    widget = SelfCheck("00_welcome", record=False)
    card = widget.cards[2]
    card.set_answer(False)
    assert card.submit().correct  # type: ignore[union-attr]
    assert widget.store is None


def test_a_self_check_is_one_model_per_group_of_questions_in_order() -> None:
    from course.widgets.self_check import QuestionGroup

    widget = SelfCheck("01_anatomy", record=False)
    shown = list(widget.children[:-1])  # the score's live region last
    groups = [w for w in shown if isinstance(w, QuestionGroup)]
    finds = [c for c in widget.cards if c.diagram is not None]
    assert finds  # lesson 01 has find-on-diagram questions: each diagram follows its question
    assert len(groups) <= len(finds) + 1 < len(widget.cards)
    order = []
    for w in shown:
        if isinstance(w, QuestionGroup):
            order += [next(c for c in widget.cards if c.view is v) for v in w.views]
        else:
            assert order[-1].diagram is w  # the diagram right after its question
    assert order == widget.cards
    assert [q["heading"] for g in groups for q in g.questions] == [
        c.view.heading for c in widget.cards
    ]


def test_the_group_routes_the_browsers_messages_to_its_questions(store: ProgressStore) -> None:
    from course.widgets.self_check import QuestionGroup

    widget = SelfCheck("02_preparation", store=store)
    group = next(w for w in widget.children if isinstance(w, QuestionGroup))
    card = widget.cards[1]
    right = next(i for i, (_label, v) in enumerate(card.options) if v == card.question.answer)
    group._message(group, {"index": 1, "set": {"value": [right]}}, [])  # a radio chosen
    assert card.view.value == [right]
    assert group.questions[1]["value"] == [right]  # and the browser is told
    group._message(group, {"index": 1, "action": "check"}, [])
    assert card.result is not None
    assert card.result.correct
    assert "Correct" in group.questions[1]["feedback"]
    # a learner's browser is not trusted: bad indexes and values change nothing
    for bad in (
        {"index": 99, "action": "check"},
        {"index": "1", "action": "check"},
        {"index": 0, "set": {"value": "all"}},
        {"index": 0, "set": {"kind": "order", "feedback": "<script>"}},
        "garbage",
    ):
        group._message(group, bad, [])
    assert widget.cards[0].view.value == []
    assert widget.cards[0].view.kind != "order"
    assert widget.cards[0].feedback == ""
