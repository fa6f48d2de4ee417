"""Every story template of the variant bank states every fact its key depends on.

A fact is *stated* when the rendered story says something about it (the phrases below); a
fact the story leaves out must not be able to change the key: for every template, every
combination of its options and every unstated fact, each value that fact can take leaves
``assess()``'s decision and refer flag as they were (issue 20, §3). So no learner can argue a
different answer from a fact the story never gave.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from course.grading.variants.bank import PERSON_FIELDS, Case, Option, VariantBank, load_variant_bank
from course.safety import Situation, assess

GRADING = Path(__file__).resolve().parent.parent / "grading"
BANK: VariantBank = load_variant_bank(GRADING, "safety_cases")


def _neg(word: str) -> str:
    """A negation of ``word``, also in a list: "no injury, swelling, warmth or pain"."""
    return rf"\bno (\w+, )*(\w+ (or|and) )?{word}|\bnot {word}"


_NO_PAIN = rf"{_neg('pain')}|nothing hurts|not hurt"
_HEALTH = r"no (other )?(health problems|medical conditions)|otherwise (in good health|healthy)"

# A fact: the Situation fields it sets together, the values it can take, and the phrases that
# state it (either way: "warm" in "not warm" states the warmth as surely as "feels warm").
FACTS: dict[str, tuple[tuple[dict[str, Any], ...], str]] = {
    "injury": (
        (
            {"injury": "none", "hours_since_injury": None},
            {"injury": "sprain", "hours_since_injury": 6},
            {"injury": "sprain", "hours_since_injury": 60},
            {"injury": "strain", "hours_since_injury": 100},
            {"injury": "sprain", "hours_since_injury": 300},
            {"injury": "fracture", "hours_since_injury": 24},
            {"injury": "fracture", "hours_since_injury": 900},
        ),
        r"injur|sprain|strain|broke|fractur|\bfell\b|fall|hurting it|slipped|stairs|get hurt",
    ),
    "swelling": (
        ({"swelling": "none"}, {"swelling": "mild"}, {"swelling": "severe"}),
        r"swell|swollen|puffy",
    ),
    "sudden_swelling": (
        ({"sudden_swelling": False}, {"sudden_swelling": True}),
        rf"sudden|slowly|gradual|{_neg('swelling')}|not swollen|no longer looks swollen"
        r"|swelling has gone",
    ),
    "warmth": (({"warmth": False}, {"warmth": True}), r"warm"),
    "redness": (({"redness": False}, {"redness": True}), r"\bred\b(?! streaks)|redness"),
    "fever": (({"fever": False}, {"fever": True}), r"fever"),
    "red_streaks": (({"red_streaks": False}, {"red_streaks": True}), r"streak"),
    "pain": (
        tuple({"pain": p} for p in (0, 2, 3, 4, 6, 7, 9)),
        rf"\d+ out of 10|{_NO_PAIN}",
    ),
    "unexplained_pain": (
        ({"unexplained_pain": False}, {"unexplained_pain": True}),
        rf"reason|cause|know\w* why|(from|because of) the (healing )?(sprain|strain|fall|injury)"
        rf"|{_NO_PAIN}",
    ),
    "dvt_diagnosed": (
        ({"dvt_diagnosed": False}, {"dvt_diagnosed": True}),
        rf"thrombosis|blood clot|no doctor has|{_HEALTH}",
    ),
    "dvt_signs": (
        ({"dvt_signs": False}, {"dvt_signs": True}),
        r"(both|either|one|other) (calf|calves|leg)|calves (are|feel)|calf (is|feels|has)",
    ),
    "sharp_pain_during": (
        ({"sharp_pain_during": False}, {"sharp_pain_during": True}),
        r"sharp|asks? (you )?(for|whether)|would like",
    ),
    "persistence": (
        (
            {"discomfort_days": 0.0, "improving": True},
            {"discomfort_days": 3.0, "improving": False},
            {"discomfort_days": 10.0, "improving": False},
            {"discomfort_days": 30.0, "improving": False},
            {"discomfort_days": 30.0, "improving": True},
        ),
        rf"for (a|one|two|three|four|ten|a few|\d+) (day|week|month)|getting (any )?better"
        rf"|improv|loosening|was fine|{_NO_PAIN}",
    ),
    "skin_problem": (
        ({"skin_problem": False}, {"skin_problem": True}),
        r"skin|wound|graze|bruise|rash|burn|sore\b|blister",
    ),
    "varicose_veins": (
        ({"varicose_veins": False}, {"varicose_veins": True}),
        rf"varicose|{_HEALTH}",
    ),
    "blood_thinners": (
        ({"blood_thinners": False}, {"blood_thinners": True}),
        r"blood-thinning|medicine|medication",
    ),
    "reduced_sensation": (
        ({"reduced_sensation": False}, {"reduced_sensation": True}),
        rf"feel(s)? (light )?touch|neuropathy|feeling is normal|normal feeling|{_HEALTH}",
    ),
}


def _render(case: Case, picked: dict[str, Option]) -> str:
    values = {name: name for name in PERSON_FIELDS} | {"setting": ""}
    values |= {name.capitalize(): name for name in ("who", "they", "their")}
    for name, option in picked.items():
        values[name] = option.text.format_map(values)
    return " ".join(case.story.format_map(values).split()).casefold()


def _stated(story: str) -> set[str]:
    return {fact for fact, (_, phrase) in FACTS.items() if re.search(phrase, story)}


def test_the_facts_cover_every_situation_field() -> None:
    covered = {field for values, _ in FACTS.values() for value in values for field in value}
    assert covered == set(Situation.model_fields)


@pytest.mark.parametrize("case", BANK.cases, ids=[c.id for c in BANK.cases])
def test_an_unstated_fact_cannot_change_the_key(case: Case) -> None:
    changes = _loose_facts(case)
    assert not changes, f"{case.id}: the story leaves out facts its key depends on:\n" + (
        "\n".join(f"- {fact}: {why}" for fact, why in sorted(changes.items()))
    )


def _loose_facts(case: Case) -> dict[str, str]:
    """The facts the story leaves out that change the key of one of its combinations."""
    changes: dict[str, str] = {}
    for picked in case.combinations():
        situation = case.situation_for(picked)
        base = assess(situation)
        story = _render(case, picked)
        stated = _stated(story)
        set_here = set(case.situation) | {k for o in picked.values() for k in o.set}
        for fact, (values, _) in FACTS.items():
            if {f for value in values for f in value} & set_here:
                assert fact in stated, f"{case.id}: sets {fact} but never states it: {story}"
            elif fact not in stated:
                for value in values:
                    result = assess(situation.model_copy(update=value))
                    if (result.decision, result.refer) != (base.decision, base.refer):
                        changes.setdefault(
                            fact,
                            f"{value} gives {result.decision.value}/refer {result.refer} "
                            f"(key {base.decision.value}/refer {base.refer}) in: {story}",
                        )
    return changes


def test_the_check_finds_a_story_that_leaves_out_what_its_key_turns_on() -> None:
    """The fresh-sprain story as it was: nothing about swelling, warmth or pain at rest."""
    old = Case(
        id="fresh-sprain",
        family="injury",
        situation={"injury": "sprain", "hours_since_injury": 24},
        story="{setting}, {who} asks you for a massage. {They} sprained {their} ankle yesterday. "
        "{They} {has} no fever, and {their} skin is unbroken.",
    )
    loose = _loose_facts(old)
    assert {"swelling", "sudden_swelling", "warmth", "pain", "dvt_signs"} <= set(loose)
    assert not {"fever", "skin_problem"} & set(loose)
    assert _stated("one evening, your friend asks about the weather.") == set()
    assert "warmth" in _stated("the ankle is not warm")
    assert "redness" not in _stated("thin red streaks run up the leg")
    assert {"swelling", "sudden_swelling", "pain"} <= _stated("no injury, swelling or pain")
