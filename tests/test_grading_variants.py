"""Per-learner variants of safety_cases: deterministic, one blueprint, keys from the policy."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.cases import RECORD_MIME
from course.content.loader import load_content
from course.errors import GradingError
from course.grading.items.bank import STOP_DECISIONS
from course.grading.variants.bank import VariantBank, VariantItem, load_variant_bank
from course.grading.variants.generate import generate, scenarios
from course.grading.variants.marking import (
    MISMATCH,
    critical_for,
    find_record,
    gradeables_for,
    max_score,
    mismatch_problem,
    template_gradeables,
)
from course.safety import assess, rules

GRADING = Path(__file__).resolve().parent.parent / "grading"


def blueprint_of(items: Sequence[VariantItem]) -> list[tuple[str, bool, bool]]:
    """The (family, critical, ask_refer) of each scenario, sorted: equal for every learner."""
    return sorted((i.family, i.critical, i.ask_refer) for i in items if i.kind == "scenario")


ASSIGNMENT = "safety_cases"
BANK_FILE = GRADING / "source" / f"{ASSIGNMENT}.yaml"


@pytest.fixture(scope="module")
def bank() -> VariantBank:
    return load_variant_bank(GRADING, ASSIGNMENT)


def _bank_data() -> dict[str, object]:
    data = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write_bank(tmp_path: Path, data: dict[str, object]) -> Path:
    (tmp_path / "source").mkdir(exist_ok=True)
    (tmp_path / "source" / f"{ASSIGNMENT}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path


def _family_of_rule() -> dict[str, str]:
    return {
        rule: family for family, members in _bank_data()["families"].items() for rule in members
    }  # type: ignore[union-attr]


def _check_blueprint(bank: VariantBank, student: str) -> None:
    items = generate(bank, student)
    red = {rule.id for rule in load_content().rules if rule.red_flag}
    family_of = _family_of_rule()
    scenario_items = [i for i in items if i.kind == "scenario"]
    assert [i.id for i in items] == [f"q{n:02d}" for n in range(1, len(items) + 1)]
    assert len(scenario_items) == len(bank.blueprint)
    expected = sorted((s.family, s.critical, s.ask_refer) for s in bank.blueprint)
    assert blueprint_of(items) == expected
    for item in scenario_items:
        assert item.situation is not None
        result = assess(item.situation)
        assert item.key == result.decision.value
        fired = {r.rule for r in result.reasons}
        is_critical = result.decision.value in STOP_DECISIONS or bool(fired & red)
        assert is_critical == item.critical, (student, item)
        # the key is decided by a rule of the item's own family
        deciding = {r for r in fired if family_of[r] == item.family}
        assert any(next(x.decision for x in rules() if x.id == r) == item.key for r in deciding), (
            student,
            item,
        )
        assert "{" not in item.text
        assert "}" not in item.text
        if item.situation.pain:
            assert f"{item.situation.pain} out of 10" in item.text, item.text
    diagrams = [i for i in items if i.kind == "diagram"]
    assert len(diagrams) == len(bank.diagrams)
    for item, spec in zip(diagrams, bank.diagrams, strict=True):
        assert item.structure in spec.structures
        assert item.key == item.structure


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(student=st.text(min_size=1, max_size=40).filter(str.strip))
def test_every_variant_follows_the_blueprint_with_keys_from_the_policy(
    bank: VariantBank, student: str
) -> None:
    _check_blueprint(bank, student)


def test_two_learners_get_different_stories_and_the_same_blueprint() -> None:
    alice = scenarios(ASSIGNMENT, "alice", course_dir=GRADING)
    bob = scenarios(ASSIGNMENT, "bob", course_dir=GRADING)
    assert blueprint_of(alice) == blueprint_of(bob)
    assert [i.text for i in alice] != [i.text for i in bob]
    assert {i.text for i in alice if i.text}.isdisjoint({i.text for i in bob if i.text})
    # a learner's variant never changes
    assert scenarios(ASSIGNMENT, "alice", course_dir=GRADING) == alice
    assert scenarios(ASSIGNMENT, " alice ", course_dir=GRADING) == alice


def test_the_class_sees_every_case_and_the_stories_rarely_repeat(bank: VariantBank) -> None:
    texts: Counter[str] = Counter()
    cases: set[str] = set()
    structures: set[str] = set()
    for n in range(100):
        for item in generate(bank, f"learner{n:03d}"):
            texts[item.text] += 1
            cases.add(item.case)
            structures.add(item.structure)
    eligible = {case.id for fits in bank.eligible for case in fits}
    assert eligible <= cases
    assert structures - {""} == set(bank.diagrams[0].structures)
    scenario_texts = {t: c for t, c in texts.items() if t}
    # most stories are a learner's own
    assert sum(1 for c in scenario_texts.values() if c == 1) > 0.7 * len(scenario_texts)


def test_the_seed_changes_every_variant(tmp_path: Path) -> None:
    data = _bank_data()
    data["seed"] = int(data["seed"]) + 1  # type: ignore[call-overload]
    other = load_variant_bank(_write_bank(tmp_path, data), ASSIGNMENT)
    mine = load_variant_bank(GRADING, ASSIGNMENT)
    assert [i.text for i in generate(other, "alice")] != [i.text for i in generate(mine, "alice")]


@pytest.mark.parametrize("student", ["", "   ", None, 7])
def test_a_learner_id_must_be_text(bank: VariantBank, student: object) -> None:
    with pytest.raises(GradingError, match="learner id must be non-empty text"):
        generate(bank, student)  # type: ignore[arg-type]


def _broken(edit: str) -> dict[str, object]:
    data = _bank_data()
    cases = data["cases"]
    families = data["families"]
    blueprint = data["blueprint"]
    assert isinstance(cases, list)
    assert isinstance(families, dict)
    assert isinstance(blueprint, list)
    if edit == "rule without family":
        families["cautions"].remove("blood-thinners")
    elif edit == "mixed keys":
        cases.append(
            {
                "id": "mixed",
                "family": "pain",
                "story": "{setting}, {who} hurts: {pain}.",
                "choose": {
                    "pain": [{"text": "2", "set": {"pain": 2}}, {"text": "8", "set": {"pain": 8}}]
                },
            }
        )
    elif edit == "no case fits":
        data["cases"] = [c for c in cases if c["family"] != "proceed"]
    elif edit == "unknown placeholder":
        cases[0]["story"] += " {weather}"
    elif edit == "invalid situation":
        cases[0]["situation"] = {"injury": "sprain", "discomfort_days": -1}
    elif edit == "unknown family":
        blueprint.append({"family": "astrology", "critical": False})
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("rule without family", r"blood-thinners belong to no family"),
        ("mixed keys", r"case mixed: its options give different keys"),
        ("no case fits", r"blueprint\[20\] \(proceed, non-critical\): no case fits"),
        ("unknown placeholder", r"unknown placeholder\(s\) \['weather'\]"),
        ("invalid situation", r"case fresh-sprain: invalid situation: discomfort_days"),
        ("unknown family", r"unknown family 'astrology'"),
    ],
)
def test_a_broken_bank_is_one_clear_error(tmp_path: Path, edit: str, message: str) -> None:
    course = _write_bank(tmp_path, _broken(edit))
    with pytest.raises(GradingError, match=message) as info:
        load_variant_bank(course, ASSIGNMENT)
    assert str(course / "source" / f"{ASSIGNMENT}.yaml") in str(info.value)


def test_stories_state_the_injury_timing_as_hours_or_days(bank: VariantBank) -> None:
    """Every option that sets hours_since_injury names a time the learner can read."""
    for case in bank.cases:
        for options in case.choose.values():
            for option in options:
                if "hours_since_injury" in option.set:
                    assert re.search(r"hour|day|week|yesterday|morning", option.text), option


@pytest.mark.slow
def test_the_installed_package_carries_no_template(built_wheel: Path, bank: VariantBank) -> None:
    needles = {case.story[:50] for case in bank.cases}
    needles |= {
        o.text[:40]
        for case in bank.cases
        for opts in case.choose.values()
        for o in opts
        if len(o.text) > 25
    }
    with zipfile.ZipFile(built_wheel) as archive:
        names = archive.namelist()
        assert not [n for n in names if "safety_cases" in n]
        for name in names:
            data = archive.read(name).decode("utf-8", errors="ignore")
            found = [needle for needle in needles if needle in data]
            assert not found, (name, found[:3])


def test_every_learner_has_the_refer_questions_at_the_same_places(bank: VariantBank) -> None:
    shapes = {tuple((i.kind, i.ask_refer) for i in generate(bank, f"s{n}")) for n in range(30)}
    assert len(shapes) == 1
    families_at_q01 = {generate(bank, f"s{n}")[0].family for n in range(30)}
    assert len(families_at_q01) > 3


# --- marking against the submitter's own variant ---------------------------------------------


def _score(bank: VariantBank, student: str, answers: dict[str, object]) -> float:
    from course.grading.marking.score import item_score

    return sum(
        item_score(g, answers.get(g.variable), g.points) for g in gradeables_for(bank, student)
    )


def _right_answers(bank: VariantBank, student: str) -> dict[str, object]:
    return {g.variable: g.key for g in gradeables_for(bank, student)}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(student=st.text(min_size=1, max_size=30).filter(str.strip))
def test_each_graded_cell_is_keyed_by_assess_of_the_learners_own_situation(
    bank: VariantBank, student: str
) -> None:
    items = {i.id: i for i in generate(bank, student)}
    cells = gradeables_for(bank, student)
    assert [g.grade_id for g in cells] == [g.grade_id for g in template_gradeables(bank)]
    for g in cells:
        item = items[g.item_id]
        if item.situation is None:
            assert (g.kind, g.key) == ("structure", item.structure)
        elif g.kind == "refer":
            assert g.key is assess(item.situation).refer
        else:
            assert g.key == assess(item.situation).decision.value
    assert critical_for(bank, student) == {i.id for i in items.values() if i.critical}


def test_either_kind_of_bank_answers_the_same_questions(bank: VariantBank) -> None:
    """``course.grading.marking.banks`` gives a variant bank's notebook cells and points as it
    gives a fixed bank's: the cells every variant shares, all their points."""
    from course.grading.items.bank import load_item_bank
    from course.grading.marking.banks import gradeables_of, key_of, max_score_of

    cells = gradeables_of(bank)
    assert cells == template_gradeables(bank)
    layout = [g.grade_id for g in gradeables_for(bank, "alice")]
    assert [g.grade_id for g in cells] == layout == list(key_of(bank, "alice"))
    assert max_score_of(bank) == max_score(bank) == sum(g.points for g in cells)
    blueprint = bank.blueprint
    expected = sum(bank.points + (bank.refer_points if s.ask_refer else 0) for s in blueprint)
    assert max_score_of(bank) == expected + bank.diagram_points * len(bank.diagrams)
    fixed = load_item_bank(GRADING, "safety_scenarios")
    assert gradeables_of(fixed) == fixed.gradeables
    assert max_score_of(fixed) == fixed.max_score


