"""The Canvas export, read back the way Canvas's gradebook importer reads a file.

:func:`canvas_reads` restates the rules of Canvas LMS's ``app/models/gradebook_importer.rb``
(instructure/canvas-lms; docs/grading.md cites it): the header must start with ``Student`` and
``ID``; ``SIS User ID`` then ``SIS Login ID`` follow, and the last student column is
``Section``; every later column is an assignment, matched to an existing one only when its
header is ``Title (numeric id)`` (``Assignment.title_and_id``: ``\\A(.*)\\s\\((\\d+)\\)\\z``);
a row whose first cell holds ``Points Possible`` describes the assignments; a learner is
found by the Canvas ``ID``, else the ``SIS User ID``, else the ``SIS Login ID``, else by name;
a grade is a number, ``EX`` (excused) or blank (no change); ``;`` is taken as the delimiter
when it splits the first lines more consistently than ``,``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from handin import grade, submit
from test_grading_autograde import ASSIGNMENT, fill, released, right_answers

from course.grading.items.bank import load_item_bank

TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.DOTALL)
NON_ASSIGNMENT = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
    "Override Score|Override Grade|Override Status"
)


@dataclass
class CanvasImport:
    assignments: list[tuple[str, int | None]]  # (title, id): id None = a new assignment
    points_possible: list[str]
    students: list[dict[str, str]] = field(default_factory=list)


def _fields(line: str, separator: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=separator)))
    except (csv.Error, StopIteration):
        return 0


def canvas_reads(text: str) -> CanvasImport:
    """Read a gradebook CSV as Canvas's importer does (see the module docstring)."""
    first = text.splitlines()[:3]
    counts = {}
    for separator in (";", ","):
        sizes = {_fields(line, separator) for line in first}
        counts[separator] = sizes.pop() if len(sizes) == 1 else 0
    assert counts[","] >= counts[";"], "Canvas would read this file as ;-separated"
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 3, "invalid header row"
    assert "Student" in header[0], "invalid header row"
    assert "ID" in header[1], "invalid header row"
    assert re.search(r"SIS\s+User\s+ID", header[2]), header
    assert re.search(r"SIS\s+Login\s+ID", header[3]), header
    student_columns = 5
    assert "Section" in header[student_columns - 1], "invalid header row"
    columns = [c for c in header[student_columns:] if not NON_ASSIGNMENT.search(c)]
    assignments: list[tuple[str, int | None]] = []
    for name in columns:
        match = TITLE_AND_ID.match(name)
        assignments.append((match[1], int(match[2])) if match else (name, None))
    result = CanvasImport(assignments=assignments, points_possible=[])
    for row in rows[1:]:
        if row and "Points Possible" in row[0]:
            result.points_possible = row[student_columns:]
            continue
        grade_cell = row[student_columns].strip() if len(row) > student_columns else ""
        assert re.fullmatch(r"(-?[0-9.,]+%?|EX|)", grade_cell), grade_cell
        result.students.append(
            {
                "name": row[0],
                "id": row[1],
                "sis_user_id": row[2],
                "sis_login_id": row[3],
                "section": row[4],
                "grade": grade_cell,
            }
        )
    return result


def lookup_key(student: dict[str, str]) -> tuple[str, str]:
    """Which column Canvas finds this learner by (the first present of ID, SIS ids, name)."""
    if student["id"].isdigit():
        return ("id", student["id"])
    for column in ("sis_user_id", "sis_login_id"):
        if student[column]:
            return (column, student[column])
    return ("name", student["name"])


@pytest.fixture(scope="module")
def course(
    tmp_path_factory: pytest.TempPathFactory, released_course: Callable[[Path], Path]
) -> Path:
    course = released_course(tmp_path_factory.mktemp("canvas") / "course")
    right = right_answers(course)
    submit(course, "perfect", fill(released(course), right))
    submit(course, "careless", fill(released(course), {**right, "q02": "PROCEED"}))
    submit(course, "partial", fill(released(course), {**right, "q04": "STOP", "q05": "STOP"}))
    submit(course, "ac_jane_doe", fill(released(course), right))  # a hub account
    submit(course, "4242", fill(released(course), right))  # a numeric (Canvas) id
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        gb.update_or_create_student("absent")
        gb.update_or_create_student("=HYPERLINK(1)")
    done = grade(course, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    (course.parent / "roster.csv").write_text(
        "id,first_name,last_name,email,section\n"
        "Jane.Doe,Jane,Doe,jane@example.org,Tuesday group\n"
        "perfect,Ada,Lovelace,,Monday group\n"
        "careless,@Bob,-Smith,,\n",
        encoding="utf-8",
    )
    return course


def export(course: Path, tmp_path: Path, *options: str) -> tuple[Any, str]:
    out = tmp_path / "canvas.csv"
    done = grade(course, "export", ASSIGNMENT, "--to", str(out), "--format", "canvas", *options)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    return canvas_reads(text), text


def test_the_header_names_the_existing_canvas_assignment(course: Path, tmp_path: Path) -> None:
    read, text = export(course, tmp_path, "--canvas-assignment-id", "4711")
    title = " ".join(load_item_bank(course, ASSIGNMENT).title.split())
    assert read.assignments == [(title, 4711)]  # matched, not created
    assert read.points_possible == ["52"]
    assert text.splitlines()[0].split(",")[:5] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
    ]


