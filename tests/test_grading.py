"""Graded assessments: item banks and keys, notebooks, marking layer, leak checks, CLI errors.

The slow end-to-end grading of a whole class lives in test_grading_autograde.py.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

from course.content.loader import load_content
from course.errors import GradingError
from course.grading.items.bank import (
    MASSAGE_DECISIONS,
    STOP_DECISIONS,
    ChoiceItem,
    ScenarioItem,
    critical_items,
    load_item_bank,
)
from course.grading.items.keys import content_key, scenario_key, verify_keys
from course.grading.marking.score import item_score, mark
from course.grading.marking.submission import NOT_SIMPLE, answer_variables, read_answers
from course.safety import Decision, Situation, assess

REPO = Path(__file__).resolve().parent.parent
GRADING = REPO / "grading"
ASSIGNMENTS = ("safety_scenarios", "anatomy_techniques")


def hidden_test_lines(assignment: str) -> list[str]:
    """Every line of the source notebook's hidden tests and solution regions."""
    nb = nbformat.read(GRADING / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    lines: list[str] = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if line.startswith("### BEGIN"):
                inside = True
            elif line.startswith("### END"):
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


# --- item banks and keys ---------------------------------------------------------------------


def test_every_scenario_key_equals_the_policy() -> None:
    bank = load_item_bank(GRADING, "safety_scenarios")
    assert len(bank.items) >= 15
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        assessment = assess(Situation(**item.situation))
        assert item.answer == assessment.decision.value, item.id
        if item.ask_refer:
            assert item.refer is assessment.refer, item.id


def test_scenarios_cover_every_rule_and_combinations() -> None:
    bank = load_item_bank(GRADING, "safety_scenarios")
    fired = [
        {r.rule for r in assess(Situation(**item.situation)).reasons}
        for item in bank.items
        if isinstance(item, ScenarioItem)
    ]
    assert set().union(*fired) == {rule.id for rule in load_content().rules}
    assert sum(len(rules) > 1 for rules in fired) >= 5
    assert sum(item.ask_refer for item in bank.items if isinstance(item, ScenarioItem)) >= 5


def test_anatomy_keys_agree_with_the_content() -> None:
    bank = load_item_bank(GRADING, "anatomy_techniques")
    assert len(bank.items) >= 10
    derived = 0
    structures = load_content().structures
    for item in bank.items:
        assert isinstance(item, ChoiceItem)
        expected = content_key(item)
        if expected is not None:
            derived += 1
            assert item.answer == expected, item.id
        if all(option in structures for option in item.options):
            assert item.answer in structures
    assert derived >= 5
    verify_keys(bank)


def test_a_drifted_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    text = (GRADING / "source" / "safety_scenarios.yaml").read_text(encoding="utf-8")
    text = text.replace("answer: SEEK_URGENT_CARE", "answer: DO_NOT_MASSAGE", 1)
    (tmp_path / "source" / "safety_scenarios.yaml").write_text(text, encoding="utf-8")
    bank = load_item_bank(tmp_path, "safety_scenarios")
    with pytest.raises(GradingError, match=r"item q02: key DO_NOT_MASSAGE but the policy says"):
        verify_keys(bank)
    assert scenario_key(bank.items[1]) == ("SEEK_URGENT_CARE", True)  # type: ignore[arg-type]


def test_a_broken_item_bank_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "safety_scenarios.yaml").write_text("schema_version: 1\nitems: 3\n")
    with pytest.raises(GradingError, match=r"safety_scenarios\.yaml: invalid item bank"):
        load_item_bank(tmp_path, "safety_scenarios")


def test_red_flag_items_are_critical() -> None:
    bank = load_item_bank(GRADING, "safety_scenarios")
    critical = critical_items(bank)
    red = {rule.id for rule in load_content().rules if rule.red_flag}
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        fired = {r.rule for r in assess(Situation(**item.situation)).reasons}
        assert (item.id in critical) == bool(fired & red or item.answer in STOP_DECISIONS)
        if item.id in critical:
            assert not assess(Situation(**item.situation)).decision.allows_massage
    assert {"q01", "q02", "q06", "q14"} <= critical
    assert not ({"q04", "q15", "q19"} & critical)
    assert critical_items(load_item_bank(GRADING, "anatomy_techniques")) == frozenset()


