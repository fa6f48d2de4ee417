"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import file_order
import isolation
import pytest

REPO = Path(__file__).resolve().parent.parent

# The session's scratch data folder, set before any fixture, and the guard of the real one.
pytest_configure = isolation.pytest_configure
pytest_sessionfinish = isolation.pytest_sessionfinish
pytest_terminal_summary = isolation.pytest_terminal_summary
pytest_unconfigure = isolation.pytest_unconfigure

# Under pytest-xdist, the longest test files first (file_order.py; make test's pytest line).
pytest_collection_modifyitems = file_order.pytest_collection_modifyitems


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test its own progress file and course folder (the session's are in
    ``isolation.py``, set before any fixture: this one is function-scoped)."""
    home = tmp_path_factory.mktemp("learner")
    saved = {k: os.environ.get(k) for k in ("ANKLE_COURSE_PROGRESS", "ANKLE_COURSE_HOME")}
    os.environ["ANKLE_COURSE_PROGRESS"] = str(home / "progress.json")
    os.environ["ANKLE_COURSE_HOME"] = str(home / "ankle-course")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged content folder."""
    from course.content.resources import content_dir

    target = tmp_path / "content"
    shutil.copytree(content_dir(), target)
    return target


@pytest.fixture(scope="session")
def released_course(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """``released_course(target)``: a copy of the course at ``target`` with safety_scenarios
    released, as ``copy_course`` and ``ankle-course grade release`` leave it (gradebook and
    all). The release runs once per session (per xdist worker), at the first call, and each
    call copies it: the grading modules that start from it need not release it again."""
    from handin import copy_course, grade

    made: list[Path] = []

    def copy(target: Path) -> Path:
        if not made:
            course = copy_course(tmp_path_factory.mktemp("released") / "course")
            done = grade(course, "release", "safety_scenarios")
            assert done.returncode == 0, done.stderr
            made.append(course)
        shutil.copytree(made[0], target)
        return target

    return copy


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per test session (test_packaging, test_grading)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("ankle_course-*.whl")
    return built