def test_without_an_id_canvas_would_create_a_new_assignment(course: Path, tmp_path: Path) -> None:
    read, _ = export(course, tmp_path)
    assert read.assignments[0][1] is None


@pytest.mark.parametrize(
    ("key", "column"),
    [("sis_login_id", "sis_login_id"), ("sis_user_id", "sis_user_id")],
)
def test_each_learner_is_found_by_the_chosen_column(
    course: Path, tmp_path: Path, key: str, column: str
) -> None:
    read, _ = export(course, tmp_path, "--canvas-key", key)
    found = {lookup_key(s) for s in read.students}
    assert (column, "perfect") in found
    assert all(kind == column for kind, _ in found)
    assert len(read.students) == 7


def test_canvas_key_id_needs_numeric_ids(course: Path, tmp_path: Path) -> None:
    done = grade(
        course, "export", ASSIGNMENT, "--to", str(tmp_path / "x.csv"), "--format", "canvas",
        "--canvas-key", "id",
    )  # fmt: skip
    assert done.returncode == 2
    assert "--canvas-key id needs Canvas's numeric user ids" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_the_roster_gives_last_first_names_sections_and_the_institution_id(
    course: Path, tmp_path: Path
) -> None:
    read, _ = export(course, tmp_path, "--roster", str(course.parent / "roster.csv"))
    by_login = {s["sis_login_id"]: s for s in read.students}
    # the hub account ac_jane_doe is the roster's Jane.Doe: Canvas knows her as Jane.Doe
    assert by_login["Jane.Doe"]["name"] == "Doe, Jane"
    assert by_login["Jane.Doe"]["section"] == "Tuesday group"
    assert by_login["Jane.Doe"]["grade"] == "52"
    assert by_login["perfect"]["name"] == "Lovelace, Ada"
    # no roster row: the id stands in for the name
    assert by_login["partial"]["name"] == "partial"
    # a name that a spreadsheet would read as a formula is escaped
    assert by_login["careless"]["name"] == "'-Smith, @Bob"


@pytest.mark.parametrize(("missing", "cell"), [("blank", ""), ("zero", "0"), ("excused", "EX")])
def test_learners_without_a_graded_submission(
    course: Path, tmp_path: Path, missing: str, cell: str
) -> None:
    read, _ = export(course, tmp_path, "--missing", missing)
    grades = {s["sis_login_id"]: s["grade"] for s in read.students}
    assert grades["absent"] == cell
    assert grades["perfect"] == "52"
    assert grades["careless"] == "0"  # a critical miss is never a near-full mark in Canvas
    assert grades["partial"] == "48"


def test_formula_cells_are_escaped(course: Path, tmp_path: Path) -> None:
    read, text = export(course, tmp_path)
    assert "'=HYPERLINK(1)" in {s["sis_login_id"] for s in read.students}
    for row in csv.reader(io.StringIO(text)):
        assert not any(c[:1] in ("=", "+", "@") for c in row), row
        assert not any(c[:1] == "-" and not re.fullmatch(r"-?[0-9.]+", c) for c in row), row
    plain = tmp_path / "grades.csv"
    assert grade(course, "export", ASSIGNMENT, "--to", str(plain)).returncode == 0
    assert "'=HYPERLINK(1)" in plain.read_text(encoding="utf-8")


def test_a_bad_roster_is_one_line_exit_2(course: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name,first_name\nx,y\n", encoding="utf-8")
    for path, message in [
        (roster, "the roster needs a header row with an 'id' column"),
        (tmp_path / "none.csv", "cannot read the roster"),
    ]:
        done = grade(
            course, "export", ASSIGNMENT, "--to", str(tmp_path / "x.csv"), "--format", "canvas",
            "--roster", str(path),
        )  # fmt: skip
        assert done.returncode == 2
        assert message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
