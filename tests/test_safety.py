"""The safety engine applies the reference's section 4 table exactly."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import situations

from course.content.loader import load_content
from course.safety import Assessment, Decision, Reason, Situation, assess

D = Decision

# One case per rule: (situation fields, rules that must fire, expected decision, refer)
RULE_CASES: list[tuple[str, dict[str, Any], set[str], Decision, bool]] = [
    (
        "acute-injury",
        {"injury": "sprain", "hours_since_injury": 48},
        {"acute-injury"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        "acute-injury at 72 h",
        {"injury": "strain", "hours_since_injury": 72},
        {"acute-injury"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        "fracture",
        {"injury": "fracture", "hours_since_injury": 2000},
        {"fracture"},
        D.DO_NOT_MASSAGE,
        True,
    ),
    (
        "healing-injury",
        {"injury": "sprain", "hours_since_injury": 72.5},
        {"healing-injury"},
        D.PROCEED_WITH_CAUTION,
        False,
    ),
    (
        "healing-injury: pain 3 is settled",
        {"injury": "strain", "hours_since_injury": 120, "pain": 3},
        {"healing-injury"},
        D.PROCEED_WITH_CAUTION,
        False,
    ),
    (
        "unsettled-injury: still mildly swollen at 73 h",
        {"injury": "sprain", "hours_since_injury": 73, "swelling": "mild"},
        {"unsettled-injury", "mild-swelling"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        "unsettled-injury: pain at rest 4",
        {"injury": "strain", "hours_since_injury": 200, "pain": 4},
        {"unsettled-injury", "moderate-pain"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        "unsettled-injury: warm after a week",
        {"injury": "sprain", "hours_since_injury": 168, "warmth": True},
        {"unsettled-injury", "infection"},
        D.DO_NOT_MASSAGE,
        True,
    ),
    (
        "unsettled-injury: sudden swelling after 72 h",
        {"injury": "sprain", "hours_since_injury": 96, "sudden_swelling": True},
        {"unsettled-injury", "severe-swelling"},
        D.DO_NOT_MASSAGE,
        True,
    ),
    ("severe-swelling", {"swelling": "severe"}, {"severe-swelling"}, D.DO_NOT_MASSAGE, True),
    ("sudden swelling", {"sudden_swelling": True}, {"severe-swelling"}, D.DO_NOT_MASSAGE, True),
    ("mild-swelling", {"swelling": "mild"}, {"mild-swelling"}, D.PROCEED_WITH_CAUTION, False),
    ("infection: fever", {"fever": True}, {"infection"}, D.DO_NOT_MASSAGE, True),
    ("infection: warmth", {"warmth": True}, {"infection"}, D.DO_NOT_MASSAGE, True),
    (
        "spreading-infection: streaks",
        {"red_streaks": True},
        {"spreading-infection"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    ("severe-pain", {"pain": 7}, {"severe-pain"}, D.DO_NOT_MASSAGE, True),
    ("unexplained pain", {"unexplained_pain": True}, {"severe-pain"}, D.DO_NOT_MASSAGE, True),
    ("moderate-pain 4", {"pain": 4}, {"moderate-pain"}, D.PROCEED_WITH_CAUTION, False),
    ("moderate-pain 6", {"pain": 6}, {"moderate-pain"}, D.PROCEED_WITH_CAUTION, False),
    ("pain 3 is fine", {"pain": 3}, {"none"}, D.PROCEED, False),
    ("dvt", {"dvt_diagnosed": True}, {"dvt"}, D.DO_NOT_MASSAGE, True),
    ("dvt-signs", {"dvt_signs": True}, {"dvt-signs"}, D.SEEK_URGENT_CARE, True),
    ("sharp-pain", {"sharp_pain_during": True}, {"sharp-pain"}, D.STOP, False),
    ("persistent", {"discomfort_days": 7, "improving": False}, {"persistent"}, D.REFER, True),
    (
        "improving is not persistent",
        {"discomfort_days": 30, "improving": True},
        {"none"},
        D.PROCEED,
        False,
    ),
    (
        "6 days is not persistent",
        {"discomfort_days": 6.9, "improving": False},
        {"none"},
        D.PROCEED,
        False,
    ),
    ("local-skin", {"skin_problem": True}, {"local-skin"}, D.AVOID_AREA, False),
    ("local redness", {"redness": True}, {"local-skin"}, D.AVOID_AREA, False),
    ("varicose", {"varicose_veins": True}, {"varicose"}, D.AVOID_AREA, False),
    ("blood-thinners", {"blood_thinners": True}, {"blood-thinners"}, D.PROCEED_WITH_CAUTION, False),
    (
        "reduced-sensation",
        {"reduced_sensation": True},
        {"reduced-sensation"},
        D.PROCEED_WITH_CAUTION,
        False,
    ),
    (
        "wound-without-feeling",
        {"skin_problem": True, "reduced_sensation": True},
        {"wound-without-feeling", "local-skin", "reduced-sensation"},
        D.REFER,
        True,
    ),
    (
        "redness is not a wound",
        {"redness": True, "reduced_sensation": True},
        {"local-skin", "reduced-sensation"},
        D.AVOID_AREA,
        False,
    ),
    ("none", {}, {"none"}, D.PROCEED, False),
]

# Precedence pairs: both rules fire, the more severe decides.
PRECEDENCE_CASES: list[tuple[dict[str, Any], set[str], Decision, bool]] = [
    (
        {"injury": "sprain", "hours_since_injury": 24, "swelling": "mild"},
        {"acute-injury", "mild-swelling"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        {"fever": True, "warmth": True},
        {"infection", "spreading-infection"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    (
        {"fever": True, "swelling": "mild"},
        {"infection", "spreading-infection", "mild-swelling"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    (
        {"fever": True, "redness": True},
        {"infection", "spreading-infection", "local-skin"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    (
        {"sharp_pain_during": True, "discomfort_days": 10, "improving": False},
        {"sharp-pain", "persistent"},
        D.STOP,
        True,
    ),
    (
        {"skin_problem": True, "blood_thinners": True},
        {"local-skin", "blood-thinners"},
        D.AVOID_AREA,
        False,
    ),
    (
        {"varicose_veins": True, "discomfort_days": 8, "improving": False},
        {"varicose", "persistent"},
        D.REFER,
        True,
    ),
    ({"pain": 8, "sharp_pain_during": True}, {"severe-pain", "sharp-pain"}, D.DO_NOT_MASSAGE, True),
    (
        {"injury": "strain", "hours_since_injury": 100, "pain": 5},
        {"unsettled-injury", "moderate-pain"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        {"injury": "sprain", "hours_since_injury": 72, "swelling": "mild"},
        {"acute-injury", "mild-swelling"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        {"injury": "sprain", "hours_since_injury": 120, "swelling": "mild", "varicose_veins": True},
        {"unsettled-injury", "mild-swelling", "varicose"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        {"injury": "sprain", "hours_since_injury": 120, "swelling": "severe"},
        {"unsettled-injury", "severe-swelling"},
        D.DO_NOT_MASSAGE,
        True,
    ),
    (
        {"injury": "strain", "hours_since_injury": 150, "pain": 2, "sharp_pain_during": True},
        {"healing-injury", "sharp-pain"},
        D.STOP,
        False,
    ),
    (
        {"injury": "strain", "hours_since_injury": 150, "pain": 6, "sharp_pain_during": True},
        {"unsettled-injury", "moderate-pain", "sharp-pain"},
        D.DO_NOT_MASSAGE,
        False,
    ),
    (
        {"injury": "sprain", "hours_since_injury": 90, "pain": 4, "dvt_signs": True},
        {"unsettled-injury", "moderate-pain", "dvt-signs"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    (
        {"injury": "sprain", "hours_since_injury": 300, "discomfort_days": 12, "improving": False},
        {"healing-injury", "persistent"},
        D.REFER,
        True,
    ),
    (
        {"skin_problem": True, "reduced_sensation": True, "varicose_veins": True},
        {"wound-without-feeling", "local-skin", "reduced-sensation", "varicose"},
        D.REFER,
        True,
    ),
    (
        {"skin_problem": True, "reduced_sensation": True, "sharp_pain_during": True},
        {"wound-without-feeling", "local-skin", "reduced-sensation", "sharp-pain"},
        D.STOP,
        True,
    ),
    (
        {
            "skin_problem": True,
            "reduced_sensation": True,
            "injury": "sprain",
            "hours_since_injury": 30,
        },
        {"wound-without-feeling", "local-skin", "reduced-sensation", "acute-injury"},
        D.DO_NOT_MASSAGE,
        True,
    ),
    (
        {"skin_problem": True, "reduced_sensation": True, "red_streaks": True},
        {"wound-without-feeling", "local-skin", "reduced-sensation", "spreading-infection"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    (
        {"skin_problem": True, "reduced_sensation": True, "discomfort_days": 9, "improving": False},
        {"wound-without-feeling", "local-skin", "reduced-sensation", "persistent"},
        D.REFER,
        True,
    ),
    (
        {"injury": "fracture", "hours_since_injury": 10, "red_streaks": True},
        {"fracture", "spreading-infection"},
        D.SEEK_URGENT_CARE,
        True,
    ),
    ({"dvt_diagnosed": True, "dvt_signs": True}, {"dvt"}, D.DO_NOT_MASSAGE, True),
    ({"dvt_signs": True, "pain": 7}, {"dvt-signs", "severe-pain"}, D.SEEK_URGENT_CARE, True),
    ({"swelling": "mild", "sudden_swelling": True}, {"severe-swelling"}, D.DO_NOT_MASSAGE, True),
    (
        {"reduced_sensation": True, "varicose_veins": True},
        {"reduced-sensation", "varicose"},
        D.AVOID_AREA,
        False,
    ),
]


def _fired(result: Assessment) -> set[str]:
    return {reason.rule for reason in result.reasons}


@pytest.mark.parametrize(
    ("fields", "rules", "decision", "refer"),
    [case[1:] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_each_rule(
    fields: dict[str, Any], rules: set[str], decision: Decision, refer: bool
) -> None:
    result = assess(Situation(**fields))
    assert _fired(result) == rules
    assert result.decision is decision
    assert result.refer is refer


@pytest.mark.parametrize(("fields", "rules", "decision", "refer"), PRECEDENCE_CASES)
def test_precedence(
    fields: dict[str, Any], rules: set[str], decision: Decision, refer: bool
) -> None:
    result = assess(Situation(**fields))
    assert _fired(result) == rules
    assert result.decision is decision
    assert result.refer is refer


def test_every_rule_of_the_table_is_exercised() -> None:
    covered = set().union(*(case[2] for case in RULE_CASES))
    assert covered == {rule.id for rule in load_content().rules}


def test_decisions_are_ordered_by_severity() -> None:
    order = list(Decision)
    assert [d.name for d in order] == [
        "PROCEED",
        "PROCEED_WITH_CAUTION",
        "AVOID_AREA",
        "REFER",
        "STOP",
        "DO_NOT_MASSAGE",
        "SEEK_URGENT_CARE",
    ]
    assert all(a < b for a, b in itertools.pairwise(order))
    assert Decision.STOP > Decision.REFER
    assert max(Decision.AVOID_AREA, Decision.SEEK_URGENT_CARE) is Decision.SEEK_URGENT_CARE
    assert Decision("STOP") is Decision.STOP


def test_reasons_explain_and_attribute_the_guide_without_quoting_it() -> None:
    result = assess(Situation(dvt_diagnosed=True))
    assert result.reasons == (Reason("dvt", result.reasons[0].text),)
    assert "The guide advises against massage" in result.reasons[0].text
    sharp = assess(Situation(sharp_pain_during=True)).reasons[0].text
    assert "stop the technique" in sharp
    assert "immediately" in sharp
    for reason in (result.reasons[0].text, sharp):
        assert '"' not in reason
        assert "“" not in reason


def test_result_says_it_is_education() -> None:
    result = assess(Situation())
    assert "education, not diagnosis" in result.disclaimer
    assert result.to_dict()["decision"] == "PROCEED"


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"injury": "sprain", "hours_since_injury": -3}, "hours_since_injury"),
        ({"discomfort_days": -0.5}, "discomfort_days"),
        ({"injury": "bruise", "hours_since_injury": 3}, "injury"),
        ({"swelling": "huge"}, "swelling"),
        ({"injury": "sprain"}, "hours_since_injury"),
        ({"hours_since_injury": 5}, "hours_since_injury"),
        ({"temperature": 39}, "temperature"),
        ({"fever": "yes"}, "fever"),
        ({"pain": 5.5}, "pain"),
        ({"injury": "sprain", "hours_since_injury": float("inf")}, "hours_since_injury"),
        ({"discomfort_days": float("nan")}, "discomfort_days"),
    ],
)
def test_bad_input_names_the_field(fields: dict[str, Any], field_name: str) -> None:
    with pytest.raises(ValueError, match=field_name):
        Situation(**fields)


def test_situation_is_keyword_only_and_immutable() -> None:
    with pytest.raises(TypeError):
        Situation("sprain")  # type: ignore[misc]
    situation = Situation()
    with pytest.raises(ValueError, match="frozen"):
        situation.pain = 3  # type: ignore[misc]


def test_assess_rejects_non_situations() -> None:
    with pytest.raises(TypeError, match="Situation"):
        assess({"pain": 3})  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------


def _after_72_hours(s: Situation) -> bool:
    return s.injury in ("sprain", "strain") and (s.hours_since_injury or 0) > 72


def _unsettled(s: Situation) -> bool:
    """Policy v2, written independently of the rule data: > 72 h and not yet settled."""
    return _after_72_hours(s) and (
        s.swelling != "none" or s.sudden_swelling or s.warmth or s.pain >= 4
    )


def _has_red_flag(s: Situation) -> bool:
    """The red flags as the issue lists them, written independently of the rule data."""
    acute = s.injury in ("sprain", "strain") and (s.hours_since_injury or 0) <= 72
    return (
        acute
        or _unsettled(s)
        or s.injury == "fracture"
        or s.swelling == "severe"
        or s.sudden_swelling
        or s.fever
        or s.warmth
        or s.red_streaks
        or s.pain >= 7
        or s.unexplained_pain
        or s.dvt_diagnosed
        or s.dvt_signs
    )


@settings(max_examples=400, deadline=None)
@given(situations())
def test_red_flags_never_allow_massage(situation: Situation) -> None:
    result = assess(situation)
    if _has_red_flag(situation):
        assert result.decision not in (Decision.PROCEED, Decision.PROCEED_WITH_CAUTION)
        assert result.decision >= Decision.DO_NOT_MASSAGE


@settings(max_examples=400, deadline=None)
@given(situations())
def test_decision_is_the_maximum_over_the_reasons(situation: Situation) -> None:
    result = assess(situation)
    rules = {rule.id: rule for rule in load_content().rules}
    fired = [rules[reason.rule] for reason in result.reasons]
    assert result.reasons, "every assessment gives at least one reason"
    assert result.decision is max(Decision(rule.decision) for rule in fired)
    assert result.refer == any(rule.refer for rule in fired)
    assert ("none" in {r.id for r in fired}) == (len(fired) == 1 and fired[0].id == "none")


@settings(max_examples=200, deadline=None)
@given(situations())
def test_only_a_clean_situation_proceeds(situation: Situation) -> None:
    result = assess(situation)
    if result.decision is Decision.PROCEED:
        assert [r.rule for r in result.reasons] == ["none"]


@settings(max_examples=400, deadline=None)
@given(situations())
def test_after_72_hours_an_injury_proceeds_only_once_settled(situation: Situation) -> None:
    """unsettled-injury and healing-injury split every sprain or strain past 72 h in two."""
    result = assess(situation)
    fired = _fired(result)
    assert ("unsettled-injury" in fired) == _unsettled(situation)
    assert ("healing-injury" in fired) == (_after_72_hours(situation) and not _unsettled(situation))
    assert not {"unsettled-injury", "healing-injury"} <= fired
    if _unsettled(situation):
        assert result.decision >= Decision.DO_NOT_MASSAGE
        assert not result.decision.allows_massage
    if "acute-injury" in fired:
        assert not fired & {"unsettled-injury", "healing-injury"}


@settings(max_examples=400, deadline=None)
@given(situations())
def test_a_skin_problem_without_feeling_is_always_referred(situation: Situation) -> None:
    result = assess(situation)
    fired = _fired(result)
    both = situation.skin_problem and situation.reduced_sensation
    assert ("wound-without-feeling" in fired) == both
    if both:
        assert result.refer
        assert result.decision >= Decision.REFER
        assert {"local-skin", "reduced-sensation"} <= fired
        assert not result.decision.allows_massage


def test_decision_colours_are_okabe_ito_distinct_and_hatched_when_severe() -> None:
    """Colour-blind-safe: one Okabe-Ito colour per decision, never shared, and every decision
    beyond caution also hatched, so colour is never the only cue."""
    from course.diagrams.palette import OKABE_ITO
    from course.safety.decisions import DECISION_ORDER
    from course.safety.present import DECISION_COLOURS

    assert tuple(DECISION_COLOURS) == DECISION_ORDER
    colours = [colour.upper() for colour, _hatch in DECISION_COLOURS.values()]
    assert set(colours) <= {c.upper() for c in OKABE_ITO.values()}
    assert len(set(colours)) == len(colours)
    hatches = [hatch for _colour, hatch in DECISION_COLOURS.values()]
    assert all(hatches[2:])
    assert len(set(hatches[2:])) == len(hatches[2:])
