"""Mark one submission in a worker process, with the course's nbgrader preprocessors.

The worker runs exactly the preprocessors ``grading/nbgrader_config.py`` gives nbgrader
(``Autograde.sanitize_preprocessors`` then ``Autograde.autograde_preprocessors``), so it marks
as plain ``nbgrader autograde`` and formgrader do, with two differences that change no result:
nbgrader's ``OverwriteCells`` and ``OverwriteKernelspec`` read a snapshot of the gradebook the
parent took (workers never open it), and ``RecordResult`` runs in the parent, one submission at
a time (:func:`course.grading.marking.record.record`). No learner code runs: the configuration marks
answers statically; one that still names nbgrader's ``Execute`` (or its gradebook writers) is
refused with a clear message.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import (
    AssignLatePenalties,
    Execute,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

from course.errors import GradingError
from course.grading.preprocessors import RecordResult


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
    """What marking one submission produced; the parent records it."""

    student: str
    status: str  # ready (to record) | invalid | error
    fingerprint: str
    problems: list[str] = field(default_factory=list)
    notebooks: dict[str, Any] = field(default_factory=dict)  # name -> marked notebook
    seconds: float = 0.0


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


class SnapshotOverwriteKernelspec(OverwriteKernelspec):  # type: ignore[misc]
    """nbgrader's OverwriteKernelspec, reading the source kernelspec from a snapshot."""

    spec: NotebookSpec | None = None

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        assert self.spec is not None
        if self.spec.kernelspec:
            kernelspec = json.loads(self.spec.kernelspec)
            if kernelspec:
                nb.metadata["kernelspec"] = kernelspec
        return nb, resources


#: nbgrader preprocessors that run learner code or write the gradebook from a worker.
REFUSED = (Execute, SaveAutoGrades, AssignLatePenalties)


def _classes(config: Config, name: str) -> list[type]:
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    configured = config.Autograde.get(name)
    if configured is None:
        configured = Autograde.class_traits()[name].make_dynamic_default()
    return [import_item(c) if isinstance(c, str) else c for c in configured]


def pipeline(config: Config) -> tuple[list[type], list[type]]:
    """The configured sanitize and autograde preprocessors, checked for a worker."""
    sanitize = _classes(config, "sanitize_preprocessors")
    autograde = _classes(config, "autograde_preprocessors")
    for cls in sanitize + autograde:
        if issubclass(cls, REFUSED):
            raise GradingError(
                f"nbgrader_config.py configures nbgrader's {cls.__name__}: the course marks "
                "answers without running them; use the preprocessors of course.grading."
                "preprocessors (see docs/grading.md)"
            )
    if not any(issubclass(cls, RecordResult) for cls in autograde):
        raise GradingError(
            "nbgrader_config.py: Autograde.autograde_preprocessors has no RecordResult, "
            "so no result would be recorded (see docs/grading.md)"
        )
    return sanitize, [c for c in autograde if not issubclass(c, RecordResult)]


class _CompiledJsonSchema:
    """``jsonschema`` as nbgrader's metadata checks (CheckCellMetadata) use it, with each
    schema compiled once (``fastjsonschema``): nbgrader calls ``jsonschema.validate``, which
    re-checks the schema itself for every cell, most of the time of marking a notebook. A
    cell the compiled check rejects goes through ``jsonschema.validate`` itself, so the same
    cells pass and the same error is raised."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self._compiled: dict[str, Any] = {}

    def validate(self, instance: Any, schema: Any) -> None:
        import fastjsonschema

        key = json.dumps(schema, sort_keys=True)
        check = self._compiled.get(key)
        if check is None:
            check = self._compiled[key] = fastjsonschema.compile(schema)
        try:
            check(instance)
        except fastjsonschema.JsonSchemaException:
            self._module.validate(instance, schema)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _compile_metadata_schema() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CompiledJsonSchema):
        common.jsonschema = _CompiledJsonSchema(common.jsonschema)


_STATE: dict[str, Any] = {}


def init_worker(spec: AssignmentSpec, config: Config, db_url: str) -> None:
    """Per-process set-up of a marking worker."""
    import logging

    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    _STATE["spec"] = spec
    _STATE["config"] = config
    _STATE["db_url"] = db_url
    _STATE["pipeline"] = pipeline(config)
    _compile_metadata_schema()


def grade(job: Job) -> Outcome:
    """Mark one submission; never raises (problems become the outcome's status)."""
    started = time.perf_counter()
    outcome = Outcome(student=job.student, status="ready", fingerprint=job.fingerprint)
    try:
        _grade(job, outcome)
    except GradingError as exc:
        outcome.status = "error"
        outcome.problems.append(f"could not be graded: {exc}")
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
    sanitize, autograde = _STATE["pipeline"]
    submitted = Path(job.submitted_dir)
    out_dir = Path(job.autograded_dir)

    notebooks: dict[str, Any] = {}
    for nb_spec in spec.notebooks:
        path = submitted / f"{nb_spec.name}.ipynb"
        if path.is_symlink() or not path.is_file():
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
    timestamp_file = submitted / "timestamp.txt"
    if timestamp_file.is_file() and not timestamp_file.is_symlink():
        _write_atomic(out_dir / "timestamp.txt", timestamp_file.read_bytes())
    for nb_spec in spec.notebooks:
        resources: dict[str, Any] = {
            "metadata": {"path": str(out_dir)},
            "nbgrader": {
                "notebook": nb_spec.name,
                "assignment": spec.assignment,
                "student": job.student,
                "db_url": _STATE["db_url"],
            },
        }
        nb = notebooks[nb_spec.name]
        for cls in [*sanitize, *autograde]:
            if issubclass(cls, OverwriteCells):
                pp: Any = SnapshotOverwriteCells(config=config)
                pp.spec = nb_spec
            elif issubclass(cls, OverwriteKernelspec):
                pp = SnapshotOverwriteKernelspec(config=config)
                pp.spec = nb_spec
            else:
                pp = cls(config=config)
            nb, resources = pp(nb, resources)
        text = nbformat.writes(nb)  # type: ignore[no-untyped-call]
        _write_atomic(out_dir / f"{nb_spec.name}.ipynb", text.encode("utf-8"))
        outcome.notebooks[nb_spec.name] = nb


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all. Replacing (never writing into) the file also works
    where plain ``nbgrader autograde`` left it read-only (0444) for a user who is not root."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
