"""The test session never reaches the real learner's progress file or course folder.

``tests/isolation.py`` points the course's and Jupyter's data locations at a scratch folder
before any fixture runs, and fails a session that touched the real ones anyway. These tests
check both halves: what fixtures, subprocesses and kernels of this session resolve, and that a
session which does write the real progress file (through a subprocess with an environment of
its own) fails and names the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from isolation import GUARD_ENV, REAL_ENV, SCRATCH_ENV, changes, snapshot
from kernels import this_python_kernel

from course.progress.store import ProgressStore, default_path
from course.workspace import default_workspace

HERE = Path(__file__).resolve().parent
_WHERE = (
    "from course.progress.store import default_path; from course.workspace import "
    "default_workspace; from jupyter_core.paths import jupyter_data_dir; "
    "print(default_path()); print(default_workspace()); print(jupyter_data_dir())"
)


def _real() -> tuple[Path, Path]:
    progress, home = os.environ[REAL_ENV].split(os.pathsep)
    return Path(progress), Path(home)


def _outside_the_real(path: Path) -> None:
    progress, home = _real()
    assert path.resolve() != progress.resolve()
    assert progress.parent.resolve() not in [path.resolve(), *path.resolve().parents]
    assert home.resolve() not in [path.resolve(), *path.resolve().parents]


@pytest.fixture(scope="module")
def resolved_in_a_module_fixture() -> tuple[Path, Path]:
    """Module fixtures run before the per-test progress fixture: what do they see?"""
    return default_path(), default_workspace()


def test_fixtures_of_any_scope_see_the_scratch_data(
    resolved_in_a_module_fixture: tuple[Path, Path],
) -> None:
    scratch = Path(os.environ[SCRATCH_ENV])
    for path in resolved_in_a_module_fixture:
        _outside_the_real(path)
        assert scratch in path.parents
    _outside_the_real(default_path())
    _outside_the_real(default_workspace())


def test_subprocesses_and_servers_inherit_it() -> None:
    """A CLI or a server started with this environment (as every test starts them)."""
    out = subprocess.run(
        [sys.executable, "-c", _WHERE], capture_output=True, text=True, check=True
    ).stdout
    progress, workspace, data = (Path(line) for line in out.split())
    for path in (progress, workspace, data):
        _outside_the_real(path)
    assert progress == Path(os.environ["ANKLE_COURSE_PROGRESS"])  # this test's own
    assert workspace == Path(os.environ["ANKLE_COURSE_HOME"])
    assert Path(os.environ[SCRATCH_ENV]) in data.parents  # the session's


@pytest.mark.slow
def test_a_kernel_started_by_nbclient_writes_the_scratch_progress(tmp_path: Path) -> None:
    from nbclient import NotebookClient

    before = snapshot(*_real())
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from course import lesson\nlesson.section('00_welcome', 'about')"
            )
        ]
    )
    env = {**os.environ, "JUPYTER_PATH": str(this_python_kernel(tmp_path))}
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(env=env)
    assert notebook.cells[0].outputs, "the section marker showed nothing"
    store = ProgressStore()  # this test's own file (conftest.py), as the kernel's was
    assert store.path == Path(os.environ["ANKLE_COURSE_PROGRESS"])
    assert "about" in store.read().lessons["00_welcome"].sections
    assert changes(before, snapshot(*_real())) == []


# --- the guard: a session that writes the real progress file fails ------------------------

_LEAK = """
import os, subprocess, sys

def test_writes_through_a_subprocess_with_its_own_environment():
    code = ("from course.progress.store import ProgressStore;"
            "ProgressStore().open_section('00_welcome', 'about')")
    env = {"HOME": os.environ["HOME"], "PATH": os.environ["PATH"]}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
"""
_CLEAN = """
from course.progress.store import ProgressStore

def test_writes_the_progress_file_it_is_given():
    ProgressStore().open_section('00_welcome', 'about')
"""


def _session(
    tmp_path: Path, test_source: str, **extra_env: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """A pytest session with the guard, in a folder of its own, with ``home`` as HOME."""
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (project / "conftest.py").write_text(
        "import isolation\n"
        "pytest_configure = isolation.pytest_configure\n"
        "pytest_sessionfinish = isolation.pytest_sessionfinish\n"
        "pytest_terminal_summary = isolation.pytest_terminal_summary\n"
        "pytest_unconfigure = isolation.pytest_unconfigure\n",
        encoding="utf-8",
    )
    (project / "test_it.py").write_text(textwrap.dedent(test_source), encoding="utf-8")
    ours = {SCRATCH_ENV, REAL_ENV, "ANKLE_COURSE_PROGRESS", "ANKLE_COURSE_HOME"}
    drop = ours | {GUARD_ENV, "JUPYTER_DATA_DIR", "XDG_DATA_HOME", "JUPYTER_PLATFORM_DIRS"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
    env.update({"HOME": str(home), "PYTHONPATH": str(HERE), "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(extra_env)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"),
            *("--basetemp", str(tmp_path / "basetemp"), "test_it.py"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, home / ".local" / "share" / "jupyter" / "ankle-course" / "progress.json"


@pytest.mark.slow
def test_a_session_that_writes_the_real_progress_file_fails(tmp_path: Path) -> None:
    done, real = _session(tmp_path, _LEAK)
    assert real.is_file()  # the leak happened: the learner's file of that HOME was written
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert "1 passed" in done.stdout  # the test itself passed: the guard failed the run
    assert "the real learner data was touched" in done.stdout
    assert f"created: {real}" in done.stdout


@pytest.mark.slow
def test_a_developer_using_the_course_meanwhile_may_ask_for_a_warning(tmp_path: Path) -> None:
    done, real = _session(tmp_path, _LEAK, **{GUARD_ENV: "warn"})
    assert real.is_file()
    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr
    assert f"created: {real}" in done.stdout
    assert f"a warning only: {GUARD_ENV}=warn" in done.stdout


@pytest.mark.slow
def test_a_session_that_keeps_to_its_scratch_data_passes(tmp_path: Path) -> None:
    done, real = _session(tmp_path, _CLEAN)
    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr
    assert not real.exists()
    assert not real.parent.exists()
    assert "the real learner data was touched" not in done.stdout
