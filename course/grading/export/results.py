"""Collect every learner's result (gradebook scores + the marking layer) and export it."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from course.errors import GradingError
from course.grading.autograde.run import read_result
from course.grading.course import Course
from course.grading.items.bank import ItemBank, critical_items
from course.grading.marking.banks import critical_of, load_bank, max_score_of
from course.grading.marking.score import HELD, mark

COLUMNS = ("student_id", "score", "max_score", "percent", "passed", "critical_misses", "status")


def collect(course: Course, assignment: str, *, with_grades: bool = False) -> list[dict[str, Any]]:
    """One row per learner known to the gradebook or with a submission, sorted by id.

    Scores come from the gradebook (so manual grades in formgrader count); status, answers and
    critical misses from the marking layer's result files.
    """
    course.check_assignment(assignment)
    bank = load_bank(course.root, assignment)
    fixed = critical_items(bank) if isinstance(bank, ItemBank) else frozenset()
    rows = []
    with course.gradebook() as gb:
        students = {s.id for s in gb.students} | set(course.submitted_students(assignment))
        recorded = _gradebook_scores(gb, assignment)
        for student in sorted(students):
            result = read_result(course, student, assignment)
            grades: dict[str, float | None] = {}
            maxima: dict[str, float] = {}
            notebooks: list[str] = []
            if student in recorded and result is not None:
                grades, maxima, notebooks = recorded[student]
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
                max_score=max_score_of(bank),
                pass_percent=bank.pass_percent,
                critical=critical_of(bank, student, fixed),
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


def collect_attempts(
    course: Course, assignment: str, policy: Literal["best", "last", "first"]
) -> list[dict[str, Any]]:
    """One row per learner: the attempt ``policy`` picks, with ``attempt`` and ``attempts``
    (how many they handed in) added."""
    from course.grading.export.attempts import TAKEN, pick
    from course.grading.variants.retake import attempts_of

    per_attempt = [(n, collect(course, name)) for n, name in attempts_of(course.root, assignment)]
    students = sorted({row["student_id"] for _n, rows in per_attempt for row in rows})
    by_student: dict[str, list[tuple[int, dict[str, Any]]]] = {s: [] for s in students}
    for number, rows in per_attempt:
        for row in rows:
            by_student[row["student_id"]].append((number, row))
    chosen = []
    for student in students:
        number, row = pick(by_student[student], policy)
        taken = sum(1 for _n, r in by_student[student] if r["status"] not in TAKEN)
        chosen.append({**row, "attempt": number, "attempts": taken})
    return chosen


Scores = tuple[dict[str, float | None], dict[str, float], list[str]]


def _gradebook_scores(gb: Any, assignment: str) -> dict[str, Scores]:
    """Every submission's grades (cell name -> score, the manual one when set), maxima and
    notebooks, in two queries: the ORM's lazy loads took 15 s for a class of 300."""
    from nbgrader.api import (
        Assignment,
        Grade,
        GradeCell,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    out: dict[str, Scores] = {}
    notebooks = (
        gb.db.query(SubmittedAssignment.student_id, Notebook.name)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
        .filter(Assignment.name == assignment)
        .order_by(Notebook.name)
    )
    for student, notebook in notebooks:
        out.setdefault(student, ({}, {}, []))[2].append(notebook)
    grades = (
        gb.db.query(
            SubmittedAssignment.student_id, GradeCell.name, Grade.score, GradeCell.max_score
        )
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
        .join(GradeCell, GradeCell.id == Grade.cell_id)
        .filter(Assignment.name == assignment)
    )
    for student, name, score, max_score in grades:
        scores, maxima, _ = out.setdefault(student, ({}, {}, []))
        scores[name] = None if score is None else float(score)
        maxima[name] = float(max_score)
    return out


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class CanvasOptions:
    """How to write the Canvas gradebook-import file (see docs/grading.md)."""

    assignment_id: int | None = None  # Canvas's numeric assignment id: header "Title (N)"
    key: Literal["id", "sis_user_id", "sis_login_id"] = "sis_login_id"
    roster: Path | None = None  # id, first_name, last_name[, section]
    missing: Literal["blank", "zero", "excused"] = "blank"


#: Canvas's student columns, in the order its importer requires (before the assignments).
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_KEY_COLUMN = {"id": 1, "sis_user_id": 2, "sis_login_id": 3}
_MISSING = {"blank": "", "zero": "0", "excused": "EX"}
_ROSTER_PREFIX = re.compile(r"^([a-z][a-z0-9_]{0,15})?$")


def escape_cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (``=``, ``+``, ``-``, ``@``)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@dataclass(frozen=True)
class RosterEntry:
    roster_id: str
    first_name: str
    last_name: str
    section: str

    @property
    def sortable_name(self) -> str:
        """Canvas's "Last, First" (either part alone when the other is empty)."""
        return ", ".join(part for part in (self.last_name, self.first_name) if part)


def read_roster(path: Path) -> list[RosterEntry]:
    """A roster CSV: ``id`` (required), ``first_name``, ``last_name``, ``section`` (optional).

    The hub's roster (``ankle-course hub setup --roster``) and nbgrader's
    ``db student import`` file both fit.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise GradingError(f"cannot read the roster {path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or "id" not in [f.strip() for f in reader.fieldnames]:
        raise GradingError(f"{path}: the roster needs a header row with an 'id' column")
    entries = []
    for row in reader:
        fields = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        if not fields.get("id"):
            raise GradingError(f"{path}: row {reader.line_num}: empty id")
        entries.append(
            RosterEntry(
                roster_id=fields["id"],
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
                section=fields.get("section", ""),
            )
        )
    return entries


def match_roster(entries: list[RosterEntry], student: str) -> RosterEntry | None:
    """The roster row of an nbgrader student id: the same id, or the hub's account name for it
    (an account prefix such as ``ac_`` and the id folded to ``a-z0-9_``)."""
    from course.errors import RosterError
    from course.hub.roster import safe_name

    for entry in entries:
        if entry.roster_id == student:
            return entry
    for entry in entries:
        try:
            body = safe_name("", entry.roster_id)
        except RosterError:
            continue
        if student.endswith(body) and _ROSTER_PREFIX.match(student[: len(student) - len(body)]):
            return entry
    return None


def export(
    course: Course,
    assignment: str,
    to: Path,
    fmt: Literal["csv", "canvas"] = "csv",
    canvas: CanvasOptions | None = None,
    *,
    attempts: Literal["best", "last", "first"] | None = None,
) -> int:
    """Write the grades of ``assignment`` to ``to``; returns the number of learners.

    The folder of ``to`` must exist. In the Canvas file a failed assessment because of a
    critical miss is worth 0 points: Canvas only receives a number, and a number near full
    marks would read as a pass for a learner who would massage an ankle that must not be. The
    CSV export keeps the points, ``passed`` and ``critical_misses``.

    ``attempts`` (with retakes): one row per learner, the attempt the policy picks; the CSV
    gains the columns ``attempt`` and ``attempts_policy``, the Canvas column's title says it.
    """
    if not to.parent.is_dir():
        raise GradingError(f"cannot write {to}: the folder {to.parent} does not exist")
    if to.is_dir():
        raise GradingError(f"cannot write {to}: it is a folder (give a file name, e.g. grades.csv)")
    options = canvas or CanvasOptions()
    roster = read_roster(options.roster) if fmt == "canvas" and options.roster else None
    stated = ""
    if attempts is None:
        rows = collect(course, assignment)
    else:
        from course.grading.export.attempts import policy_words
        from course.grading.variants.retake import attempts_of

        course.check_assignment(assignment)
        rows = collect_attempts(course, assignment, attempts)
        stated = policy_words(attempts, len(attempts_of(course.root, assignment)))
    lines = (
        _canvas_lines(course, assignment, rows, options, roster, stated)
        if fmt == "canvas"
        else _csv_lines(rows, stated)
    )
    try:
        with to.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(lines)
    except OSError as exc:
        raise GradingError(f"cannot write {to}: {exc.strerror or exc}") from None
    return len(rows)


def canvas_score(row: dict[str, Any], missing: str = "blank") -> str:
    """A learner's Canvas cell: points; 0 on a critical miss; ``--missing`` when ungraded."""
    if row["status"] in ("missing", "ungraded", "invalid", "error"):
        return _MISSING[missing]
    if row["critical_misses"]:
        return "0"  # failed on a critical item: never a near-full mark in Canvas
    if row["status"] in HELD:
        return "0"  # another learner's cases were shown: marked, but never a pass in Canvas
    return _number(row["score"])


def _canvas_lines(
    course: Course,
    assignment: str,
    rows: list[dict[str, Any]],
    options: CanvasOptions,
    roster: list[RosterEntry] | None,
    stated: str = "",
) -> list[list[str]]:
    bank = load_bank(course.root, assignment)
    title = " ".join(bank.title.split())
    if stated:
        title = f"{title} [{stated}]"
    column = f"{title} ({options.assignment_id})" if options.assignment_id else title
    if options.key == "id":
        bad = [r["student_id"] for r in rows if not _canvas_user_id(r, roster).isdigit()]
        if bad:
            raise GradingError(
                "--canvas-key id needs Canvas's numeric user ids as learner ids (or in the "
                f"roster's id column); not numeric: {', '.join(bad[:5])}"
            )
    lines = [
        [*CANVAS_COLUMNS, column],
        ["Points Possible", "", "", "", "", _number(max_score_of(bank))],
    ]
    for row in rows:
        entry = match_roster(roster, row["student_id"]) if roster else None
        identifier = entry.roster_id if entry else row["student_id"]
        cells = ["", "", "", "", ""]
        cells[0] = entry.sortable_name if entry and entry.sortable_name else identifier
        cells[_KEY_COLUMN[options.key]] = identifier
        cells[4] = entry.section if entry else ""
        lines.append([escape_cell(c) for c in cells] + [canvas_score(row, options.missing)])
    return lines


def _canvas_user_id(row: dict[str, Any], roster: list[RosterEntry] | None) -> str:
    entry = match_roster(roster, row["student_id"]) if roster else None
    return entry.roster_id if entry else str(row["student_id"])


def _csv_lines(rows: list[dict[str, Any]], stated: str = "") -> list[list[str]]:
    extra = ["attempt", "attempts_policy"] if stated else []
    lines = [[*COLUMNS, *extra]]
    for row in rows:
        lines.append(
            [
                escape_cell(str(row["student_id"])),
                _number(row["score"]),
                _number(row["max_score"]),
                f"{row['percent']:.1f}",
                "true" if row["passed"] else "false",
                ";".join(row["critical_misses"]),
                row["status"],
                *([str(row["attempt"]), stated] if stated else []),
            ]
        )
    return lines