def test_own_answers_score_full_marks_and_a_neighbours_score_low(bank: VariantBank) -> None:
    full = max_score(bank)
    assert _score(bank, "alice", _right_answers(bank, "alice")) == full
    copied = [_score(bank, f"learner{n}", _right_answers(bank, "alice")) for n in range(20)]
    assert max(copied) < 0.8 * full  # a copied notebook never reaches the pass mark
    assert sum(copied) / len(copied) < 0.45 * full


def test_picture_answers_score_by_any_name_of_the_marked_structure(bank: VariantBank) -> None:
    from course.content.anatomy import get

    cell = next(g for g in gradeables_for(bank, "alice") if g.kind == "structure")
    structure = get(str(cell.key))
    for name in (structure.id, structure.name.upper(), *structure.synonyms):
        assert _score_one(cell, name) == cell.points
    assert _score_one(cell, "tibia") == 0.0


def _score_one(cell: object, answer: object) -> float:
    from course.grading.marking.score import item_score

    return item_score(cell, answer, 2.0)  # type: ignore[arg-type]


def _notebook_with_record(record: dict[str, object] | None) -> dict[str, object]:
    outputs = (
        [] if record is None else [{"output_type": "display_data", "data": {RECORD_MIME: record}}]
    )
    return {
        "cells": [
            {"cell_type": "markdown", "source": ""},
            {"cell_type": "code", "outputs": outputs},
        ]
    }


def test_a_record_of_someone_elses_cases_is_a_variant_mismatch(bank: VariantBank) -> None:
    from course.grading.variants.release import variant_fingerprint

    own = {
        "student": "alice",
        "variant": variant_fingerprint(bank, "alice", generate(bank, "alice")),
    }
    assert find_record(_notebook_with_record(own)) == own
    assert mismatch_problem(bank, "alice", own) is None
    status, reason = mismatch_problem(bank, "mallory", own) or ("", "")
    assert status == MISMATCH
    assert "showed the cases of 'alice', not 'mallory'" in reason
    status, reason = mismatch_problem(bank, "alice", {**own, "variant": "0000"}) or ("", "")
    assert status == MISMATCH
    assert "variant '0000'" in reason
    assert find_record(_notebook_with_record(None)) is None
    status, reason = mismatch_problem(bank, "alice", None) or ("", "")
    assert status == "flagged"
    assert "no record" in reason
