"""A course folder to grade and learners' hand-ins in it, as nbgrader lays them out, for the
grading tests: a clean copy of ``grading/``, the real ``ankle-course grade`` CLI, a notebook
handed in under ``submitted/`` and the record a variant notebook's setup cell leaves."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

from course.cases import RECORD_MIME

__all__ = ["copy_course", "enrol", "grade", "show_record", "submit"]

REPO = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "ankle-course")
#: What a fresh copy of the course leaves out: nbgrader's generated folders and the gradebook.
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".*")


def copy_course(target: Path) -> Path:
    """A copy of the course's ``grading/`` folder without generated files or a gradebook."""
    shutil.copytree(REPO / "grading", target, ignore=shutil.ignore_patterns(*GENERATED))
    return target


def enrol(course: Path, students: Iterable[str]) -> None:
    """Put ``students`` in the course's gradebook."""
    from course.grading.course import Course

    with Course.open(course).gradebook() as gb:
        for student in students:
            gb.update_or_create_student(student)


def grade(
    course: Path, *args: str, db_url: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``ankle-course grade --course-dir COURSE ARGS`` (output captured, never raising)."""
    extra = ["--db-url", db_url] if db_url else []
    return subprocess.run(
        [CLI, "grade", "--course-dir", str(course), *extra, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def submit(
    course: Path,
    student: str,
    nb: Any | None = None,
    raw: str | None = None,
    assignment: str = "safety_scenarios",
    stamp: str = "2026-03-02 10:00:00.000000 UTC",
) -> None:
    """Hand in ``nb`` (or the text ``raw``) as ``student``'s ``assignment``, as collect does."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    target = folder / f"{assignment}.ipynb"
    if raw is not None:
        target.write_text(raw, encoding="utf-8")
    else:
        nbformat.write(nb, target)
    (folder / "timestamp.txt").write_text(stamp)


def show_record(nb: Any, student: str, record: dict[str, Any] | None) -> Any:
    """``nb`` as if its setup cell had shown ``student``'s cases and left ``record`` (None:
    the cell never ran); changed in place and returned."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup":
            cell.outputs = []
            if record is not None:
                data = {"text/plain": student, RECORD_MIME: record}
                cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    return nb
