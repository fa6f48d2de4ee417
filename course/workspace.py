"""The learner's own working copy of the notebooks, which course updates never overwrite."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course.content.resources import notebooks_dir
from course.errors import WorkspaceError

_MANIFEST = ".ankle-course.json"
WORKSPACE_ENV = "ANKLE_COURSE_HOME"
# the course's own Jupyter config folder for `ankle-course lab` (hidden in the course folder)
LAB_CONFIG_FOLDER = ".ankle-course-jupyter"


def default_workspace() -> Path:
    """``$ANKLE_COURSE_HOME``, or ``~/ankle-course``."""
    return Path(os.environ.get(WORKSPACE_ENV) or Path.home() / "ankle-course").expanduser()


@dataclass
class SyncReport:
    """What :func:`sync_workspace` did, notebook by notebook."""

    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def sync_workspace(
    workspace: Path, source: Path | None = None, extra: Sequence[Path] = ()
) -> SyncReport:
    """Copy the course notebooks into ``workspace`` without ever losing a learner's edits.

    A missing notebook is copied. A notebook the learner never changed is refreshed when the
    course ships a new version. A notebook the learner changed is kept as it is, and the new
    version is saved beside it as ``NAME.updated.ipynb``. ``extra`` notebooks (for example the
    explorers app on the hub) are kept the same way.

    Raises :class:`~course.errors.WorkspaceError` (an ``OSError``) with a one-line message
    when the notebooks are missing or the folder cannot be created or written.
    """
    source = source or notebooks_dir()
    if not source.is_dir():
        raise WorkspaceError(f"the course notebooks are missing: {source}")
    try:
        workspace.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = f"cannot create the course folder {workspace}: {exc.strerror}"
        raise WorkspaceError(problem) from None
    try:
        return _sync(workspace, source, extra)
    except OSError as exc:
        where = exc.filename or workspace
        problem = f"cannot update the course folder {workspace}: {where}: {exc.strerror}"
        raise WorkspaceError(problem) from None


def _sync(workspace: Path, source: Path, extra: Sequence[Path]) -> SyncReport:
    manifest_path = workspace / _MANIFEST
    shipped_before = _read_manifest(manifest_path)
    report = SyncReport()
    manifest: dict[str, str] = {}
    for notebook in [*sorted(source.glob("*.ipynb")), *extra]:
        name = notebook.name
        target = workspace / name
        shipped = _digest(notebook)
        manifest[name] = shipped
        if not target.exists():
            shutil.copyfile(notebook, target)
            report.copied.append(name)
            continue
        current = _digest(target)
        if current == shipped:
            report.kept.append(name)
        elif current == shipped_before.get(name):
            shutil.copyfile(notebook, target)
            report.updated.append(name)
        else:
            newer = target.with_suffix(".updated.ipynb")
            shutil.copyfile(notebook, newer)
            report.kept.append(name)
            report.new_versions.append(newer.name)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, manifest_path)
    return report


def lab_command(
    workspace: Path,
    *,
    port: int | None = None,
    open_browser: bool = True,
    as_root: bool | None = None,
    python: str | None = None,
) -> list[str]:
    """The ``jupyter lab`` command that opens the welcome notebook in ``workspace``, as a
    self-paced learner's JupyterLab (:data:`course.roles.SELF_PACED`; run it with
    :func:`lab_environment`)."""
    from course.roles import SELF_PACED

    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = [
        python or sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={workspace}",
        "--LabApp.default_url=/lab/tree/00_welcome.ipynb",
        *SELF_PACED.server_args(),
    ]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if as_root:
        command.append("--allow-root")
    return command


def lab_environment(workspace: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for :func:`lab_command`: the self-paced learner's config folder (written
    into ``workspace``) first on ``JUPYTER_CONFIG_PATH``, for that process only.

    Raises :class:`~course.errors.WorkspaceError` when that folder cannot be written."""
    from course.roles import SELF_PACED, with_config_path

    try:
        folder = SELF_PACED.write_config_dir(workspace / LAB_CONFIG_FOLDER, mode=0o700)
    except OSError as exc:
        raise WorkspaceError(
            f"cannot write the course's JupyterLab settings in {workspace}: {exc.strerror}"
        ) from None
    return with_config_path(dict(os.environ if env is None else env), folder)