def test_an_item_whose_massage_must_stop_is_critical_and_avoid_area_misses_it() -> None:
    assert {"PROCEED", "PROCEED_WITH_CAUTION", "AVOID_AREA"} == MASSAGE_DECISIONS
    assert {"STOP", "DO_NOT_MASSAGE", "SEEK_URGENT_CARE"} == STOP_DECISIONS
    bank = load_item_bank(GRADING, "safety_scenarios")
    critical = critical_items(bank)
    for item in bank.items:
        if Decision(item.answer) > Decision.REFER:
            assert item.id in critical, item.id
    sharp_pain = bank.item("q03")
    assert sharp_pain.answer == "STOP"
    assert "q03" in critical  # going on through a sharp increase in pain
    for answer in ("PROCEED", "PROCEED_WITH_CAUTION", "AVOID_AREA"):
        result = mark(
            score=50,
            max_score=52,
            pass_percent=80,
            critical=critical,
            answers={"q03": answer},
            status="graded",
        )
        assert result.critical_misses == ("q03",)
        assert not result.passed
    for answer in ("REFER", "STOP", "DO_NOT_MASSAGE"):
        assert not mark(
            score=50,
            max_score=52,
            pass_percent=80,
            critical=critical,
            answers={"q03": answer},
            status="graded",
        ).critical_misses


# --- the marking layer -----------------------------------------------------------------------


def test_a_critical_miss_fails_whatever_the_points() -> None:
    answers = {"q01": "PROCEED_WITH_CAUTION", "q02": "SEEK_URGENT_CARE"}
    result = mark(
        score=51,
        max_score=52,
        pass_percent=80,
        critical={"q01", "q02"},
        answers=answers,
        status="graded",
    )
    assert result.percent == pytest.approx(98.1)
    assert not result.passed
    assert result.critical_misses == ("q01",)


def test_an_unreadable_answer_on_a_critical_item_is_a_miss_whatever_the_points() -> None:
    result = mark(
        score=8,
        max_score=10.0,
        pass_percent=50,
        critical={"q01", "q02"},
        answers={"q01": NOT_SIMPLE, "q02": NOT_SIMPLE, "q03": NOT_SIMPLE},
        status="flagged",
    )
    assert result.critical_misses == ("q01", "q02")
    assert not result.passed


def _answer_notebook(*cells: tuple[str, str]) -> Any:
    nb = nbformat.v4.new_notebook()
    for grade_id, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata = {"nbgrader": {"grade_id": grade_id, "solution": True, "grade": False}}
        nb.cells.append(cell)
    return nb


VARIABLES = {"q01_answer": ("q01", "q01_refer"), "q02_answer": ("q02",)}


def test_answer_variables_come_from_the_released_stubs() -> None:
    released = _answer_notebook(
        ("q01_answer", "# hint\nq01 = None\nq01_refer = None"), ("q02_answer", "q02 = None")
    )
    assert answer_variables(released) == VARIABLES


def test_an_answer_is_read_only_from_its_own_answer_cell() -> None:
    nb = _answer_notebook(
        ("q01_answer", 'q01 = "PROCEED"\nq01_refer = False'),
        ("q02_answer", 'q02 = "STOP"\nq01 = "SEEK_URGENT_CARE"\nq01_refer = True'),
    )
    answers, problems = read_answers(nb, VARIABLES)
    assert answers == {"q01": "PROCEED", "q01_refer": False, "q02": "STOP"}
    assert problems == [
        "answer cell q02_answer assigns q01, another item's answer (ignored)",
        "answer cell q02_answer assigns q01_refer, another item's answer (ignored)",
    ]


@pytest.mark.parametrize(
    "source",
    [
        'q01 = "ST" + "OP"',
        "class _Any:\n    __eq__ = lambda s, o: True\ntype = lambda x: str\nq01 = _Any()",
        'q01 = "PROCEED"\nq01 = "ST" + "OP"',
        'q01: str = "STOP"',
        'q01 = q01_other = "STOP"',
        'q01 = "STOP"\nimport os as q01',
        'q01 = "STOP"\nfor q01 in ["PROCEED"]:\n    pass',
        'q01 = "STOP"\nglobal q01',
        'q01 = "STOP"\ndef q01():\n    pass',
        'q01 = "STOP"\nq01 += ""',
        'q01 = "STOP"\nif True:\n    q01 = "PROCEED"',
        'q01 = "STOP',
    ],
)
def test_an_answer_that_is_not_one_plain_literal_assignment_is_not_simple(source: str) -> None:
    answers, problems = read_answers(_answer_notebook(("q01_answer", source)), VARIABLES)
    assert answers["q01"] == NOT_SIMPLE
    assert "q01 is not a simple answer" in problems


def test_a_plain_literal_answer_is_read_whatever_else_the_cell_does() -> None:
    source = '# my answer\nq01 = "STOP"  # sure\nprint(q01)\nq01_refer = True'
    answers, problems = read_answers(_answer_notebook(("q01_answer", source)), VARIABLES)
    assert answers == {"q01": "STOP", "q01_refer": True}
    # the other code is never run, only reported, so the instructor sees what was tried
    assert problems == ["answer cell q01_answer holds other code (never run)"]


