"""Every self-check and graded choice has plausible options and a hint that does not give the
answer away (issue: one defensible answer per graded item)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content.loader import load_content
from course.grading.items.bank import ChoiceItem, ScenarioItem, load_item_bank
from course.quiz.bank import load_bank
from course.quiz.models import MultipleSelect, ScenarioDecision, SingleChoice

GRADING = Path(__file__).resolve().parent.parent / "grading"
BANK = list(load_bank())
# Distractors that nobody would choose once (kept here so they never come back).
ABSURD = ("as deep as the person can bear", "knuckles", "time of day")


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("(", " ").replace(")", " ").split())


@pytest.mark.parametrize("question", BANK, ids=[q.id for q in BANK])
def test_the_hint_never_contains_the_answer(question: object) -> None:
    hint = _norm(question.hint)  # type: ignore[attr-defined]
    if isinstance(question, SingleChoice):
        answers = [question.answer]
    elif isinstance(question, MultipleSelect):
        answers = list(question.answers)
    elif isinstance(question, ScenarioDecision):
        decision = load_content().decisions[question.answer]
        answers = [decision.label, question.answer, question.answer.replace("_", " ")]
    else:
        return
    for answer in answers:
        assert _norm(answer) not in hint, f"{question.id}: the hint names {answer!r}"  # type: ignore[attr-defined]


def test_choices_offer_at_least_three_options_and_no_absurd_one() -> None:
    for question in BANK:
        if isinstance(question, SingleChoice | MultipleSelect):
            assert len(question.options) >= 3, question.id
            wrong = [o for o in question.options if o not in _right(question)]
            assert wrong, question.id
            for option in question.options:
                assert not any(a in option.casefold() for a in ABSURD), (question.id, option)


def _right(question: SingleChoice | MultipleSelect) -> tuple[str, ...]:
    return (question.answer,) if isinstance(question, SingleChoice) else question.answers


def test_graded_choices_have_three_options_and_do_not_name_the_answer() -> None:
    bank = load_item_bank(GRADING, "anatomy_techniques")
    for item in bank.items:
        assert isinstance(item, ChoiceItem)
        if item.picture is not None:  # answered by a name, no options (see test_grading_cases)
            assert not item.options
            assert _norm(item.answer.replace("_", " ")) not in _norm(item.prompt), item.id
            continue
        assert len(item.options) >= 3, item.id
        assert len(set(item.options)) == len(item.options), item.id
        prompt = _norm(item.prompt.replace("_", " "))
        assert _norm(item.answer.replace("_", " ")) not in prompt, item.id
        # an option id must not carry a word that gives it away ("caution_...")
        others = [o for o in item.options if o != item.answer]
        for word in _norm(item.answer.replace("_", " ")).split():
            if len(word) > 4 and word in prompt:
                assert any(word in o for o in others), (item.id, word)


def test_graded_stories_state_the_facts_their_key_depends_on() -> None:
    """Each fact a scenario's key depends on is written in its story, so only one answer fits."""
    bank = load_item_bank(GRADING, "safety_scenarios")
    words = {
        "injury": {"sprain": "sprain", "strain": "strain", "fracture": "broken"},
        "swelling": {"mild": "swell", "severe": "swell"},
    }
    flags = {
        "sudden_swelling": "sudden",
        "warmth": "warm",
        "fever": "fever",
        "red_streaks": "red streaks",
        "redness": "red",
        "varicose_veins": "varicose",
        "blood_thinners": "blood-thinning",
        "reduced_sensation": "neuropathy",
        "dvt_diagnosed": "thrombosis",
        "unexplained_pain": "reason",
        "sharp_pain_during": "sharp",
        "improving": "not getting",
    }
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        story = item.story.casefold()
        for field, value in item.situation.items():
            if field in words:
                assert words[field][value] in story, (item.id, field)
            elif field in flags and value is (field != "improving"):
                assert flags[field] in story, (item.id, field)
            elif field == "pain" and value:
                assert f"{value} out of 10" in story, (item.id, field)
            elif field == "hours_since_injury":
                days = value / 24
                assert any(
                    w in story for w in (f"{int(value)} hours", "yesterday", "days ago", "two days")
                ), (item.id, days)
