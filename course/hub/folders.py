"""The folders a class setup creates, checks or closes, and the modes it gives them.

Every folder setup makes or changes is recorded in the :class:`~course.hub.state.HubState`,
so teardown undoes exactly that.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import stat
import sys
import sysconfig
from pathlib import Path

from course.errors import HubSetupError
from course.hub.state import (
    HubState,
    hub_paths,
)

__all__ = [
    "check_folders",
    "close_to_others",
    "course_private_paths",
    "default_course_source",
    "folder_problem",
    "make_dir",
    "make_folders",
    "runtime_paths",
]

# in the course folder setup copies from: answer keys, hidden tests, grades, learners' work
_PRIVATE_IN_SOURCE = ("source", "submitted", "autograded", "feedback", "refused")
_PRIVATE_SUFFIXES = (".db", ".db-journal", ".db-wal", ".db-shm", ".sqlite")


def runtime_paths() -> list[Path]:
    """What a learner's server must reach: the interpreter, the environment, the packages."""
    paths = [
        Path(sys.executable),
        Path(sys.executable).resolve(),
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sysconfig.get_paths()["purelib"]),
        Path(sysconfig.get_paths()["stdlib"]),
    ]
    for package in ("course", "nbgrader", "jupyterhub", "jupyterlab"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            paths.extend(Path(p) for p in spec.submodule_search_locations)
    return paths


def default_course_source() -> Path:
    """The course's nbgrader folder: ``grading/`` in a checkout (beside the package)."""
    spec = importlib.util.find_spec("course")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise HubSetupError("cannot locate the course package")
    candidate = Path(next(iter(spec.submodule_search_locations))).parent / "grading"
    if not (candidate / "source").is_dir():
        raise HubSetupError(
            "no course folder found beside the package; pass --course-dir (the nbgrader course "
            "folder with source/ and nbgrader_config.py)"
        )
    return candidate


def course_private_paths(source: Path) -> list[Path]:
    """What must stay closed to learners in the course folder setup copies from.

    ``source/`` (item data with the answer keys, source notebooks with hidden tests), the
    gradebook files, nbgrader's folders of learners' work and, when the folder is in a git
    checkout, the checkout's ``.git`` (the keys are in its history). Only existing paths,
    never symlinks.
    """
    candidates = [source / name for name in _PRIVATE_IN_SOURCE]
    candidates += sorted(p for p in source.iterdir() if p.name.endswith(_PRIVATE_SUFFIXES))
    repo = next((d for d in [source, *source.parents] if os.path.lexists(d / ".git")), None)
    if repo is not None:
        candidates.append(repo / ".git")
    return [p for p in candidates if os.path.lexists(p) and not p.is_symlink()]


def close_to_others(paths: list[Path], state: HubState) -> list[str]:
    """``chmod o-rwx`` each path that others may use; record its mode for teardown."""
    closed = []
    for path in paths:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if mode & 0o007:
            state.closed_modes.setdefault(str(path), mode)
            os.chmod(path, mode & ~0o007)
            closed.append(str(path))
    return closed


def folder_problem(path: Path, mode: int, uid: int | None = None) -> str | None:
    """Why an existing folder that setup did not create cannot be used as it is (or None).

    Setup never changes the mode of a folder it did not create: it must already be right.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return f"{path} exists and is not a folder (or is a symlink); choose another path"
    current = stat.S_IMODE(info.st_mode)
    owner = "" if uid is None else f" owned by {pwd.getpwuid(uid).pw_name}"
    if current != mode or (uid is not None and info.st_uid != uid):
        return (
            f"{path} already exists with mode {current:04o}; setup changes only folders it "
            f"creates and this one needs mode {mode:04o}{owner}: choose a new folder, or set "
            f"it yourself (chmod {mode:04o} {path})"
        )
    return None


def make_folders(path: Path, state: HubState) -> None:
    """Create ``path`` and any missing parents, recording each one created."""
    missing = [p for p in [path, *path.parents] if not os.path.lexists(p)]
    for folder in reversed(missing):
        folder.mkdir()
        state.created_paths.append(str(folder))


def make_dir(path: Path, mode: int, state: HubState, *, owner: str | None = None) -> None:
    """Create ``path`` (recording it) with ``mode`` and ``owner``; an existing folder that this
    setup did not create is used only if it already has them."""
    if os.path.lexists(path) and str(path) not in state.created_paths:
        uid = pwd.getpwnam(owner or "root").pw_uid
        problem = folder_problem(path, mode, uid)
        if problem:
            raise HubSetupError(problem)
        return
    make_folders(path, state)
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(path, mode)


def check_folders(state: HubState, hub_dir: Path) -> None:
    """Refuse before anything is created if an existing folder setup would use is not right."""
    paths = hub_paths(hub_dir)
    exchange = Path(state.exchange_root)
    for path, mode in (
        (hub_dir, 0o755),
        (paths["secrets"], 0o700),
        (paths["runtime"], 0o700),
        (exchange, 0o1777),
    ):
        if str(path) not in state.created_paths:
            problem = folder_problem(path, mode, 0)
            if problem:
                raise HubSetupError(problem)
