"""Autograde every submission of an assignment: parallel workers, serialised gradebook writes.

Workers (``course.grading.autograde.engine``) mark submissions in parallel processes with the
course's nbgrader preprocessors and never open the gradebook; this process records each one
(:func:`course.grading.marking.record.record`, the same writer nbgrader's pipeline uses) to the
gradebook, then to a result file beside the autograded notebook, one submission at a time. A
result file is written last, so a run that is killed part-way is simply run again: finished
submissions are skipped (their files have not changed), unfinished ones are graded. A
submission already graded by plain ``nbgrader autograde`` or formgrader has the same result
file, so it is skipped too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from course.errors import GradingError
from course.grading.course import Course


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

    from course.grading.autograde.engine import AssignmentSpec, GradedCell, NotebookSpec, SourceCell

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
    if len(notebooks) != 1:
        raise GradingError(
            f"assignment {assignment!r} has {len(notebooks)} notebooks in the gradebook; "
            "the course marking needs exactly one per assignment (its item bank's)"
        )
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
    from course.grading.autograde import engine
    from course.grading.marking.files import bank_of
    from course.grading.marking.record import fingerprint

    bank_of(course.root, assignment)  # a broken item bank stops here, before any work
    engine.pipeline(course.config)  # so does a configuration that would run learner code
    spec = assignment_spec(course, assignment)
    wanted = list(students) if students is not None else course.submitted_students(assignment)

    summary = Summary()
    todo: list[engine.Job] = []
    for student in wanted:
        submitted = course.submitted_dir(student, assignment)
        if not submitted.is_dir():
            raise GradingError(f"no submission of {assignment!r} from student {student!r}")
        fp = fingerprint(submitted)
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
        result = _store(course, gradebooks[0], assignment, outcome)
        summary.graded.append(result)
        if on_result is not None:
            on_result(result)

    workers = min(jobs, len(todo))
    bar = _progress(len(todo), assignment, progress)
    try:
        if workers == 1:
            engine.init_worker(spec, course.config, course.db_url)
            for job in todo:
                store(engine.grade(job))
                bar.update(1)
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
    from concurrent.futures import as_completed

    from course.grading.autograde import engine

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=engine.init_worker,
        initargs=(spec, course.config, course.db_url),
    ) as executor:
        futures: dict[Future[Any], Any] = {executor.submit(engine.grade, j): j for j in todo}
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


def _store(course: Course, gb: Any, assignment: str, outcome: Any) -> dict[str, Any]:
    """Record one outcome: the gradebook, then its result file (serialised: this process)."""
    from course.grading.marking.record import record, record_ungradable

    if outcome.status != "ready":
        return record_ungradable(
            gb if outcome.status == "invalid" else None,
            course.config,
            assignment,
            outcome.student,
            outcome.status,
            outcome.problems,
            outcome.fingerprint,
        )
    result: dict[str, Any] = {}
    for name, nb in outcome.notebooks.items():
        resources = {
            "metadata": {"path": str(course.autograded_dir(outcome.student, assignment))},
            "nbgrader": {
                "notebook": name,
                "assignment": assignment,
                "student": outcome.student,
                "db_url": course.db_url,
            },
        }
        result = record(gb, nb, resources, course.config)
    return result
