"""Autograde every submission of an assignment: parallel workers, serialised gradebook writes.

Workers (``course.grading.engine``) grade submissions in parallel processes and never open the
gradebook; this process writes each result to the gradebook, then to a result file beside the
autograded notebook, one submission at a time. A result file is written last, so a run that
is killed part-way is simply run again: finished submissions are skipped (their files have
not changed), unfinished ones are graded.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from course.grading import GradingError
from course.grading.course import Course
from course.grading.items import ItemBank, critical_items, load_item_bank
from course.grading.marking import mark


@dataclass
class Summary:
    """The outcome of an autograde run."""

    graded: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ungradable(self) -> list[dict[str, Any]]:
        return [r for r in self.graded if r["status"] in ("invalid", "error")]


def assignment_spec(course: Course, assignment: str) -> Any:
    """Snapshot what the workers need from the gradebook and the release folder."""
    from nbgrader.api import MissingEntry

    from course.grading.engine import AssignmentSpec, GradedCell, NotebookSpec, SourceCell

    notebooks = []
    with course.gradebook() as gb:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(
                f"assignment {assignment!r} is not released yet: run "
                f"`ankle-course grade release {assignment}` first"
            ) from None
        for nb in record.notebooks:
            released = course.release_dir(assignment) / f"{nb.name}.ipynb"
            if not released.is_file():
                raise GradingError(
                    f"{released} is missing: run `ankle-course grade release {assignment}`"
                )
            notebooks.append(
                NotebookSpec(
                    name=nb.name,
                    kernelspec=nb.kernelspec,
                    source_cells={
                        c.name: SourceCell(
                            c.name, c.cell_type, bool(c.locked), c.checksum, c.source
                        )
                        for c in nb.source_cells
                    },
                    graded_cells={
                        g.name: GradedCell(g.name, float(g.max_score)) for g in nb.grade_cells
                    },
                    released=released.read_text(encoding="utf-8"),
                )
            )
    if not notebooks:
        raise GradingError(f"assignment {assignment!r} has no notebooks in the gradebook")
    return AssignmentSpec(assignment=assignment, notebooks=tuple(notebooks))


def read_result(course: Course, student: str, assignment: str) -> dict[str, Any] | None:
    path = course.result_file(student, assignment)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def autograde(
    course: Course,
    assignment: str,
    *,
    jobs: int = 2,
    force: bool = False,
    students: Iterable[str] | None = None,
    progress: bool = True,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> Summary:
    """Grade the submissions of ``assignment``; see the module docstring."""
    if jobs < 1:
        raise GradingError(f"--jobs must be at least 1, not {jobs}")
    course.check_assignment(assignment)
    from course.grading import engine

    bank = load_item_bank(course.root, assignment)
    critical = critical_items(bank)
    spec = assignment_spec(course, assignment)
    wanted = list(students) if students is not None else course.submitted_students(assignment)

    summary = Summary()
    todo: list[engine.Job] = []
    for student in wanted:
        submitted = course.submitted_dir(student, assignment)
        if not submitted.is_dir():
            raise GradingError(f"no submission of {assignment!r} from student {student!r}")
        fp = engine.fingerprint(submitted)
        previous = read_result(course, student, assignment)
        if (
            not force
            and previous is not None
            and previous.get("fingerprint") == fp
            and previous.get("status") not in ("invalid", "error")  # retried every run
        ):
            summary.skipped.append(student)
            continue
        todo.append(
            engine.Job(
                student=student,
                submitted_dir=str(submitted),
                autograded_dir=str(course.autograded_dir(student, assignment)),
                fingerprint=fp,
            )
        )
    if not todo:
        return summary

    stack = ExitStack()
    gradebooks: list[Any] = []

    def store(outcome: engine.Outcome) -> None:
        # opened lazily: after the workers have been forked, never inherited by them
        if not gradebooks:
            gradebooks.append(stack.enter_context(course.gradebook()))
        result = _store(course, gradebooks[0], bank, critical, assignment, outcome)
        summary.graded.append(result)
        if on_result is not None:
            on_result(result)

    workers = min(jobs, len(todo))
    bar = _progress(len(todo), assignment, progress)
    try:
        if workers == 1:
            engine.init_worker(spec, course.config, warm=len(todo) > 1)
            try:
                for job in todo:
                    store(engine.grade(job))
                    bar.update(1)
            finally:
                pool = engine._STATE.pop("pool", None)
                if pool is not None:
                    pool.close()
        else:
            _run_parallel(todo, workers, spec, course, store, bar)
    finally:
        bar.close()
        stack.close()
    return summary


def _run_parallel(
    todo: list[Any], workers: int, spec: Any, course: Course, store: Callable[[Any], None], bar: Any
) -> None:
    import multiprocessing

    from course.grading import engine

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=engine.init_worker,
        initargs=(spec, course.config, True),
    ) as executor:
        futures: dict[Future[Any], Any] = {executor.submit(engine.grade, j): j for j in todo}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:
                outcome = engine.Outcome(
                    student=job.student,
                    status="error",
                    fingerprint=job.fingerprint,
                    problems=[f"could not be graded: worker died ({exc})"],
                )
            store(outcome)
            bar.update(1)


def _progress(total: int, assignment: str, enabled: bool) -> Any:
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(
        total=total,
        desc=f"autograde {assignment}",
        unit="submission",
        disable=not enabled or total < 2,
        file=sys.stderr,
        leave=False,
    )


def _status(outcome: Any) -> str:
    if outcome.status in ("invalid", "error"):
        return str(outcome.status)
    if outcome.tampered:
        return "tampered"
    if outcome.problems:
        return "flagged"
    return "graded"


def _store(
    course: Course, gb: Any, bank: ItemBank, critical: frozenset[str], assignment: str, outcome: Any
) -> dict[str, Any]:
    """Write one outcome to the gradebook, then its result file (serialised: this process)."""
    _score_from_answers(bank, outcome)
    status = _status(outcome)
    student = outcome.student
    if status != "error":
        _write_gradebook(course, gb, assignment, student, outcome)
    score = sum(s or 0.0 for nb in outcome.scores.values() for s, _ in nb.values())
    max_score = bank.max_score
    marked = mark(
        score=score,
        max_score=max_score,
        pass_percent=bank.pass_percent,
        critical=critical,
        answers=outcome.answers,
        status=status,
    )
    result = {
        "student_id": student,
        "assignment": assignment,
        "status": status,
        "problems": outcome.tampered + outcome.problems,
        "score": marked.score,
        "max_score": marked.max_score,
        "percent": marked.percent,
        "passed": marked.passed,
        "critical_misses": list(marked.critical_misses),
        "item_scores": {gid: s for nb in outcome.scores.values() for gid, (s, _) in nb.items()},
        "answers": {k: v for k, v in outcome.answers.items() if _jsonable(v)},
        "fingerprint": outcome.fingerprint,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(outcome.seconds, 3),
    }
    path = course.result_file(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return result


def _score_from_answers(bank: ItemBank, outcome: Any) -> None:
    """Replace nbgrader's score of every item by the score of the answer actually written.

    nbgrader's hidden tests run in the learner's kernel, where learner code can fake them (an
    object equal to anything, a redefined ``type``). The authoritative score of each decision,
    choice and refer cell is the literal read from that item's own answer cell before anything
    ran (``outcome.answers``) compared with the key; a cell stopped by the timeout or deleted
    stays 0. For a literal answer this is exactly what the hidden test gives, so a disagreement
    means the kernel was tampered with: it is reported.
    """
    from course.grading.marking import item_score
    from course.grading.submission import NOT_SIMPLE

    gradeables = {g.grade_id: g for g in bank.gradeables}
    zeroed = set(outcome.zeroed)
    for scores in outcome.scores.values():
        for grade_id, (nbgrader_score, max_score) in scores.items():
            gradeable = gradeables.get(grade_id)
            if gradeable is None:
                continue
            answer = outcome.answers.get(gradeable.variable)
            score = 0.0 if grade_id in zeroed else item_score(gradeable, answer, max_score)
            if score != (nbgrader_score or 0.0) and answer != NOT_SIMPLE:
                outcome.problems.append(
                    f"{grade_id}: the notebook's test gave {nbgrader_score or 0:g} points, "
                    f"the written answer {score:g} (graded from the written answer)"
                )
            scores[grade_id] = (score, max_score)


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float)


def _write_gradebook(course: Course, gb: Any, assignment: str, student: str, outcome: Any) -> None:
    coursedir = course.coursedir
    timestamp = coursedir.get_existing_timestamp(str(course.submitted_dir(student, assignment)))
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
        submission = gb.update_or_create_submission(assignment, student, **extra)
    for nb in submission.notebooks:
        scores = outcome.scores.get(nb.name, {})
        comments = outcome.comments.get(nb.name, {})
        for grade in nb.grades:
            auto, _ = scores.get(grade.name, (0.0, 0.0))
            grade.auto_score = auto
            grade.needs_manual_grade = grade.manual_score is not None or auto is None
        for comment in nb.comments:
            comment.auto_comment = comments.get(comment.name)
    gb.db.commit()
