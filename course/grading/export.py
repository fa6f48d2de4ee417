"""Collect every learner's result (gradebook scores + the marking layer) and export it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Literal

from course.grading import GradingError
from course.grading.autograde import read_result
from course.grading.course import Course
from course.grading.items import critical_items, load_item_bank
from course.grading.marking import mark

COLUMNS = ("student_id", "score", "max_score", "percent", "passed", "critical_misses", "status")


def collect(course: Course, assignment: str, *, with_grades: bool = False) -> list[dict[str, Any]]:
    """One row per learner known to the gradebook or with a submission, sorted by id.

    Scores come from the gradebook (so manual grades in formgrader count); status, answers and
    critical misses from the marking layer's result files.
    """
    course.check_assignment(assignment)
    from nbgrader.api import MissingEntry

    bank = load_item_bank(course.root, assignment)
    critical = critical_items(bank)
    rows = []
    with course.gradebook() as gb:
        students = {s.id for s in gb.students} | set(course.submitted_students(assignment))
        for student in sorted(students):
            result = read_result(course, student, assignment)
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            grades: dict[str, float | None] = {}
            maxima: dict[str, float] = {}
            notebooks: list[str] = []
            if submission is not None and result is not None:
                for nb in submission.notebooks:
                    notebooks.append(nb.name)
                    for grade in nb.grades:
                        grades[grade.name] = grade.score
                        maxima[grade.name] = float(grade.max_score)
            if result is None:
                has_submission = course.submitted_dir(student, assignment).is_dir()
                status = "ungraded" if has_submission else "missing"
                problems = [
                    "submitted but not autograded yet" if has_submission else "no submission"
                ]
                answers: dict[str, Any] = {}
            else:
                status = str(result["status"])
                problems = list(result.get("problems", []))
                answers = dict(result.get("answers", {}))
            score = sum(s or 0.0 for s in grades.values())
            marked = mark(
                score=score,
                max_score=bank.max_score,
                pass_percent=bank.pass_percent,
                critical=critical,
                answers=answers,
                status=status,
            )
            row: dict[str, Any] = {
                "student_id": student,
                "score": marked.score,
                "max_score": marked.max_score,
                "percent": marked.percent,
                "passed": marked.passed,
                "critical_misses": list(marked.critical_misses),
                "status": status,
                "problems": problems,
                "answers": answers,
            }
            if with_grades:
                row.update(grades=grades, maxima=maxima, notebooks=notebooks)
            rows.append(row)
    return rows


def _number(value: float) -> str:
    return f"{value:g}"


def export(course: Course, assignment: str, to: Path, fmt: Literal["csv", "canvas"] = "csv") -> int:
    """Write the grades of ``assignment`` to ``to``; returns the number of learners.

    The folder of ``to`` must exist. In the Canvas file a failed assessment because of a
    critical miss is worth 0 points: Canvas only receives a number, and a number near full
    marks would read as a pass for a learner who would massage an ankle that must not be. The
    CSV export keeps the points, ``passed`` and ``critical_misses``.
    """
    if not to.parent.is_dir():
        raise GradingError(f"cannot write {to}: the folder {to.parent} does not exist")
    if to.is_dir():
        raise GradingError(f"cannot write {to}: it is a folder (give a file name, e.g. grades.csv)")
    rows = collect(course, assignment)
    try:
        with to.open("w", newline="", encoding="utf-8") as handle:
            _write(csv.writer(handle), course, assignment, rows, fmt)
    except OSError as exc:
        raise GradingError(f"cannot write {to}: {exc.strerror or exc}") from None
    return len(rows)


def _write(
    writer: Any, course: Course, assignment: str, rows: list[dict[str, Any]], fmt: str
) -> None:
    if fmt == "canvas":
        bank = load_item_bank(course.root, assignment)
        column = f"{bank.title} ({assignment})"
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        writer.writerow(["Points Possible", "", "", "", "", _number(bank.max_score)])
        for row in rows:
            if row["status"] in ("missing", "ungraded"):
                score = ""
            elif row["critical_misses"]:
                score = "0"  # failed on a critical item: never a near-full mark in Canvas
            else:
                score = _number(row["score"])
            writer.writerow([row["student_id"], "", row["student_id"], "", "", score])
        return
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["student_id"],
                _number(row["score"]),
                _number(row["max_score"]),
                f"{row['percent']:.1f}",
                "true" if row["passed"] else "false",
                ";".join(row["critical_misses"]),
                row["status"],
            ]
        )
