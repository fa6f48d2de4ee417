"""Lesson helpers: headers, sections, key points, tables, flowchart, explorer, checklist."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from strategies import situations

from course import lesson
from course.content.loader import load_content
from course.content.sections import all_sections
from course.safety import Decision, Situation, assess


def test_header_renders_title_duration_objectives_and_prerequisites() -> None:
    block = lesson.header("06_review_and_routine")
    data = load_content().lesson("06_review_and_routine")
    assert "Lesson 6: Review and the full routine" in block.plain
    assert "About 25 minutes" in block.html
    for objective in data.objectives:
        assert objective in block.plain
    for title in ("The core techniques", "Ligaments and tendons"):
        assert title in block.plain
    assert "None: start here." in lesson.header("00_welcome").plain
    with pytest.raises(ValueError, match="unknown lesson"):
        lesson.header("07_extra")


def test_key_points_end_with_the_disclaimer() -> None:
    block = lesson.key_points("05_safety")
    for point in load_content().lesson("05_safety").key_points:
        assert point in block.plain
    assert block.plain.endswith(load_content().disclaimer)
    assert "education, not diagnosis" in block.html


def test_section_marks_progress(tmp_path: Path) -> None:
    block = lesson.section("03_core_techniques", "petrissage")
    assert block.plain == "Section 3 of 6 · about 6 min"
    data = json.loads(Path(os.environ["ANKLE_COURSE_PROGRESS"]).read_text(encoding="utf-8"))
    assert list(data["lessons"]["03_core_techniques"]["sections"]) == ["petrissage"]
    with pytest.raises(ValueError, match="valid: before_you_start, effleurage"):
        lesson.section("03_core_techniques", "shiatsu")


def test_a_section_shows_its_parts_after_its_marker_in_one_cell(tmp_path: Path) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from course.progress.store import ProgressStore

    shell = InteractiveShell.instance()
    shown: list[object] = []
    shell.display_pub.publish = lambda data, **_: shown.append(data)  # type: ignore[method-assign]
    try:
        # the parts are made after the section was marked opened: a summary among them counts it
        result = shell.run_cell(
            "from course import lesson\n"
            "from course.progress.store import ProgressStore\n"
            'lesson.section("00_welcome", "your_progress").show(\n'
            "    lesson.disclaimer(),\n"
            "    sorted(ProgressStore().summary()[0].sections_opened),\n"
            ")",
            store_history=False,
        )
    finally:
        InteractiveShell.clear_instance()
    result.raise_error()
    texts = [d["text/plain"] for d in shown if isinstance(d, dict)]
    assert len(texts) == 3, texts  # marker, disclaimer, the opened sections, in that order
    assert texts[0].startswith("Section ")
    assert texts[1] == lesson.disclaimer().plain
    assert "your_progress" in texts[2]
    assert "your_progress" in ProgressStore().summary()[0].sections_opened


def test_section_minutes_add_up_to_each_lesson() -> None:
    for item in load_content().lessons:
        assert sum(s.minutes for s in all_sections()[item.id]) == item.minutes


def test_structure_tables() -> None:
    bones = lesson.structures("01_anatomy", kind="bone")
    assert "Shin bone" in bones.html or "shin bone" in bones.html
    assert "Deltoid" not in bones.html
    caution = lesson.structures(kind="caution_zone").plain
    assert caution.count("\n") == 4  # header and four zones
    with pytest.raises(ValueError, match="unknown kind"):
        lesson.structures(kind="organ")


def test_technique_card_and_routine_follow_the_data() -> None:
    card = lesson.technique("petrissage").plain
    assert card.startswith("2. Petrissage")
    assert "Never knead directly on the shin bone (tibia)" in card
    assert "Never worked on directly: Tibia" in card
    assert "Keep off" not in card
    assert "Pressure: deeper than effleurage, still comfortable" in card
    friction = lesson.technique("malleolar_friction").plain
    assert "Pressure: the guide sets no level: at most moderate" in friction
    assert "firm" not in friction.lower()
    assert "Caution zones nearby: Light touch only: behind the inner ankle bone" in friction
    hold = lesson.technique("tendon_sustained_pressure").plain
    assert "hold 5\N{EN DASH}10 seconds" in hold
    rows = lesson.routine().plain.splitlines()[1:]
    assert [r.split(" | ")[1] for r in rows] == [t.name for t in load_content().techniques]
    assert len(lesson.routine("core").plain.splitlines()) == 5
    with pytest.raises(ValueError, match="unknown section"):
        lesson.routine("feet")


def test_rules_and_decisions_tables_cover_the_policy() -> None:
    content = load_content()
    rules = lesson.rules().plain
    for rule in content.rules:
        assert rule.condition in rules
    decisions = lesson.decisions().plain.splitlines()[1:]
    assert [d.split(" | ")[0] for d in decisions] == [d.label for d in content.decisions.values()]


def test_flowchart_is_drawn_from_the_rules_most_severe_first() -> None:
    steps = lesson.flowchart_steps()
    assert len(steps) == len(load_content().rules) - 1
    severities = [Decision(step.decision).severity for step in steps]
    assert severities == sorted(severities, reverse=True)
    figure = lesson.flowchart()
    assert figure.png.startswith(b"\x89PNG")
    for step in steps:
        assert step.condition in figure.alt
    assert "If every answer is no: Proceed." in figure.alt
    referral = lesson.flowchart_referral()
    assert [steps[n - 1].refer for n in referral] == [True] * len(referral)
    assert sum(step.refer for step in steps) == len(referral)
    assert figure.alt.endswith("the policy asks for no referral.")
    assert f"{referral[-2]} or {referral[-1]}?" in figure.alt
    assert "+ refer" not in figure.alt
    bundle, metadata = figure._repr_mimebundle_()
    assert 'alt="A decision flowchart in two parts.' in bundle["text/html"]
    assert metadata["image/png"]["alt"] == figure.alt


def test_positions_figure_shows_both_positions() -> None:
    figure = lesson.positions()
    assert figure.png.startswith(b"\x89PNG")
    assert figure.alt.startswith("Self-massage: ")
    assert "Partner massage: " in figure.alt
    assert "across the knee" in figure.alt


def test_scenario_explorer_shows_decision_and_every_reason() -> None:
    explorer = lesson.scenario_explorer()
    assert explorer.controls["hours_since_injury"].disabled
    assert "Proceed" in explorer.result.value
    explorer.set(injury="sprain")
    assert not explorer.controls["hours_since_injury"].disabled
    explorer.set(hours_since_injury=30.0, varicose_veins=True)
    assessment = explorer.assessment()
    assert assessment.decision is Decision.DO_NOT_MASSAGE
    assert [r.rule for r in assessment.reasons] == ["acute-injury", "varicose"]
    assert "Do not massage" in explorer.result.value
    assert "Varicose veins at the ankle or calf." in explorer.result.value
    assert load_content().disclaimer in explorer.result.value
    explorer.set(hours_since_injury=100.0)
    assert explorer.assessment().decision is Decision.AVOID_AREA
    for control in explorer.controls.values():
        assert control.description  # every control is labelled
    assert "text/html" in explorer._repr_mimebundle_()


def test_checklist_starts_with_safety_and_lists_the_routine() -> None:
    checklist = lesson.checklist()
    labels = [box.description for box in checklist.boxes]
    assert labels[0].startswith("Safety check")
    names = [t.name for t in load_content().techniques]
    technique_labels = [label for label in labels if label[0].isdigit()]
    assert [label.split(": ")[0].split(". ", 1)[1] for label in technique_labels] == names
    assert "0 of" in checklist.status.value
    checklist.boxes[0].value = True
    assert f"1 of {len(labels)} steps ticked." in checklist.status.value
    assert "☐ Safety check" in checklist._repr_mimebundle_()["text/html"]
    content = load_content()
    for technique, label in zip(content.techniques, technique_labels, strict=True):
        for caution in technique.cautions:
            assert caution in label, technique.id
        if content.light_touch_only(technique.id):
            assert "light" in label.lower(), technique.id
    cross = next(label for label in technique_labels if "cross-fibre" in label)
    assert "Only for deeper tension, carefully, moderate pressure" in cross


@settings(max_examples=300, deadline=None)
@given(situations())
def test_reading_the_flowchart_gives_the_engines_answer(situation: Situation) -> None:
    """Part one: the first yes gives the decision. Part two: refer when any referral question
    (by its number) had a yes. Both as assess() says, with no exception to remember."""
    result = assess(situation)
    fired = {reason.rule for reason in result.reasons}
    steps = lesson.flowchart_steps()
    yes = [number for number, step in enumerate(steps, 1) if step.rule in fired]
    decision = Decision(steps[yes[0] - 1].decision) if yes else Decision.PROCEED
    assert decision is result.decision
    assert bool(set(yes) & set(lesson.flowchart_referral())) == result.refer
