"""Keep the whole test session away from the real learner's data, and fail a run that is not.

A learner's progress lives in ``<Jupyter data dir>/ankle-course/progress.json`` (or
``$ANKLE_COURSE_PROGRESS``) and their course folder in ``~/ankle-course`` (or
``$ANKLE_COURSE_HOME``). Before any fixture runs, :func:`pytest_configure` points
``ANKLE_COURSE_PROGRESS``, ``ANKLE_COURSE_HOME`` and ``JUPYTER_DATA_DIR`` (so also Jupyter's
runtime files) at one scratch folder for the session. Everything the tests start inherits
them: session- and module-scoped fixtures, xdist workers, kernels started by nbclient,
JupyterLab and Voila servers and their kernels, CLI subprocesses. (``conftest.py`` still gives
each test its own progress file.)

:func:`pytest_sessionfinish` then compares the real locations with how they were when the
session started; a run that created, changed or deleted anything there fails, naming it. That
catches what the environment cannot: a subprocess started with an environment of its own (one
without these variables) that writes the learner's real files. A developer who practises in
their own JupyterLab while the tests run sets ``ANKLE_COURSE_TEST_GUARD=warn`` (their kernels
write the real file too); CI never does.

``conftest.py`` imports these hooks; ``tests/test_isolation.py`` runs a session that leaks on
purpose and sees it fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The session's scratch folder; set once by the controlling process, inherited by the rest.
SCRATCH_ENV = "ANKLE_COURSE_TEST_SCRATCH"
#: The real locations (os.pathsep-separated), as the controlling process found them.
REAL_ENV = "ANKLE_COURSE_TEST_REAL"
#: ``warn``: report a touched real location without failing the run (for a developer who uses
#: the course in JupyterLab while the tests run: their own kernels write the real file).
GUARD_ENV = "ANKLE_COURSE_TEST_GUARD"
PROGRESS_ENV = "ANKLE_COURSE_PROGRESS"
HOME_ENV = "ANKLE_COURSE_HOME"

Snapshot = dict[str, tuple[int, int, int] | None]


def real_locations() -> tuple[Path, Path]:
    """(the progress file, the course folder) as a learner with this environment has them."""
    from jupyter_core.paths import jupyter_data_dir

    progress = os.environ.get(PROGRESS_ENV)
    progress_path = (
        Path(progress).expanduser()
        if progress
        else Path(jupyter_data_dir()) / "ankle-course" / "progress.json"
    )
    home = os.environ.get(HOME_ENV)
    home_path = Path(home).expanduser() if home else Path.home() / "ankle-course"
    return progress_path, home_path


def snapshot(progress: Path, home: Path) -> Snapshot:
    """What is at the real locations: the progress file with its lock, temporary and backup
    files beside it, and the course folder's entries (path -> inode, size, mtime or None)."""
    found: Snapshot = {}

    def stat(path: Path) -> None:
        try:
            info = path.stat()
        except OSError:
            found[str(path)] = None
            return
        found[str(path)] = (info.st_ino, info.st_size, info.st_mtime_ns)

    stat(progress)
    if progress.parent.is_dir():
        for entry in progress.parent.iterdir():
            if entry.name.startswith((progress.name, f".{progress.name}")):
                stat(entry)
    stat(home)
    if home.is_dir():
        for entry in home.iterdir():
            stat(entry)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """One line per path created, changed or removed between two snapshots."""
    lines = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        if old is None:
            lines.append(f"created: {path}")
        elif new is None:
            lines.append(f"removed: {path}")
        else:
            lines.append(f"changed: {path}")
    return lines


@dataclass
class _Guard:
    progress: Path
    home: Path
    before: Snapshot
    scratch: Path
    touched: list[str]


_GUARD = pytest.StashKey[_Guard]()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(SCRATCH_ENV):  # an xdist worker: the controller did it already
        return
    progress, home = real_locations()
    scratch = Path(tempfile.mkdtemp(prefix="ankle-test-data-"))
    os.environ[REAL_ENV] = os.pathsep.join([str(progress), str(home)])
    os.environ[SCRATCH_ENV] = str(scratch)
    os.environ[PROGRESS_ENV] = str(scratch / "progress.json")
    os.environ[HOME_ENV] = str(scratch / "ankle-course")
    os.environ["JUPYTER_DATA_DIR"] = str(scratch / "jupyter-data")
    if not _is_worker(config):
        config.stash[_GUARD] = _Guard(progress, home, snapshot(progress, home), scratch, [])


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    guard = session.config.stash.get(_GUARD, None)
    if guard is None:
        return
    guard.touched = changes(guard.before, snapshot(guard.progress, guard.home))
    if guard.touched and os.environ.get(GUARD_ENV) != "warn":
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    guard = terminalreporter.config.stash.get(_GUARD, None)
    if guard is None or not guard.touched:
        return
    terminalreporter.section("the real learner data was touched", sep="!", red=True, bold=True)
    terminalreporter.line(
        "A test (or a process it started with an environment of its own) reached the real "
        "learner's files; start it with the session's ANKLE_COURSE_PROGRESS, "
        "ANKLE_COURSE_HOME and JUPYTER_DATA_DIR (tests/isolation.py):",
        red=True,
    )
    for line in guard.touched:
        terminalreporter.line(f"  {line}", red=True)
    if os.environ.get(GUARD_ENV) == "warn":
        terminalreporter.line(f"(a warning only: {GUARD_ENV}=warn)", yellow=True)
    else:
        terminalreporter.line(
            f"The run fails. If you were using the course yourself meanwhile (your own kernels "
            f"write these files), run again, or set {GUARD_ENV}=warn.",
            red=True,
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(_GUARD, None)
    if guard is not None:
        shutil.rmtree(guard.scratch, ignore_errors=True)