def test_the_placeholder_kept_above_the_answer_does_not_matter() -> None:
    source = (
        '# Your answer: replace None\nq01 = None\nq01 = "STOP"\nq01_refer = None\nq01_refer = True'
    )
    answers, problems = read_answers(_answer_notebook(("q01_answer", source)), VARIABLES)
    assert answers == {"q01": "STOP", "q01_refer": True}
    assert problems == []


def test_item_scores_need_the_keys_value_and_type() -> None:
    bank = load_item_bank(GRADING, "safety_scenarios")
    decision = next(g for g in bank.gradeables if g.kind == "decision")
    refer = next(g for g in bank.gradeables if g.kind == "refer")
    assert item_score(decision, decision.key, 2.0) == 2.0
    assert item_score(decision, NOT_SIMPLE, 2.0) == 0.0
    assert item_score(decision, None, 2.0) == 0.0
    assert item_score(refer, refer.key, 1.0) == 1.0
    assert item_score(refer, int(bool(refer.key)), 1.0) == 0.0  # 1 is not True


def test_pass_mark_and_statuses() -> None:
    common = {
        "max_score": 10.0,
        "pass_percent": 80,
        "critical": {"q01"},
        "answers": {"q01": "STOP"},
    }
    assert mark(score=8, status="graded", **common).passed  # type: ignore[arg-type]
    assert not mark(score=7.9, status="graded", **common).passed  # type: ignore[arg-type]
    assert mark(score=8, status="tampered", **common).passed  # type: ignore[arg-type]
    for status in ("invalid", "missing", "error", "ungraded"):
        result = mark(score=10, status=status, **common)  # type: ignore[arg-type]
        assert (result.score, result.passed, result.critical_misses) == (0.0, False, ())


# --- notebooks -------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_shape(assignment: str) -> None:
    nb = nbformat.read(GRADING / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    bank = load_item_bank(GRADING, assignment)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in graded] == [g.grade_id for g in bank.gradeables]
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in graded)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == len(bank.items)
    assert "education, not diagnosis" in nb.cells[0].source
    assert nb.cells[-1].source == "check_answers()"


def test_nbgrader_validate_passes_on_the_sources() -> None:
    paths = [str(GRADING / "source" / a / f"{a}.ipynb") for a in ASSIGNMENTS]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "validate", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=GRADING,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("Success! Your notebook passes all the tests.") == 2


# --- keys never reach the installed package --------------------------------------------------


@pytest.mark.slow
def test_the_installed_package_carries_no_item_or_key(built_wheel: Path) -> None:
    wheel = built_wheel
    needles = {"### BEGIN HIDDEN TESTS", "### BEGIN SOLUTION"}
    for assignment in ASSIGNMENTS:
        needles |= set(hidden_test_lines(assignment))
        bank = load_item_bank(GRADING, assignment)
        for item in bank.items:
            text = item.story if isinstance(item, ScenarioItem) else item.prompt
            needles.add(text[:60])
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        # the notebook builder ships (ankle-course grade build), but none of what it builds
        assert {"course/cli/grade.py", "course/grading/build/fixed.py"} <= set(names)
        assert not [n for n in names if n.endswith((".yaml", ".yml")) and "grading" in n]
        assert not [n for n in names if "safety_scenarios" in n or "anatomy_techniques" in n]
        for name in names:
            data = archive.read(name).decode("utf-8", errors="ignore")
            found = [needle for needle in needles if needle in data]
            assert not found, (name, found[:3])


# --- CLI errors ------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "ankle-course"), "grade", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


BAD_DB = "sqlite:////nonexistent/folder/gradebook.db"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--course-dir", "/nonexistent/course", "report", "safety_scenarios"), "does not exist"),
        (("--course-dir", str(GRADING), "report", "no_such_quiz"), "unknown assignment"),
        (
            ("--course-dir", str(GRADING), "autograde", "safety_scenarios", "--jobs", "0"),
            "--jobs must be at least 1",
        ),
        (("report", "safety_scenarios", "--course-dir", "/nonexistent/course"), "does not exist"),
        (("release", "no_such_quiz", "--course-dir", str(GRADING)), "unknown assignment"),
        (
            ("report", "safety_scenarios", "--course-dir", str(GRADING), "--db-url", BAD_DB),
            f"cannot open the gradebook {BAD_DB}",
        ),
        (
            ("export", "safety_scenarios", "--to", "/tmp/x.csv", "--canvas-assignment-id", "5"),
            "--canvas-assignment-id and --roster need --format canvas",
        ),
    ],
)
def test_cli_errors_are_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout
