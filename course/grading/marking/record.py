"""Write one marked notebook to the gradebook and its result file: the one writer of both.

Called by :class:`course.grading.preprocessors.RecordResult` inside plain nbgrader (and
formgrader), and by ``ankle-course grade autograde``'s parent process, one submission at a
time, so either path leaves the same gradebook rows and the same result file. The rows are
exactly those nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` write (scores from
:func:`nbgrader.utils.determine_grade`, "No response." comments, the late penalty), plus the
course's comments on critical misses and unreadable answers, and the notebook flag for a
submission that needs a look (never cleared automatically: the flag is also the instructor's).
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbgrader import utils

from course.grading.marking.banks import critical_of, gradeables_of, max_score_of
from course.grading.marking.files import META, bank_of, course_root, write_json_atomic
from course.grading.marking.score import GRADED, mark
from course.grading.marking.submission import NOT_SIMPLE
from course.grading.variants.marking import MISMATCH


def fingerprint(submitted_dir: Path) -> str:
    """A hash of every file of a submission (names and bytes), never following links."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(submitted_dir.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        digest.update(str(path.relative_to(submitted_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def status_of(tampered: list[str], problems: list[str]) -> str:
    return "tampered" if tampered else "flagged" if problems else "graded"


def _comments(
    nb: Any, bank: Any, misses: tuple[str, ...], answers: dict[str, Any]
) -> dict[str, Any]:
    from course.content.text import text

    by_cell: dict[str, list[str]] = {}
    for g in gradeables_of(bank):
        cell = f"{g.item_id}_answer"
        if answers.get(g.variable) == NOT_SIMPLE:
            by_cell.setdefault(cell, []).append(text("graded.comment_not_simple", name=g.variable))
        if g.kind != "refer" and g.item_id in misses:
            by_cell.setdefault(cell, []).append(text("graded.comment_critical"))
    comments: dict[str, Any] = {}
    for cell in nb.cells:
        if not utils.is_solution(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
        if unchanged and not utils.is_task(cell):
            comments[grade_id] = "No response."
        else:
            comments[grade_id] = " ".join(by_cell.get(grade_id, [])) or None
    return comments


def _submission(gb: Any, coursedir: Any, assignment: str, student: str) -> Any:
    submitted = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    timestamp = coursedir.get_existing_timestamp(submitted)
    gb.update_or_create_student(student)
    extra = {"timestamp": timestamp} if timestamp else {}
    with warnings.catch_warnings():
        # nbgrader 0.9.6's add_submission builds the new rows through relationships before
        # adding them to the session; SQLAlchemy 2 warns (harmlessly) that the autoflush will
        # not cascade them. Only this named warning from this one call is silenced.
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings(
            "ignore", message=r"Object of type <Submitted\w+> not in session", category=SAWarning
        )
        return gb.update_or_create_submission(assignment, student, **extra)


def _late_penalty(gb: Any, config: Any, submission: Any, notebook: Any, student: str) -> None:
    """What nbgrader's AssignLatePenalties does, on the open gradebook."""
    from nbgrader.preprocessors import AssignLatePenalties

    penalty = None
    if submission.total_seconds_late > 0:
        assigner = AssignLatePenalties(config=config)
        assigner.init_plugin()
        penalty = assigner.plugin_inst.late_submission_penalty(
            student, notebook.score, submission.total_seconds_late
        )
        if penalty is not None:
            penalty = assigner._check_late_penalty(notebook, penalty)
    if notebook.late_submission_penalty != penalty:
        notebook.late_submission_penalty = penalty
        gb.db.commit()


def record(gb: Any, nb: Any, resources: Any, config: Any) -> dict[str, Any]:
    """Store one marked notebook (see the module docstring); returns the result written."""
    from nbgrader.coursedir import CourseDirectory

    info = resources["nbgrader"]
    student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
    coursedir = CourseDirectory(config=config)
    bank, critical = bank_of(course_root(config), assignment)
    critical = critical_of(bank, student, critical)
    found = nb.metadata.get(META) or {}
    answers: dict[str, Any] = dict(found.get("answers", {}))
    tampered = list(found.get("tampered", []))
    problems = list(found.get("problems", []))
    status = MISMATCH if found.get("mismatch") else status_of(tampered, problems)
    scores = {
        cell.metadata["nbgrader"]["grade_id"]: utils.determine_grade(cell)[0]
        for cell in nb.cells
        if utils.is_grade(cell)
    }
    score = sum(s or 0.0 for s in scores.values())
    marked = mark(
        score=score,
        max_score=max_score_of(bank),
        pass_percent=bank.pass_percent,
        critical=critical,
        answers=answers,
        status=status,
    )
    comments = _comments(nb, bank, marked.critical_misses, answers)

    submission = _submission(gb, coursedir, assignment, student)
    row = next(n for n in submission.notebooks if n.name == notebook)
    # load the notebook's cells once: each grade's and comment's name then needs no query
    list(row.notebook.grade_cells) + list(row.notebook.solution_cells)
    list(row.notebook.task_cells)
    for grade in row.grades:
        if grade.name in scores:
            grade.auto_score = scores[grade.name]
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
    for comment in row.comments:
        if comment.name in comments:
            comment.auto_comment = comments[comment.name]
    if status != "graded":
        row.flagged = True
    gb.db.commit()
    _late_penalty(gb, config, submission, row, student)

    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    result = result_dict(
        student=student,
        assignment=assignment,
        status=status,
        problems=tampered + problems,
        marked=marked,
        pass_percent=bank.pass_percent,
        item_scores=scores,
        answers=answers,
        fingerprint=fingerprint(submitted) if submitted.is_dir() else None,
    )
    out = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    from course.grading.course import RESULT_FILE

    write_json_atomic(out / RESULT_FILE, result)
    return result


def result_dict(
    *,
    student: str,
    assignment: str,
    status: str,
    problems: list[str],
    marked: Any,
    pass_percent: float,
    item_scores: dict[str, float | None],
    answers: dict[str, Any],
    fingerprint: str | None,
) -> dict[str, Any]:
    return {
        "student_id": student,
        "assignment": assignment,
        "status": status,
        "problems": problems,
        "score": marked.score,
        "max_score": marked.max_score,
        "percent": marked.percent,
        "pass_percent": pass_percent,
        "passed": marked.passed,
        "critical_misses": list(marked.critical_misses),
        "item_scores": item_scores,
        "answers": answers,
        "fingerprint": fingerprint,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def record_ungradable(
    gb: Any | None,
    config: Any,
    assignment: str,
    student: str,
    status: str,
    problems: list[str],
    fingerprint: str | None,
) -> dict[str, Any]:
    """An invalid submission scores 0 in the gradebook (as nbgrader scores a missing notebook);
    a grading error leaves the gradebook alone (``gb`` None). Both get a result file."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    bank, critical = bank_of(course_root(config), assignment)
    if gb is not None:
        submission = _submission(gb, coursedir, assignment, student)
        for row in submission.notebooks:
            for grade in row.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gb.db.commit()
    assert status not in GRADED
    marked = mark(
        score=0.0,
        max_score=max_score_of(bank),
        pass_percent=bank.pass_percent,
        critical=critical,
        answers={},
        status=status,
    )
    result = result_dict(
        student=student,
        assignment=assignment,
        status=status,
        problems=problems,
        marked=marked,
        pass_percent=bank.pass_percent,
        item_scores={},
        answers={},
        fingerprint=fingerprint,
    )
    from course.grading.course import RESULT_FILE

    out = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    write_json_atomic(out / RESULT_FILE, result)
    return result
