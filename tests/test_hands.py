"""The safety check's result reaches the hands (course.safety.hands, safety.yaml ``hands``).

Proceed with caution means light pressure on every step, no friction and no sustained pressure,
frequent check-ins and stop on pain; avoid the area means around the named area, never on it
(reference §4). Every place that teaches the routine says so: the checklist, each technique
card, the technique demo, the decisions table, the scenario explorer and ``ankle-course assess``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from course import lesson
from course.cli import main
from course.content.loader import load_content
from course.content.models import Technique
from course.errors import ContentError, GradingError
from course.safety import Decision, Situation, assess
from course.safety.hands import hands_for, hands_for_decision, technique_changes
from course.safety.policy import load_policy
from course.safety.present import describe
from tests.strategies import situations

REPO = Path(__file__).resolve().parents[1]
# the movements a caution never allows: friction is never light touch, and a held press is not
# light pressure (reference §2 caution zones: "never sustained, deep or friction pressure")
NEVER_UNDER_CAUTION = {"friction", "sustained_pressure"}
MASSAGE_GOES_ON = {Decision.PROCEED, Decision.PROCEED_WITH_CAUTION, Decision.AVOID_AREA}


def _techniques() -> tuple[Technique, ...]:
    return load_content().techniques


def _fired_decisions(situation: Situation) -> set[Decision]:
    decision_of = {r.id: Decision(r.decision) for r in load_policy().rules}
    return {decision_of[reason.rule] for reason in assess(situation).reasons}


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- the data -------------------------------------------------------------------------------
def test_caution_is_light_throughout_and_leaves_out_friction_and_holds() -> None:
    caution = hands_for_decision("PROCEED_WITH_CAUTION")
    assert caution.pressure == "light"
    assert caution.leave_out == NEVER_UNDER_CAUTION
    summary = caution.summaries[0].lower()
    for words in ("light pressure", "no friction", "sustained pressure", "check in", "stop"):
        assert words in summary
    avoid = hands_for_decision("AVOID_AREA")
    assert avoid.around_area
    assert "never on it" in avoid.summaries[0]
    for decision in Decision:
        hands = hands_for_decision(decision.value)
        assert hands.massage == (decision in MASSAGE_GOES_ON), decision
        if not hands.massage:
            assert "no massage" in hands.summaries[0].lower() or "stop" in hands.summaries[0]


def test_every_friction_or_held_technique_is_classed_so() -> None:
    for t in _techniques():
        words = " ".join((t.name, *t.synonyms)).lower()
        if "friction" in words:
            assert t.movement == "friction", t.id
        if t.hold_seconds is not None or "sustained" in words:
            assert t.movement == "sustained_pressure", t.id
    assert {t.movement for t in _techniques()} >= NEVER_UNDER_CAUTION


def test_a_hold_that_is_not_sustained_pressure_is_refused(content_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        held = next(t for t in data["techniques"] if t["hold_seconds"])
        held["movement"] = "circles"

    _edit(content_copy / "techniques.yaml", change)
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    message = str(info.value)
    assert "techniques.yaml" in message
    assert "'tendon_sustained_pressure'" in message
    assert "movement" in message


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["hands"].pop(1), "hands", "one record per decision"),
        (lambda d: d["hands"][1].update(pressure="none"), "pressure", "pressure: none"),
        (lambda d: d["hands"][4].update(pressure="as_taught"), "pressure", "REFER and above"),
        (lambda d: d["hands"][1].pop("step"), "step", "kept steps"),
        (lambda d: d["hands"][1].pop("left_out_step"), "left_out_step", "leave_out"),
        (lambda d: d["hands"][1].update(leave_out=["pinching"]), "leave_out", "friction"),
        (lambda d: d["hands"][1].update(source=["a blog"]), "source", "unknown source"),
        (lambda d: d.pop("hands"), "hands", "non-empty list"),
    ],
)
def test_bad_hands_records_are_named(
    content_copy: Path, change: Any, field: str, words: str
) -> None:
    _edit(content_copy / "safety.yaml", change)
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    message = str(info.value)
    assert message.startswith("safety.yaml"), message
    assert field in message, message
    assert words in message, message


# --- what a situation does to the hands: a rule for all situations ---------------------------
@settings(max_examples=400, deadline=None)
@given(situations())
def test_the_presented_guidance_never_allows_more_than_the_check(situation: Situation) -> None:
    assessment = assess(situation)
    hands = hands_for(assessment)
    fired = _fired_decisions(situation)
    treatments = {t.id: hands.treatment(t) for t in _techniques()}
    if assessment.decision not in MASSAGE_GOES_ON:
        assert not hands.massage
        assert set(treatments.values()) == {"none"}
        return
    cautious = Decision.PROCEED_WITH_CAUTION in fired
    if assessment.decision is Decision.PROCEED_WITH_CAUTION:
        assert cautious
    if cautious:
        # light pressure on every step; never friction or sustained pressure
        for t in _techniques():
            expected = "leave_out" if t.movement in NEVER_UNDER_CAUTION else "light"
            assert treatments[t.id] == expected, (t.id, situation)
    else:
        assert set(treatments.values()) == {"as_taught"}
    assert hands.around_area == (Decision.AVOID_AREA in fired)
    # what the learner reads beside the decision says all of it
    shown = describe(assessment).plain
    for decision in fired:
        assert hands_for_decision(decision.value).summaries[0] in shown, decision
    for t in hands.left_out(_techniques()):
        assert f"{t.order}. {t.name}" in shown


def test_avoid_area_with_blood_thinners_is_around_the_area_and_light() -> None:
    hands = hands_for(assess(Situation(varicose_veins=True, blood_thinners=True)))
    assert hands.around_area
    assert hands.pressure == "light"
    assert hands.leave_out == NEVER_UNDER_CAUTION
    assert hands.summaries == (
        hands_for_decision("AVOID_AREA").summaries[0],
        hands_for_decision("PROCEED_WITH_CAUTION").summaries[0],
    )


# --- every place that teaches the routine carries it ------------------------------------------
def _expected_changes(t: Technique) -> dict[str, str]:
    policy = load_policy()
    caution = policy.hands["PROCEED_WITH_CAUTION"]
    avoid = policy.hands["AVOID_AREA"]
    left_out = t.movement in NEVER_UNDER_CAUTION
    assert avoid.step is not None
    return {
        policy.decisions["PROCEED_WITH_CAUTION"].label.lower(): str(
            caution.left_out_step if left_out else caution.step
        ),
        policy.decisions["AVOID_AREA"].label.lower(): avoid.step,
    }


@pytest.mark.parametrize("technique_id", [t.id for t in load_content().techniques])
def test_card_and_demo_say_what_caution_and_avoid_area_change(technique_id: str) -> None:
    from course.widgets import TechniqueDemo
    from course.widgets.logic import technique_details_html

    t = load_content().technique(technique_id)
    expected = _expected_changes(t)
    assert {d.lower(): c for d, c in technique_changes(t)} == expected
    card = lesson.technique(technique_id)
    demo = TechniqueDemo(technique=technique_id)
    details = technique_details_html(technique_id)
    static = "\n".join(demo.static_items())
    for decision, change in expected.items():
        line = f"If the safety check says {decision}: {change}"
        assert line in card.plain, (technique_id, decision)
        assert change in card.html
        assert change in details
        assert line in static
        assert demo._details.value == details
    if t.movement in NEVER_UNDER_CAUTION:
        assert "Leave this step out" in card.plain
    else:
        assert "Light pressure only" in card.plain


def test_checklist_puts_the_check_first_and_carries_its_result_into_every_step() -> None:
    checklist = lesson.checklist()
    first = checklist.groups[0]
    assert checklist.boxes[0].description == first.items[0]
    assert "decides the pressure of every step" in first.items[0]
    policy = load_policy()
    for decision in ("PROCEED", "PROCEED_WITH_CAUTION", "AVOID_AREA"):
        label = policy.decisions[decision].label
        assert f"{label}: {policy.hands[decision].summary}" in first.notes
    stopping = first.notes[-1]
    for decision in ("REFER", "STOP", "DO_NOT_MASSAGE", "SEEK_URGENT_CARE"):
        assert policy.decisions[decision].label in stopping
    steps = [box.description for box in checklist.boxes if box.description[0].isdigit()]
    caution = policy.hands["PROCEED_WITH_CAUTION"]
    for t, step in zip(_techniques(), steps, strict=True):
        change = caution.left_out_step if t.movement in NEVER_UNDER_CAUTION else caution.step
        assert f"Proceed with caution: {change}" in step, t.id
    page = checklist.static_html()
    assert page.index("Safety check") < page.index(caution.summary) < page.index("1. Effleurage")
    assert lesson.safety_results().plain.splitlines()[1:] == [f"  - {n}" for n in first.notes]


def test_decisions_table_says_what_the_hands_do() -> None:
    table = lesson.decisions().plain.splitlines()
    policy = load_policy()
    assert table[0].endswith("What the hands do")
    for row, (decision, record) in zip(table[1:], policy.hands.items(), strict=True):
        assert row.startswith(policy.decisions[decision].label)
        assert row.endswith(record.summary)


def test_scenario_explorer_shows_the_hands_beside_the_decision() -> None:
    explorer = lesson.scenario_explorer()
    caution = hands_for_decision("PROCEED_WITH_CAUTION").summaries[0]
    assert caution not in explorer.result.value
    explorer.set(injury="sprain")
    explorer.set(hours_since_injury=14 * 24.0, pain=1)
    assert explorer.assessment().decision is Decision.PROCEED_WITH_CAUTION
    page = explorer.result.value
    assert page.index("Proceed with caution") < page.index(caution) < page.index("Why")
    assert "Steps left out:</strong> 4. Circular fingertip friction around the ankle" in page
    explorer.set(varicose_veins=True)
    page = explorer.result.value
    assert hands_for_decision("AVOID_AREA").summaries[0] in page
    assert caution in page
    explorer.set(hours_since_injury=30.0)
    page = explorer.result.value
    assert hands_for_decision("DO_NOT_MASSAGE").summaries[0] in page
    assert caution not in page
    assert "Steps left out" not in page


# --- the command line -----------------------------------------------------------------------
def test_assess_prints_the_hands_beside_the_decision(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", "--injury", "sprain", "--hours-since-injury", "336", "--pain", "1"])
    out = capsys.readouterr().out
    assert code == 0
    caution = hands_for_decision("PROCEED_WITH_CAUTION").summaries[0]
    flat = " ".join(out.split())
    assert flat.index("PROCEED_WITH_CAUTION") < flat.index("What the hands do:")
    assert flat.index(caution) < flat.index("Reasons:")
    left_out = [t for t in _techniques() if t.movement in NEVER_UNDER_CAUTION]
    assert "Steps left out: " + "; ".join(f"{t.order}. {t.name}" for t in left_out) in flat
    code = main(["assess", "--fever"])
    flat = " ".join(capsys.readouterr().out.split())
    assert hands_for_decision("DO_NOT_MASSAGE").summaries[0] in flat
    assert "Steps left out" not in flat


def test_assess_json_gives_every_step_its_treatment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--varicose-veins", "--blood-thinners", "--json"]) == 0
    hands = json.loads(capsys.readouterr().out)["hands"]
    assert hands["massage"] is True
    assert hands["pressure"] == "light"
    assert hands["around_area"] is True
    assert hands["leave_out"] == sorted(NEVER_UNDER_CAUTION)
    assert len(hands["what_to_do"]) == 2
    treatments = {row["technique"]: row["treatment"] for row in hands["techniques"]}
    assert treatments == {
        t.id: "leave_out" if t.movement in NEVER_UNDER_CAUTION else "light" for t in _techniques()
    }
    assert main(["assess", "--json"]) == 0
    hands = json.loads(capsys.readouterr().out)["hands"]
    assert {row["treatment"] for row in hands["techniques"]} == {"as_taught"}


# --- the self-check and the graded item ----------------------------------------------------
def test_graded_caution_item_is_keyed_from_the_hands_data() -> None:
    from course.grading.items.bank import ChoiceItem, load_item_bank
    from course.grading.items.keys import content_key, verify_keys

    bank = load_item_bank(REPO / "grading", "anatomy_techniques")
    item = next(
        i
        for i in bank.items
        if isinstance(i, ChoiceItem) and i.from_content and "hands" in i.from_content
    )
    assert item.from_content == {"hands": "PROCEED_WITH_CAUTION", "technique": "fingertip_friction"}
    assert content_key(item) == item.answer == "leave_out"
    assert {"light", "firm_not_painful"} <= set(item.options)  # the tempting wrong answers
    wrong = item.model_copy(update={"answer": "light"})
    with pytest.raises(GradingError, match="the content says 'leave_out'"):
        verify_keys(bank.model_copy(update={"items": (wrong,)}))
    as_taught = item.model_copy(
        update={"from_content": {"hands": "PROCEED", "technique": "fingertip_friction"}}
    )
    assert content_key(as_taught) == "firm_not_painful"
    unknown = item.model_copy(update={"from_content": {"hands": "MAYBE", "technique": "x"}})
    with pytest.raises(GradingError, match="a17"):
        content_key(unknown)


def test_self_check_asks_what_caution_does_to_the_routine() -> None:
    from course.quiz.bank import load_bank
    from course.quiz.models import SingleChoice

    question = load_bank().question("core_caution_light_throughout")
    assert isinstance(question, SingleChoice)
    assert question in load_bank().for_lesson("03_core_techniques")
    answer = question.answer.lower()
    assert "light pressure on every step" in answer
    assert "leave out the friction" in answer
    for option in question.options:
        if option != question.answer:
            # every wrong option keeps a friction step or a firmer pressure
            assert "leave out the friction" not in option.lower()


def test_lessons_teach_that_the_check_decides_every_step() -> None:
    import nbformat

    def words(lesson_id: str) -> str:
        notebook = nbformat.read(REPO / "notebooks" / f"{lesson_id}.ipynb", as_version=4)
        return " ".join(" ".join(c.source for c in notebook.cells).split()).lower()

    core = words("03_core_techniques")
    assert "lesson.safety_results()" in core
    assert "its result decides the pressure of every step" in core
    assert "no friction and no sustained pressure" in core
    friction = core[core.index("## 4. circular fingertip friction") :]
    assert "leave this step out" in friction
    for lesson_id in ("04_ligaments_and_tendons", "05_safety", "06_review_and_routine"):
        text = words(lesson_id)
        assert "proceed with caution" in text, lesson_id
        assert "light pressure" in text, lesson_id
    for lesson_id in ("03_core_techniques", "05_safety", "06_review_and_routine"):
        points = " ".join(load_content().lesson(lesson_id).key_points).lower()
        assert "no friction" in points, lesson_id
