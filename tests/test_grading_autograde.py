"""End to end: release, a class with every kind of bad submission, parallel autograde,
leak-free feedback, export and report, through the real ``ankle-course grade`` CLI.

One class is released and autograded once (module fixture) and shared by the tests.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from handin import copy_course, grade, submit
from learner_answers import fill

from course.content.loader import load_content
from course.grading.items.bank import ScenarioItem, critical_items, load_item_bank

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "safety_scenarios"
CLI = str(Path(sys.executable).parent / "ankle-course")


def right_answers(course: Path, assignment: str = ASSIGNMENT) -> dict[str, Any]:
    bank = load_item_bank(course, assignment)
    return {g.variable: g.key for g in bank.gradeables}


def answer_cell(nb: Any, item: str) -> Any:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{item}_answer":
            return cell
    raise KeyError(item)


@dataclass
class Graded:
    course: Path
    run: subprocess.CompletedProcess[str]
    results: dict[str, dict[str, Any]]
    seconds: float


def released(course: Path, assignment: str = ASSIGNMENT) -> Any:
    return nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)


UNICODE_ID = "zoë-müller_学生"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    course = copy_course(tmp_path_factory.mktemp("class") / "course")
    done = grade(course, "release", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    right = right_answers(course)

    submit(course, "perfect", fill(released(course), right))
    submit(course, UNICODE_ID, fill(released(course), right))
    # would massage a red-flag ankle (q02: fever, warm and red) but right everywhere else
    submit(course, "careless", fill(released(course), {**right, "q02": "PROCEED"}))
    # goes on (around the area) through a sharp increase in pain (q03: STOP)
    submit(course, "through_pain", fill(released(course), {**right, "q03": "AVOID_AREA"}))
    # a few plain mistakes, one of them malformed
    submit(
        course,
        "partial",
        fill(
            released(course),
            {
                **right,
                "q03": "do not massage",
                "q04": "STOP",
                "q05": "PROCEED",
                "q08": "STOP",
                "q12": "STOP",
                "q15": "STOP",
                "q16": "STOP",
            },
        ),
    )
    submit(course, "broken_json", raw='{"cells": [ this is not json')
    looper = fill(released(course), right)
    answer_cell(looper, "q03").source += "\nwhile True:\n    pass"
    submit(course, "looper", looper)
    editor = fill(released(course), {**right, "q05": "STOP"})
    for cell in editor.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q05":
            cell.source = "pass  # I edited the test"
    submit(course, "editor", editor)
    deleter = fill(released(course), right)
    deleter.cells = [
        c for c in deleter.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "q06"
    ]
    submit(course, "deleter", deleter)
    renamer = fill(released(course), right)
    for cell in renamer.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q07":
            cell.metadata.nbgrader.grade_id = "q07_mine"
    submit(course, "renamer", renamer)
    no_answer = fill(released(course), right)
    no_answer.cells.remove(answer_cell(no_answer, "q04"))
    submit(course, "no_answer", no_answer)
    extras = fill(released(course), right)
    extras.cells.insert(3, nbformat.v4.new_code_cell('q01 = "PROCEED"\ncheck = print'))
    extras.cells.append(nbformat.v4.new_markdown_cell("My notes"))
    extras.cells.append(nbformat.v4.new_code_cell('q19 = "STOP"'))
    submit(course, "extras", extras)
    big = fill(released(course), right)
    answer_cell(big, "q01").outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="x" * 10_500_000)
    ]
    submit(course, "big_output", big)
    # games nbgrader's hidden tests from its own answer cells: an object equal to anything, and
    # a `type` that always says str (the hidden tests run in the learner's kernel)
    cheater = fill(released(course), right)
    cheat = "class _Any:\n    __eq__ = lambda s, o: True\n\n\ntype = lambda x: str\n"
    for item in load_item_bank(course, ASSIGNMENT).items:
        cell = answer_cell(cheater, item.id)
        cell.source = cell.source.replace(
            f"{item.id} = {json.dumps(right[item.id])}", f"{item.id} = _Any()"
        )
        if item.id == "q01":
            cell.source = cheat + cell.source
    submit(course, "cheater", cheater)
    # massages through q02's red flag, then "corrects" q02 from q03's answer cell
    crosser = fill(released(course), {**right, "q02": "PROCEED"})
    answer_cell(crosser, "q03").source += '\nq02 = "SEEK_URGENT_CARE"'
    submit(course, "crosser", crosser)
    # a learner on the roster who never submitted
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        gb.update_or_create_student("absent")

    started = time.perf_counter()
    run = grade(course, "autograde", ASSIGNMENT, "--jobs", "2")
    seconds = time.perf_counter() - started
    results = {}
    for path in (course / "autograded").glob(f"*/{ASSIGNMENT}/.ankle-grading.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        results[data["student_id"]] = data
    return Graded(course=course, run=run, results=results, seconds=seconds)


def scores_in_gradebook(course: Path, db_url: str | None = None) -> dict[str, float]:
    from nbgrader.api import Gradebook

    url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, "ankle-course") as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(ASSIGNMENT)}


# --- the batch --------------------------------------------------------------------------------


def test_batch_exits_1_only_because_one_submission_is_ungradable(graded: Graded) -> None:
    assert graded.run.returncode == 1, graded.run.stderr
    assert graded.run.stderr.strip().splitlines()[-1] == "could not grade: broken_json"
    assert "Traceback" not in graded.run.stdout + graded.run.stderr
    assert "database is locked" not in graded.run.stdout + graded.run.stderr
    assert "warning" not in graded.run.stderr.lower()  # e.g. SQLAlchemy's SAWarning
    assert graded.run.stdout.splitlines()[-1] == load_content().disclaimer
    assert len(graded.results) == 15


def test_right_answers_pass_and_every_result_says_education(graded: Graded) -> None:
    perfect = graded.results["perfect"]
    assert (perfect["status"], perfect["score"], perfect["max_score"]) == ("graded", 52, 52)
    assert perfect["passed"]
    assert perfect["critical_misses"] == []
    assert perfect["problems"] == []
    assert graded.results[UNICODE_ID] | {"graded_at": 0, "seconds": 0, "student_id": 0} == (
        perfect | {"graded_at": 0, "seconds": 0, "student_id": 0}
    )


def test_a_red_flag_answered_proceed_fails_whatever_the_points(graded: Graded) -> None:
    careless = graded.results["careless"]
    assert careless["score"] == 50
    assert careless["percent"] > 95
    assert careless["critical_misses"] == ["q02"]
    assert careless["passed"] is False


def test_gaming_the_hidden_tests_scores_nothing_and_fails(graded: Graded) -> None:
    """An object equal to anything and a fake `type` pass nbgrader's tests in the kernel; the
    score comes from the literal written in each answer cell, so they earn nothing."""
    cheater = graded.results["cheater"]
    bank = load_item_bank(graded.course, ASSIGNMENT)
    refer_points = sum(g.points for g in bank.gradeables if g.kind == "refer")
    assert cheater["score"] == refer_points  # only the honest True/False answers count
    assert cheater["status"] == "flagged"
    assert "q01 is not a simple answer" in cheater["problems"]
    assert "q02 is not a simple answer" in cheater["problems"]
    assert cheater["critical_misses"] == sorted(critical_items(bank))
    assert cheater["passed"] is False
    assert all(cheater["item_scores"][item.id] == 0 for item in bank.items)
    assert scores_in_gradebook(graded.course)["cheater"] == refer_points


def test_another_items_answer_cell_cannot_change_an_answer(graded: Graded) -> None:
    crosser = graded.results["crosser"]
    assert crosser["answers"]["q02"] == "PROCEED"
    assert crosser["critical_misses"] == ["q02"]
    assert crosser["passed"] is False
    assert crosser["status"] == "flagged"
    assert crosser["problems"] == [
        "answer cell q03_answer assigns q02, another item's answer (ignored)"
    ]
    assert crosser["score"] == 52 - 2


def test_massaging_around_the_area_through_sharp_pain_fails(graded: Graded) -> None:
    result = graded.results["through_pain"]
    assert (result["score"], result["status"]) == (50, "graded")
    assert result["critical_misses"] == ["q03"]
    assert result["passed"] is False


def test_plain_mistakes_cost_points_only(graded: Graded) -> None:
    partial = graded.results["partial"]
    assert partial["score"] == 52 - 7 * 2
    assert partial["critical_misses"] == []
    assert partial["passed"] is False
    assert partial["status"] == "graded"
    assert partial["answers"]["q03"] == "do not massage"


def test_invalid_json_is_reported_not_graded(graded: Graded) -> None:
    result = graded.results["broken_json"]
    assert result["status"] == "invalid"
    assert result["passed"] is False
    assert "safety_scenarios.ipynb is not a valid notebook" in result["problems"][0]
    assert "broken_json: invalid: safety_scenarios.ipynb is not a valid notebook" in (
        graded.run.stdout
    )


def test_an_endless_loop_in_an_answer_cell_is_never_run(graded: Graded) -> None:
    """Answers are read, never run: the loop is reported, the literal answer counts."""
    result = graded.results["looper"]
    assert result["status"] == "flagged"
    assert result["problems"] == ["answer cell q03_answer holds other code (never run)"]
    assert result["item_scores"]["q03"] == 2
    assert result["score"] == 52
    assert graded.seconds < 60


@pytest.mark.parametrize(
    ("student", "problem"),
    [
        ("editor", "test cell q05 was edited"),
        ("deleter", "test cell q06 was deleted"),
        ("renamer", "unknown cell id 'q07_mine' (a grade id was changed)"),
    ],
)
def test_tampering_is_detected_and_graded_from_the_source_tests(
    graded: Graded, student: str, problem: str
) -> None:
    result = graded.results[student]
    assert result["status"] == "tampered"
    assert problem in result["problems"]
    # the source tests ran: the edited test did not hand out points for a wrong answer
    expected = 50 if student == "editor" else 52
    assert result["score"] == expected
    assert f"{student}: tampered: " in graded.run.stdout


def test_a_deleted_answer_cell_is_flagged(graded: Graded) -> None:
    result = graded.results["no_answer"]
    assert result["status"] == "flagged"
    assert result["problems"] == ["answer cell q04_answer was deleted"]
    assert result["item_scores"]["q04"] == 0
    assert result["item_scores"]["q04_refer"] == 0
    assert result["score"] == 52 - 3


def test_extra_cells_are_ignored_and_reported(graded: Graded) -> None:
    result = graded.results["extras"]
    assert result["status"] == "flagged"
    assert result["problems"] == ["2 extra code cells ignored (only answers are graded)"]
    assert result["score"] == 52
    assert result["passed"]


def test_a_10_mb_output_is_dropped_and_reported(graded: Graded) -> None:
    result = graded.results["big_output"]
    assert result["status"] == "flagged"
    assert result["problems"][0].endswith("MB of saved output discarded")
    assert result["score"] == 52
    autograded = graded.course / "autograded" / "big_output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert autograded.stat().st_size < 1_000_000


def test_gradebook_matches_results_and_no_other_grade_changes(graded: Graded) -> None:
    scores = scores_in_gradebook(graded.course)
    for student, result in graded.results.items():
        assert scores[student] == result["score"], student
    assert scores["broken_json"] == 0


def test_check_cells_tell_well_formed_never_right(graded: Graded) -> None:
    nb = nbformat.read(
        graded.course / "autograded" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    outputs = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            outputs[meta["grade_id"]] = "".join(
                o.get("text", "") for o in cell.outputs if o.output_type == "stream"
            )
    assert outputs["q04"] == "q04: well formed\n"  # wrong (STOP) yet well formed
    assert outputs["q03"].startswith("q03: 'do not massage' is not one of: PROCEED,")


# --- re-runs ----------------------------------------------------------------------------------


def test_autograde_twice_skips_unchanged_then_force_gives_same_scores(graded: Graded) -> None:
    before = scores_in_gradebook(graded.course)
    again = grade(graded.course, "autograde", ASSIGNMENT, "--jobs", "2")
    assert again.returncode == 1  # the invalid submission is still ungradable
    assert "graded 1, unchanged and skipped 14" in again.stdout
    # plain `nbgrader autograde` leaves its files read-only (0444); a user who is not root may
    # replace such a file in her own folder but not write into it: the course replaces them
    autograded = graded.course / "autograded" / "perfect" / ASSIGNMENT
    kept = {p.name: p.stat().st_ino for p in autograded.iterdir() if not p.name.startswith(".")}
    assert {"timestamp.txt", f"{ASSIGNMENT}.ipynb"} <= set(kept)
    for name in kept:
        (autograded / name).chmod(0o444)
    forced = grade(
        graded.course,
        "autograde",
        ASSIGNMENT,
        "--force",
        "--student",
        "perfect",
        "--student",
        "careless",
        "--student",
        UNICODE_ID,
    )
    assert forced.returncode == 0, forced.stderr
    assert "graded 3, unchanged and skipped 0" in forced.stdout
    assert {
        p.name: p.stat().st_ino for p in autograded.iterdir() if p.name in kept
    }.keys() == kept.keys()
    assert all((autograded / n).stat().st_ino != ino for n, ino in kept.items()), "written into"
    assert scores_in_gradebook(graded.course) == before
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded.course / 'gradebook.db'}", "ankle-course") as gb:
        assert len(gb.assignment_submissions(ASSIGNMENT)) == 15  # no duplicate rows


# --- feedback: right answers, rules, guide words; never hidden tests ---------------------------


@pytest.fixture(scope="module")
def feedback(graded: Graded) -> dict[str, str]:
    done = grade(graded.course, "feedback", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    pages = {}
    for path in (graded.course / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"):
        pages[path.parent.parent.name] = path.read_text(encoding="utf-8")
    return pages


def test_feedback_shows_each_answer_and_the_critical_misses_without_the_key(
    feedback: dict[str, str],
) -> None:
    assert set(feedback) >= {"perfect", "careless", "looper", UNICODE_ID, "broken_json"}
    page = feedback["careless"]
    assert "education, not diagnosis" in page
    assert "Your answer</dt><dd>PROCEED; refer: True" in page
    assert "Result</dt><dd>not right" in page
    assert "Critical: you would have gone on massaging an ankle that needed the massage" in page
    assert "This scenario is critical: the massage must stop or not start, and your answer" in page
    assert "not passed" in page
    # no key: neither the right answers nor the rules that decide them
    assert "The right answer" not in page
    assert "SEEK_URGENT_CARE; refer" not in page
    assert "spreading-infection" not in page
    assert "could not be graded" in feedback["broken_json"]


def test_feedback_with_answers_explains_each_item_with_the_rule_and_the_guide(
    graded: Graded,
) -> None:
    done = grade(graded.course, "feedback", ASSIGNMENT, "--with-answers", "--student", "careless")
    assert done.returncode == 0, done.stderr
    path = graded.course / "feedback" / "careless" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    page = path.read_text(encoding="utf-8")
    assert "The right answer</dt><dd>SEEK_URGENT_CARE; refer: True" in page
    assert "spreading-infection" in page
    assert "signs of infection such as fever, warmth or red streaks" in page
    assert "Answering PROCEED, PROCEED_WITH_CAUTION, AVOID_AREA" in page
    # back to the page without the key, as the other tests expect
    done = grade(graded.course, "feedback", ASSIGNMENT, "--student", "careless")
    assert done.returncode == 0, done.stderr


def test_no_hidden_test_or_solution_reaches_releases_or_feedback(
    graded: Graded, feedback: dict[str, str]
) -> None:
    from test_grading import hidden_test_lines

    secrets = set(hidden_test_lines(ASSIGNMENT)) | {"BEGIN HIDDEN", "BEGIN SOLUTION", "assert "}
    release = (graded.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for name, text in [("release", release), *feedback.items()]:
        leaked = [s for s in secrets if s in text]
        assert not leaked, (name, leaked[:3])
    assert not list((graded.course / "release").rglob("*.yaml"))
    nb = released(graded.course)
    answers = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert all(
        line.endswith(" = None")
        for a in answers
        for line in a.splitlines()
        if not line.startswith("#") and line.strip()
    )


def test_plain_nbgrader_generate_feedback_shows_no_key(graded: Graded) -> None:
    """nbgrader's own feedback (also formgrader's button) renders the autograded notebooks;
    the course config's HideTests preprocessor keeps their hidden tests out."""
    from test_grading import hidden_test_lines

    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    done = subprocess.run(
        [nbgrader, "generate_feedback", ASSIGNMENT, "--student", "c*", "--force"],
        cwd=graded.course,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    pages = {
        student: (graded.course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html")
        for student in ("careless", "cheater", "crosser")
    }
    secrets = set(hidden_test_lines(ASSIGNMENT)) | {"BEGIN HIDDEN", "AssertionError", "assert "}
    for student, path in pages.items():
        page = path.read_text(encoding="utf-8")
        assert "Score: " in page, student  # still nbgrader's page, with the points
        leaked = [s for s in secrets if s in page]
        assert not leaked, (student, leaked[:3])
    careless = pages["careless"].read_text(encoding="utf-8")
    assert "PROCEED" in careless  # the learner's answer
    # the course's verdict comes first: not passed, and the critical miss named
    assert "Result of this assessment" in careless
    assert "Not passed: 50 / 52 points" in careless
    assert "Critical: in q02 your answer would let a massage go on" in careless
    assert "education, not diagnosis" in careless


# --- export and report ------------------------------------------------------------------------


def test_export_csv_and_canvas(graded: Graded, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    done = grade(graded.course, "export", ASSIGNMENT, "--to", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == [
        "student_id",
        "score",
        "max_score",
        "percent",
        "passed",
        "critical_misses",
        "status",
    ]
    by_id = {row["student_id"]: row for row in rows}
    assert len(by_id) == 16
    assert by_id["careless"] == {
        "student_id": "careless",
        "score": "50",
        "max_score": "52",
        "percent": "96.2",
        "passed": "false",
        "critical_misses": "q02",
        "status": "graded",
    }
    assert by_id["absent"]["status"] == "missing"
    assert by_id["absent"]["score"] == "0"
    assert by_id[UNICODE_ID]["passed"] == "true"
    assert by_id["broken_json"]["status"] == "invalid"

    canvas = tmp_path / "canvas.csv"
    done = grade(graded.course, "export", ASSIGNMENT, "--to", str(canvas), "--format", "canvas")
    assert done.returncode == 0, done.stderr
    lines = list(csv.reader(canvas.read_text(encoding="utf-8").splitlines()))
    assert lines[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert lines[1][0] == "Points Possible"
    assert lines[1][5] == "52"
    canvas_rows = {row[3]: row[5] for row in lines[2:]}  # default key: SIS Login ID
    assert canvas_rows["perfect"] == "52"
    assert canvas_rows["absent"] == ""
    # failed on a critical item: 0 in Canvas (the CSV above keeps 50, passed and the miss)
    assert canvas_rows["careless"] == "0"
    assert canvas_rows["through_pain"] == "0"
    assert canvas_rows["partial"] == "38"  # an ordinary fail keeps its points
    assert "education, not diagnosis" in done.stdout.splitlines()[-1]


def test_export_to_a_folder_a_missing_folder_or_a_full_disk_is_one_line_exit_2(
    graded: Graded, tmp_path: Path
) -> None:
    missing = tmp_path / "nonexistent" / "x.csv"
    for target, message in [
        (tmp_path, "it is a folder (give a file name, e.g. grades.csv)"),
        (missing, f"the folder {missing.parent} does not exist"),
        (Path("/dev/full"), "No space left on device"),
    ]:
        done = grade(graded.course, "export", ASSIGNMENT, "--to", str(target))
        assert done.returncode == 2, (target, done.stderr)
        assert done.stderr == f"ankle-course: error: cannot write {target}: {message}\n"
        assert "Traceback" not in done.stdout + done.stderr
    assert not missing.parent.exists()


def test_report_has_one_clear_line_per_problem(graded: Graded) -> None:
    done = grade(graded.course, "report", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for student, fragment in [
        ("broken_json", "invalid: safety_scenarios.ipynb is not a valid notebook"),
        ("looper", "flagged: answer cell q03_answer holds other code (never run)"),
        ("editor", "tampered: test cell q05 was edited"),
        ("deleter", "tampered: test cell q06 was deleted"),
        ("renamer", "tampered: unknown cell id 'q07_mine'"),
        ("no_answer", "flagged: answer cell q04_answer was deleted"),
        ("extras", "flagged: 2 extra code cells ignored"),
        ("big_output", "flagged: 10.5 MB of saved output discarded"),
        ("absent", "missing: no submission"),
    ]:
        matching = [line for line in lines if line.startswith(f"{student}: ")]
        assert len(matching) == 1, (student, matching)
        assert fragment in matching[0], (student, matching)
    assert not [line for line in lines if line.startswith(("perfect: ", "careless: "))]
    assert "education, not diagnosis" in done.stdout


# --- a run killed mid-batch -------------------------------------------------------------------


def test_a_killed_run_completes_when_run_again(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    assignment = "anatomy_techniques"
    assert grade(course, "release", assignment).returncode == 0
    right = right_answers(course, assignment)
    wrong = dict.fromkeys(right, "tibia")
    students = [f"learner{n}" for n in range(6)]
    for n, student in enumerate(students):
        submit(
            course,
            student,
            fill(released(course, assignment), right if n % 2 else wrong),
            assignment=assignment,
        )
    results = course / "autograded"
    process = subprocess.Popen(
        [CLI, "grade", "--course-dir", str(course), "autograde", assignment, "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list(results.glob("*/*/.ankle-grading.json"))) < 2:
        assert time.monotonic() < deadline
        assert process.poll() is None
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(results.glob("*/*/.ankle-grading.json")))
    assert finished < len(students)

    again = grade(course, "autograde", assignment, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # no warning of any kind in a normal run
    assert f"graded {len(students) - finished}, unchanged and skipped {finished}" in again.stdout
    bank = load_item_bank(course, assignment)
    assert not [i for i in bank.items if isinstance(i, ScenarioItem)]
    wrong_score = sum(1 for i in bank.items if i.answer == "tibia")
    for n, student in enumerate(students):
        data = json.loads((results / student / assignment / ".ankle-grading.json").read_text())
        assert data["score"] == (bank.max_score if n % 2 else wrong_score), student
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(assignment)}
    assert scores == {s: (bank.max_score if n % 2 else wrong_score) for n, s in enumerate(students)}
