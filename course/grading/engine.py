"""Grade one submission in a worker process, with nbgrader's own preprocessors.

The worker never touches the gradebook: the parent takes a snapshot of what nbgrader's
``OverwriteCells`` and ``OverwriteKernelspec`` read from it (the source cells, with hidden
tests) and hands it to the worker; the worker returns the scores and the parent writes them,
one submission at a time. Each learner runs in a fresh kernel of their own; the next kernel is
started while the current one works (a warm pool), so start-up overlaps with grading.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    Execute,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
)
from traitlets.config import Config

from course.grading.submission import answer_variables, inspect, read_answers

#: Error names of a cell stopped by the per-cell timeout.
TIMEOUT_ERRORS = frozenset({"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"})


@dataclass(frozen=True)
class SourceCell:
    """What the gradebook knows of one source cell (hidden tests included)."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class GradedCell:
    name: str
    max_score: float


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook of the assignment: its gradebook cells and its released version."""

    name: str
    kernelspec: str | None
    source_cells: dict[str, SourceCell]
    graded_cells: dict[str, GradedCell]
    released: str  # the released notebook, JSON


@dataclass(frozen=True)
class AssignmentSpec:
    assignment: str
    notebooks: tuple[NotebookSpec, ...]


@dataclass(frozen=True)
class Job:
    student: str
    submitted_dir: str
    autograded_dir: str
    fingerprint: str


@dataclass
class Outcome:
    """What grading one submission produced; the parent stores it."""

    student: str
    status: str  # graded | invalid | error
    fingerprint: str
    problems: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    scores: dict[str, dict[str, tuple[float | None, float]]] = field(default_factory=dict)
    comments: dict[str, dict[str, str | None]] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    zeroed: list[str] = field(default_factory=list)
    timestamp: str | None = None
    seconds: float = 0.0


def fingerprint(submitted_dir: Path) -> str:
    """A hash of every file of a submission (names, sizes and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in submitted_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(submitted_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _SnapshotGradebook:
    """The read-only part of :class:`nbgrader.api.Gradebook` that the overwriters use."""

    def __init__(self, spec: NotebookSpec) -> None:
        self.spec = spec

    def __enter__(self) -> _SnapshotGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        try:
            return self.spec.source_cells[name]
        except KeyError:
            raise MissingEntry() from None

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCell:
        try:
            return self.spec.graded_cells[name]
        except KeyError:
            raise MissingEntry() from None


class SnapshotOverwriteCells(OverwriteCells):  # type: ignore[misc]
    """nbgrader's OverwriteCells, reading the source cells from a snapshot."""

    spec: NotebookSpec | None = None

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        assert self.spec is not None
        self.gradebook = _SnapshotGradebook(self.spec)
        return super(OverwriteCells, self).preprocess(nb, resources)  # type: ignore[no-any-return]


class KernelPool:
    """One fresh kernel per learner, the next one already starting (never reused)."""

    def __init__(self, config: Config, spare: bool = True) -> None:
        self.config = config
        self.spare = spare
        self._next: Any = None

    def _start(self) -> Any:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name="python3", config=self.config)
        env = dict(os.environ, NBGRADER_EXECUTION="autograde")
        # the kernel only logs errors: ipykernel warns on every start that its localhost TCP
        # sockets are not encrypted, noise in every autograde run
        arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
        run_sync(km.start_kernel)(extra_arguments=arguments, env=env)
        return km

    def take(self) -> Any:
        km = self._next if self._next is not None else self._start()
        self._next = self._start() if self.spare else None
        return km

    def discard(self, km: Any) -> None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # a learner's kernel may already be dead
            run_sync(km.shutdown_kernel)(now=True)

    def close(self) -> None:
        if self._next is not None:
            self.discard(self._next)
            self._next = None


_STATE: dict[str, Any] = {}


def init_worker(spec: AssignmentSpec, config: Config, warm: bool) -> None:
    """Per-process set-up of a grading worker."""
    import logging
    from multiprocessing import util

    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    _STATE["spec"] = spec
    _STATE["config"] = config
    pool = KernelPool(config, spare=warm)
    _STATE["pool"] = pool
    util.Finalize(pool, pool.close, exitpriority=10)


def grade(job: Job) -> Outcome:
    """Grade one submission; never raises (problems become the outcome's status)."""
    started = time.perf_counter()
    outcome = Outcome(student=job.student, status="graded", fingerprint=job.fingerprint)
    try:
        _grade(job, outcome)
    except Exception as exc:
        outcome.status = "error"
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        outcome.problems.append(f"could not be graded: {last}")
    outcome.seconds = time.perf_counter() - started
    return outcome


def _read(path: Path) -> Any:
    try:
        return nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _InvalidError(f"{path.name} is not a valid notebook ({reason[:120]})") from None


class _InvalidError(Exception):
    pass


def _grade(job: Job, outcome: Outcome) -> None:
    spec: AssignmentSpec = _STATE["spec"]
    config: Config = _STATE["config"]
    submitted = Path(job.submitted_dir)
    out_dir = Path(job.autograded_dir)
    timestamp_file = submitted / "timestamp.txt"
    if timestamp_file.is_file():
        outcome.timestamp = timestamp_file.read_text(encoding="utf-8").strip() or None

    notebooks: dict[str, Any] = {}
    for nb_spec in spec.notebooks:
        path = submitted / f"{nb_spec.name}.ipynb"
        if not path.is_file():
            outcome.status = "invalid"
            outcome.problems.append(f"{path.name} is missing from the submission")
            continue
        try:
            notebooks[nb_spec.name] = _read(path)
        except _InvalidError as exc:
            outcome.status = "invalid"
            outcome.problems.append(str(exc))
    if outcome.status == "invalid":
        return

    out_dir.mkdir(parents=True, exist_ok=True)
    if timestamp_file.is_file():
        (out_dir / "timestamp.txt").write_bytes(timestamp_file.read_bytes())
    for nb_spec in spec.notebooks:
        released = nbformat.reads(nb_spec.released, as_version=4)  # type: ignore[no-untyped-call]
        found = inspect(notebooks[nb_spec.name], released)
        outcome.tampered += found.tampered
        outcome.problems += found.flagged
        nb = found.notebook
        # read here, before anything runs: the learner's kernel never decides an answer
        answers, problems = read_answers(nb, answer_variables(released))
        outcome.answers.update(answers)
        outcome.problems += problems
        resources: dict[str, Any] = {
            "metadata": {"path": str(out_dir)},
            "nbgrader": {
                "notebook": nb_spec.name,
                "assignment": spec.assignment,
                "student": job.student,
                "db_url": "snapshot://",
            },
        }
        nb = _sanitize(nb, resources, nb_spec, config)
        nb = _execute(nb, resources, config)
        scores: dict[str, tuple[float | None, float]] = {}
        comments: dict[str, str | None] = {}
        timed_out = _timed_out_answers(nb)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if utils.is_grade(cell):
                scores[grade_id] = utils.determine_grade(cell)
            if utils.is_solution(cell):
                same = meta.get("checksum") == utils.compute_checksum(cell)
                comments[grade_id] = "No response." if same else None
        for answer_id in timed_out:
            outcome.problems.append(f"answer cell {answer_id} ran too long and was stopped")
        zero = _items_of(nb, timed_out | set(found.deleted_answers))
        for grade_id in zero:
            if grade_id in scores and scores[grade_id][0]:
                scores[grade_id] = (0.0, scores[grade_id][1])
        outcome.zeroed += sorted(zero)
        outcome.scores[nb_spec.name] = scores
        outcome.comments[nb_spec.name] = comments
        text = nbformat.writes(nb)  # type: ignore[no-untyped-call]
        _write_atomic(out_dir / f"{nb_spec.name}.ipynb", text)


def _sanitize(nb: Any, resources: Any, spec: NotebookSpec, config: Config) -> Any:
    overwrite = SnapshotOverwriteCells(config=config)
    overwrite.spec = spec
    for pp in (ClearOutput(config=config), DeduplicateIds(config=config), overwrite):
        nb, resources = pp(nb, resources)
    if spec.kernelspec:
        nb.metadata["kernelspec"] = json.loads(spec.kernelspec)
    nb, resources = CheckCellMetadata(config=config)(nb, resources)
    return nb


def _execute(nb: Any, resources: Any, config: Config) -> Any:
    pool: KernelPool | None = _STATE.get("pool")
    execute = Execute(config=config)
    km = pool.take() if pool is not None else None
    try:
        with utils.setenv(NBGRADER_EXECUTION="autograde"):
            nb, resources = execute.preprocess(nb, resources, km=km)
    finally:
        if km is not None:
            if execute.kc is not None:
                execute.kc.stop_channels()
            assert pool is not None
            pool.discard(km)
    for pp in (
        IgnorePattern(config=config),
        LimitOutput(config=config),
        CheckCellMetadata(config=config),
    ):
        nb, resources = pp(nb, resources)
    return nb


def _timed_out_answers(nb: Any) -> set[str]:
    stopped = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or not utils.is_solution(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in TIMEOUT_ERRORS:
                stopped.add(cell.metadata["nbgrader"]["grade_id"])
    return stopped


def _items_of(nb: Any, answer_ids: set[str]) -> set[str]:
    """The grade cells that follow each answer cell (its item's tests)."""
    zero: set[str] = set()
    current: str | None = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            current = meta.get("grade_id")
        elif meta.get("grade") and current in answer_ids:
            zero.add(meta["grade_id"])
    return zero


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
