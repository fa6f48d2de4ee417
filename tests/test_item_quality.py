"""Every self-check and graded choice has plausible options and a hint that does not give the
answer away (issue: one defensible answer per graded item)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.content.anatomy import structures
from course.content.loader import load_content
from course.grading.items.bank import ChoiceItem, ScenarioItem, load_item_bank
from course.quiz.bank import load_bank
from course.quiz.models import MultipleSelect, ScenarioDecision, SingleChoice
from course.safety import Situation, assess

GRADING = Path(__file__).resolve().parent.parent / "grading"
BANK = list(load_bank())
# Distractors that nobody would choose once (kept here so they never come back).
ABSURD = (
    "as deep as the person can bear",
    "knuckles",
    "time of day",
    "cushion behind you",
    "kind of lubricant",
    "bones back in line",
    "tired legs in the evening",
    "stiffness after a long walk",
    "toe joints",
    "toe_joints",
    "whole palm",
)
# Hints that gave the answer away (kept here so they never come back).
GIVEAWAY_HINTS = (
    "safety first",
    "when in doubt",
    "broad surface",
    "two fingers",
    "a hinge",
    "finishing line",
    "a sign of",
    "still healing",
    "local skin problem",
    "everyday stiffness",
    "kind of tissue",
    "relaxed muscle",
    "not of injuries",
    "outer side of the sharp bony edge",
    "if the cut got worse",
)
_COMMON = frozenset(
    re.findall(
        r"\w+",
        "with that this from your only when what which there they their about after before "
        "into over under does more less than then each both some must have been were will "
        "would should could every never always using where while other these those them also "
        "just very here like same many most much such once",
    )
)


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


def test_graded_stories_with_an_injury_or_swelling_say_whether_the_ankle_is_warm() -> None:
    """The settled test (swelling, warmth, pain at rest) and the infection rule turn on warmth:
    a story about a sprain past 72 hours or a swollen ankle says whether it is warm."""
    bank = load_item_bank(GRADING, "safety_scenarios")
    told = []
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        situation = item.situation
        past_72 = situation.get("injury", "none") != "none" and (
            situation.get("hours_since_injury", 0) > 72
        )
        if past_72 or situation.get("swelling", "none") != "none":
            told.append(item.id)
            assert "warm" in item.story.casefold(), item.id
            if past_72:
                assert "swell" in item.story.casefold(), item.id
                assert "out of 10" in item.story.casefold(), item.id
    assert {"q05", "q08"} <= set(told)


def _words(text: str) -> set[str]:
    """Content words of ``text``, cut to five letters ("swelling" and "swell" agree)."""
    found = re.findall(r"[a-z]+", text.casefold().replace("_", " "))
    return {w[:5] for w in found if len(w) >= 4 and w not in _COMMON}


def _choices() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...], str, str]]:
    """(id, prompt, right options, wrong options, hint, explanation) of every choice item,
    self-check and graded (graded ones whose options are free text)."""
    found = []
    for q in BANK:
        if isinstance(q, SingleChoice | MultipleSelect):
            right = _right(q)
            wrong = tuple(o for o in q.options if o not in right)
            found.append((q.id, q.prompt, right, wrong, q.hint, q.explanation))
    ids = {s.id for s in structures()}
    for item in load_item_bank(GRADING, "anatomy_techniques").items:
        # options that are course structures or technique fields are checked by kind (below)
        if isinstance(item, ChoiceItem) and not (
            item.picture or item.from_content or item.answer in ids
        ):
            wrong = tuple(o for o in item.options if o != item.answer)
            found.append((item.id, item.prompt, (item.answer,), wrong, "", item.explanation))
    return found


CHOICES = _choices()


@pytest.mark.parametrize("choice", CHOICES, ids=[c[0] for c in CHOICES])
def test_every_wrong_option_is_on_the_topic_the_explanation_teaches(
    choice: tuple[str, str, tuple[str, ...], tuple[str, ...], str, str],
) -> None:
    """A distractor shares a word with the prompt or the explanation: it is something a
    learner could believe and the feedback says why not. One that shares none ("On a cushion
    behind you", "Puts the bones back in line") is one nobody would pick."""
    qid, prompt, _, wrong, _, explanation = choice
    topic = _words(prompt) | _words(explanation)
    for option in wrong:
        assert _words(option) & topic, f"{qid}: {option!r} is off the topic of the question"
        assert not any(a in option.casefold() for a in ABSURD), (qid, option)


@pytest.mark.parametrize("choice", CHOICES, ids=[c[0] for c in CHOICES])
def test_a_hint_does_not_point_at_the_right_options_or_away_from_all_wrong_ones(
    choice: tuple[str, str, tuple[str, ...], tuple[str, ...], str, str],
) -> None:
    """A hint that shares a word (not in the prompt) with exactly the right options, or with
    exactly the wrong ones, gives the answer away ("Which structures attach ...?")."""
    qid, prompt, right, wrong, hint, _ = choice
    clue = _words(hint) - _words(prompt)
    touched = {o for o in (*right, *wrong) if _words(o) & clue}
    assert touched != set(right), f"{qid}: the hint points at the answer: {hint!r}"
    assert not wrong or touched != set(wrong), f"{qid}: the hint rules out every wrong option"
    assert not any(g in hint.casefold() for g in GIVEAWAY_HINTS), (qid, hint)


@pytest.mark.parametrize(
    "card",
    [q for q in BANK if isinstance(q, ScenarioDecision)],
    ids=[q.id for q in BANK if isinstance(q, ScenarioDecision)],
)
def test_a_situation_card_hint_names_neither_its_decision_nor_the_rule_that_decides(
    card: ScenarioDecision,
) -> None:
    """ "Redness alone is a local skin problem" names the local-skin rule; "the tissue is still
    healing" names healing-injury: the learner is told the answer, not asked for it."""
    decision = load_content().decisions[card.answer]
    result = assess(Situation(**card.situation))
    named = _words(decision.label) | _words(card.answer)
    for reason in result.reasons:
        named |= _words(reason.rule.replace("-", " "))
    leaked = (_words(card.hint) & named) - _words(card.prompt)
    assert not leaked, f"{card.id}: the hint names {sorted(leaked)}: {card.hint!r}"
    assert not any(g in card.hint.casefold() for g in GIVEAWAY_HINTS), (card.id, card.hint)


def test_graded_options_are_course_structures_of_the_keys_kind() -> None:
    """When the key is a structure of the course, every option is one of the same kind: an
    invented option ("toe_joints" beside two real joints) is one nobody would pick."""
    kinds = {s.id: s.kind for s in structures()}
    for item in load_item_bank(GRADING, "anatomy_techniques").items:
        assert isinstance(item, ChoiceItem)
        if item.picture is None and item.answer in kinds:
            for option in item.options:
                assert kinds.get(option) == kinds[item.answer], (item.id, option)


def test_a_card_past_the_acute_window_states_the_settled_test() -> None:
    """A sprain or strain past 72 hours is massaged (with caution) only once it has settled:
    no swelling, no warmth, pain at rest of 3 or less. Its card states all three, and its
    explanation names them."""
    cards = [
        q
        for q in BANK
        if isinstance(q, ScenarioDecision)
        and q.situation.get("injury") in {"sprain", "strain"}
        and q.situation.get("hours_since_injury", 0) > 72
    ]
    assert cards
    for card in cards:
        prompt, explanation = card.prompt.casefold(), card.explanation.casefold()
        assert re.search(r"swell|puff", prompt), card.id
        assert "warm" in prompt, card.id
        assert "pain at rest" in prompt, card.id
        for word in ("swell", "warm", "pain at rest"):
            assert word in explanation, (card.id, word)
