"""The self-check widgets: immediate feedback, recorded attempts, static fallback (no kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.progress import ProgressStore
from course.quiz import OrderSteps, ScenarioDecision
from course.quiz.widgets import QuestionCard, SelfCheck


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def _card(widget: SelfCheck, question_id: str) -> QuestionCard:
    return next(c for c in widget.cards if c.question.id == question_id)


def test_check_gives_feedback_at_once_and_records_the_attempt(store: ProgressStore) -> None:
    widget = SelfCheck("02_preparation", store=store)
    card = _card(widget, "prep_self_position")
    card.check_button.click()
    assert "Choose an answer first." in card.feedback.value
    card.set_answer("On a cushion behind you")
    card.check_button.click()
    assert "Not quite." in card.feedback.value
    assert card.question.hint in card.feedback.value
    assert "0 of 5 questions" in widget.score.value
    card.set_answer("Across the opposite knee")
    card.check_button.click()
    assert "Correct." in card.feedback.value
    assert "rest the ankle across the opposite knee" in card.feedback.value.lower()
    assert "1 of 5 questions" in widget.score.value
    attempts = store.as_dict()["lessons"]["02_preparation"]["attempts"]
    assert [(a["question"], a["correct"]) for a in attempts] == [
        ("prep_self_position", False),
        ("prep_self_position", True),
    ]
    assert all(a["seconds"] >= 0 for a in attempts)


def test_hint_and_show_answer(store: ProgressStore) -> None:
    card = _card(SelfCheck("04_ligaments_and_tendons", store=store), "lig_achilles_hold")
    card.hint_button.click()
    assert card.question.hint in card.feedback.value
    card.answer_button.click()
    assert "Answer: Gently, between thumb and index finger" in card.feedback.value
    assert store.as_dict()["lessons"] == {}  # looking is not an attempt


def test_multiple_select_partial_feedback(store: ProgressStore) -> None:
    card = _card(SelfCheck("00_welcome", store=store), "welcome_benefits")
    card._checkboxes[0].value = True
    card._checkboxes[4].value = True  # a wrong one
    result = card.submit()
    assert result is not None
    assert not result.correct
    assert "You missed 3." in card.feedback.value
    assert "1 of your choices should not be ticked." in card.feedback.value


def test_order_steps_move_buttons(store: ProgressStore) -> None:
    card = _card(SelfCheck("03_core_techniques", store=store), "core_order")
    question = card.question
    assert isinstance(question, OrderSteps)
    assert card.answer() == list(question.shuffled())
    for position, step in enumerate(question.steps):  # selection sort with the buttons
        while card.answer().index(step) > position:
            index = card.answer().index(step)
            up_button = card._steps_box.children[index].children[0]
            up_button.click()
    assert card.answer() == list(question.steps)
    first_row = card._steps_box.children[0]
    assert first_row.children[0].disabled  # nothing above the first step
    assert first_row.children[0].tooltip.startswith("Move up: ")
    assert card.submit().correct  # type: ignore[union-attr]


def test_scenario_card_offers_every_decision_and_explains(store: ProgressStore) -> None:
    card = _card(SelfCheck("05_safety", store=store), "safety_card_fever_only")
    assert isinstance(card.question, ScenarioDecision)
    assert card._choice is not None
    values = [value for _label, value in card._choice.options]
    assert values[0] == "PROCEED"
    assert values[-1] == "SEEK_URGENT_CARE"
    card.set_answer("DO_NOT_MASSAGE")
    card.submit()
    assert "signs of infection such as fever, warmth or red" in card.feedback.value


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
    assert "Correct." in card.feedback.value
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
