"""Item analysis: per item and per rule family, discrimination, confusion, the HTML report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from class_factory import class_rows
from rich.console import Console

from course.errors import GradingError
from course.grading.analysis.items import NO_ANSWER
from course.grading.analysis.report import analysis_for, print_items, write_html
from course.grading.items.bank import load_item_bank
from course.grading.variants.bank import load_variant_bank
from course.grading.variants.generate import generate

GRADING = Path(__file__).resolve().parent.parent / "grading"


def _row(
    student: str, percent: float, answers: dict[str, Any], misses: list[str]
) -> dict[str, Any]:
    return {
        "student_id": student,
        "status": "graded",
        "percent": percent,
        "passed": percent >= 80 and not misses,
        "critical_misses": misses,
        "answers": answers,
        "problems": [],
    }


def test_fixed_items_counts_by_hand() -> None:
    bank = load_item_bank(GRADING, "safety_scenarios")
    keys = {item.id: item.answer for item in bank.items}
    assert keys["q03"] == "STOP"
    # four learners, best to worst; q03 (sharp pain, critical) answered right only by the best
    rows = [
        _row("a", 95.0, {**keys}, []),
        _row("b", 70.0, {**keys, "q03": "REFER"}, []),
        _row("c", 50.0, {**keys, "q03": "PROCEED"}, ["q03"]),
        _row("d", 30.0, {**keys, "q03": "PROCEED", "q01": None}, ["q03"]),
        {**_row("e", 0.0, {}, []), "status": "missing"},  # not graded: left out
    ]
    analysis = analysis_for(GRADING, "safety_scenarios", rows)
    assert analysis.learners == 4
    q03 = next(u for u in analysis.units if u.unit == "q03")
    assert (q03.responses, q03.answered, q03.percent_right) == (4, 4, 25.0)
    assert q03.common_wrong == "PROCEED"
    assert q03.common_wrong_count == 2
    assert q03.critical_misses == 2
    assert q03.critical
    # upper group = best learner (27 % of 4 rounds to 1), lower = worst: 1.0 - 0.0
    assert q03.discrimination == 1.0
    q01 = next(u for u in analysis.units if u.unit == "q01")
    assert (q01.answered, q01.percent_right, q01.common_wrong) == (3, 75.0, NO_ANSWER)
    q02 = next(u for u in analysis.units if u.unit == "q02")
    assert (q02.percent_right, q02.discrimination, q02.common_wrong) == (100.0, 0.0, None)
    assert analysis.confusion["STOP"]["PROCEED"] == 2
    stop_items = sum(key == "STOP" for key in keys.values())  # q03 and q22
    assert analysis.confusion["STOP"]["STOP"] == 4 * stop_items - 3
    assert analysis.confusion["DO_NOT_MASSAGE"][NO_ANSWER] == 1


def test_variants_are_analysed_per_rule_family_from_each_learners_own_variant() -> None:
    rows = class_rows(GRADING, "safety_cases", 40)
    bank = load_variant_bank(GRADING, "safety_cases")
    analysis = analysis_for(GRADING, "safety_cases", rows)
    assert analysis.by == "rule family"
    per_family = {slot.family for slot in bank.blueprint}
    assert {u.unit for u in analysis.units} == per_family | {"diagram"}
    for unit in analysis.units:
        slots = sum(1 for s in bank.blueprint if s.family == unit.unit) or len(bank.diagrams)
        assert unit.responses == slots * 40
    # critical misses per family add up to the marking layer's, learner by learner
    expected = 0
    for row in rows:
        families = {i.id: i.family for i in generate(bank, row["student_id"])}
        expected += len(row["critical_misses"])
        assert all(families[i] != "proceed" for i in row["critical_misses"])
    assert sum(u.critical_misses for u in analysis.units) == expected > 0
    # percent right per family recomputed from the answers and the regenerated keys
    right = {}
    for row in rows:
        for item in generate(bank, row["student_id"]):
            if item.family == "injury":
                right.setdefault("n", []).append(row["answers"][item.id] == item.key)
    injury = next(u for u in analysis.units if u.unit == "injury")
    assert injury.percent_right == round(100 * sum(right["n"]) / len(right["n"]), 1)


def test_a_skilled_class_discriminates_positively() -> None:
    analysis = analysis_for(GRADING, "safety_cases", class_rows(GRADING, "safety_cases", 120))
    assert all(u.discrimination is not None and u.discrimination > 0 for u in analysis.units)


def test_the_terminal_table_has_one_row_per_unit() -> None:
    analysis = analysis_for(
        GRADING, "safety_scenarios", class_rows(GRADING, "safety_scenarios", 30)
    )
    console = Console(record=True, width=160)
    print_items(analysis, console)
    text = console.export_text()
    for unit in analysis.units:
        assert unit.label in text
    assert "discrimination" in text


def test_html_report_with_three_figures_in_a_new_folder(tmp_path: Path) -> None:
    analysis = analysis_for(GRADING, "safety_cases", class_rows(GRADING, "safety_cases", 60))
    target = tmp_path / "a" / "b"
    page = write_html(analysis, target)
    text = page.read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', text)
    assert [name for name, _ in images] == [
        "score_distribution.png",
        "percent_right.png",
        "confusion_matrix.png",
    ]
    for name, alt in images:
        data = (target / name).read_bytes()
        assert data.startswith(b"\x89PNG")
        assert len(data) > 10_000
        assert len(alt) > 60
    assert "pass mark of 80 percent" in images[0][1]
    assert "education, not diagnosis" in text
    assert text.count("<tr>") == len(analysis.units) + 1


def test_html_into_a_file_is_one_clear_error(tmp_path: Path) -> None:
    analysis = analysis_for(GRADING, "safety_scenarios", class_rows(GRADING, "safety_scenarios", 5))
    blocker = tmp_path / "report"
    blocker.write_text("")
    with pytest.raises(GradingError, match="cannot create"):
        write_html(analysis, blocker)
