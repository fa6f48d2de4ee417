"""What each kind of person's JupyterLab loads, set only for the servers the course launches.

Three roles:

* ``self_paced``: a learner on their own (``ankle-course lab``): the lessons, no nbgrader at
  all (no exchange, no assignments to validate), no news prompt;
* ``hub_learner``: a learner's server on the class hub: the Assignments tab, and Validate on
  their graded assessments only (not on the lessons); nothing of the instructor's
  (Formgrader, Create Assignment, the course list), no news prompt; Voila stays, for the
  explorers app, loaded at its first request;
* ``instructor``: everything.

A role is applied with JupyterLab's own mechanisms, scoped to one launch; nothing in the
person's ``~/.jupyter`` changes:

* server extensions off on that server's command line (``--ServerApp.jpserver_extensions``),
  which also makes the server start faster (nothing a learner does not use is imported); a
  hub learner's nbgrader extensions load at their first request (:mod:`course.lazy_nbgrader`);
* lab plugins off through ``labconfig/page_config.json`` (``disabledExtensions``) in a config
  folder the course owns, added to that process's ``JUPYTER_CONFIG_PATH`` only;
* the news feed and update check off with ``--LabApp.news_url=`` and
  ``--LabApp.check_for_updates_class``, and the read-only extension manager
  (``--LabApp.extension_manager=readonly``: it lists what is installed and asks PyPI nothing);
* a stylesheet as JupyterLab's ``custom.css`` (``LabApp.custom_css``, served from the
  folder's ``custom/``: the ``static_custom_path`` of ``ServerApp.tornado_settings``), set in
  a ``jupyter_server_config.json`` of the same folder: a hub learner's lessons show no
  Validate button, their graded assessments do (``course/lab_static/hub_learner.css``);
* default settings for the learner roles, as JupyterLab's settings overrides: the folder's
  ``lab/settings`` is that server's ``LabApp.app_settings_dir``, holding the environment's own
  overrides and page config (copied, so they still apply and still win) and the course's
  ``overrides.d/ankle-course.json``. Notebook windowing is ``none``: the lessons are short,
  and JupyterLab's default (``contentVisibility``) made Run All of lesson 01 take 2.2 s
  instead of 1.4 s (``benchmarks/lesson_paint.py``); it is also what the browser tests check.
  A learner's own settings still win over these defaults.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "HUB_LEARNER",
    "INSTRUCTOR",
    "ROLES",
    "SELF_PACED",
    "Role",
    "RoleName",
    "with_config_path",
]

RoleName = Literal["self_paced", "hub_learner", "instructor"]
CONFIG_PATH_ENV = "JUPYTER_CONFIG_PATH"
_LAB_STATIC = Path(__file__).resolve().parent / "lab_static"

# nbgrader's JupyterLab plugins (package @jupyter/nbgrader)
_FORMGRADER = "@jupyter/nbgrader:formgrader"
_CREATE_ASSIGNMENT = "@jupyter/nbgrader:create-assignment"
_COURSE_LIST = "@jupyter/nbgrader:course-list"
_ASSIGNMENT_LIST = "@jupyter/nbgrader:assignment-list"
_VALIDATE = "@jupyter/nbgrader:validate-assignment"
_NBGRADER_MENU = "@jupyter/nbgrader:menu"
# "Open in Notebook" buttons and menu items (the Notebook 7 pages, off for learners)
_NOTEBOOK_SWITCHER = "@jupyter-notebook/lab-extension:interface-switcher"
_NOTEBOOK_TREE = "@jupyter-notebook/lab-extension:launch-tree"
# JupyterLab's "Would you like to get notified about official Jupyter news?" and update toasts
_NEWS = "@jupyterlab/apputils-extension:announcements"
# learners' default settings (JupyterLab settings overrides: plugin id -> setting -> value)
_LEARNER_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
_OVERRIDES_NAME = "ankle-course.json"  # in overrides.d/: the environment's overrides.json wins

# server extensions (module names, as in jupyter_server_config.d)
_SX_FORMGRADER = "nbgrader.server_extensions.formgrader"
_SX_COURSE_LIST = "nbgrader.server_extensions.course_list"
_SX_ASSIGNMENT_LIST = "nbgrader.server_extensions.assignment_list"
_SX_VALIDATE = "nbgrader.server_extensions.validate_assignment"
_SX_LSP = "jupyter_lsp"  # language servers: the lessons need none
_SX_NOTEBOOK = "notebook"  # the classic-style Notebook 7 pages; learners use JupyterLab
_SX_NOTEBOOK_SHIM = "notebook_shim"  # old notebook-server config for old extensions: none here
_SX_VOILA = "voila.server_extension"
_SX_LAZY_NBGRADER = "course.lazy_nbgrader"  # nbgrader's learner extensions, on first use
_SX_LAZY_VOILA = "course.lazy_voila"  # Voila (the explorers app), on first use
_SX_PRIME = "course.prime"  # the first lesson's set-up work, done right after the start


@dataclass(frozen=True)
class Role:
    """The lab plugins and server extensions one kind of person does without."""

    name: RoleName
    disabled_lab_plugins: tuple[str, ...]
    disabled_server_extensions: tuple[str, ...]
    quiet: bool  # no news prompt, no update check, no PyPI queries
    custom_css: str | None = None  # a stylesheet in course/lab_static/, as custom.css
    enabled_server_extensions: tuple[str, ...] = ()  # the course's own, e.g. lazy_nbgrader
    lab_settings: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def page_config(self) -> dict[str, object]:
        """The ``labconfig/page_config.json`` of this role's config folder."""
        return {"disabledExtensions": dict.fromkeys(self.disabled_lab_plugins, True)}

    def server_args(self) -> list[str]:
        """Command-line options for ``jupyter lab`` / ``jupyterhub-singleuser``."""
        args = [
            f"--ServerApp.jpserver_extensions={name}=False"
            for name in self.disabled_server_extensions
        ]
        args += [
            f"--ServerApp.jpserver_extensions={name}=True"
            for name in self.enabled_server_extensions
        ]
        if self.quiet:
            args += [
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                # the extension manager lists what is installed and asks PyPI nothing
                # (learners install no extensions); the PyPI manager's HTTP client alone was
                # a fifth of a forked learner server's start (its TLS certificates)
                "--LabApp.extension_manager=readonly",
            ]
        return args

    def server_config(self, folder: Path) -> dict[str, object]:
        """The ``jupyter_server_config.json`` of this role's config folder ``folder``."""
        folder = folder.resolve()
        lab: dict[str, object] = {}
        config: dict[str, object] = {}
        if self.lab_settings:
            lab["app_settings_dir"] = str(folder / "lab" / "settings")
        if self.custom_css is not None:
            lab["custom_css"] = True
            # web_app.settings, where JupyterLab's /custom/ handler looks (the trait of the
            # same name is not configurable)
            config["ServerApp"] = {
                "tornado_settings": {"static_custom_path": [str(folder / "custom")]}
            }
        if lab:
            config["LabApp"] = lab
        return config

    def write_config_dir(self, folder: Path, *, mode: int = 0o755) -> Path:
        """Write this role's Jupyter config folder (``labconfig/page_config.json``, and for a
        role with a stylesheet ``custom/custom.css`` and ``jupyter_server_config.json``);
        return it.

        The folder belongs to the course (a hub folder, or a hidden folder in the learner's
        course folder); pass it to the server with :func:`with_config_path`.
        """
        files = {Path("labconfig") / "page_config.json": json.dumps(self.page_config(), indent=2)}
        if self.custom_css is not None:
            css = (_LAB_STATIC / self.custom_css).read_text(encoding="utf-8")
            files[Path("custom") / "custom.css"] = css.rstrip("\n")
        app_dir = _environment_app_dir() if self.lab_settings else None
        if app_dir is not None:
            files.update(_app_settings(app_dir, Path("lab") / "settings", self.lab_settings))
        config = self.server_config(folder)
        if config:
            files[Path("jupyter_server_config.json")] = json.dumps(config, indent=2)
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
        for name, content in files.items():
            target = folder / name
            for parent in reversed(name.parents[:-1]):  # e.g. lab, lab/settings
                (folder / parent).mkdir(exist_ok=True)
                os.chmod(folder / parent, mode)
            tmp = target.with_suffix(".tmp")
            tmp.write_text(content + "\n", encoding="utf-8")
            os.replace(tmp, target)
            os.chmod(target, mode & 0o644)
        if app_dir is not None:
            _link_app_static(app_dir, folder / "lab")
            _remove_stale(folder / "lab" / "settings", {folder / name for name in files})
        return folder


def _environment_app_dir() -> Path:
    """JupyterLab's application folder of this environment (``JUPYTERLAB_DIR`` or
    ``<prefix>/share/jupyter/lab``): its ``settings/`` is the default app settings folder.
    Any other install asks JupyterLab (``jupyterlab.commands``: most of a second to import)."""
    if os.environ.get("JUPYTERLAB_DIR"):
        return Path(os.environ["JUPYTERLAB_DIR"]).resolve()
    usual = Path(sys.prefix) / "share" / "jupyter" / "lab"
    if usual.is_dir():
        return usual
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir())


def _app_settings(
    app_dir: Path, relative: Path, defaults: Mapping[str, Mapping[str, object]]
) -> dict[Path, str]:
    """The files of a role's app settings folder ``relative``: the environment's own settings
    files (``overrides.json``, ``overrides.d/*``, ``page_config.json``, copied so they still
    apply), and the role's ``defaults`` in ``overrides.d/ankle-course.json``, read before the
    environment's ``overrides.json``, which therefore wins."""
    source = app_dir / "settings"
    files: dict[Path, str] = {}
    if source.is_dir():
        for path in sorted(source.rglob("*.json*")):
            if path.is_file() and path.name != _OVERRIDES_NAME:
                files[relative / path.relative_to(source)] = path.read_text(encoding="utf-8")
    files[relative / "overrides.d" / _OVERRIDES_NAME] = json.dumps(defaults, indent=2)
    return files


def _remove_stale(settings: Path, written: set[Path]) -> None:
    """Files of ``settings`` this write did not write (an override the environment has
    since dropped): removed, so the folder says what the environment says now."""
    for path in settings.rglob("*"):
        if path.is_file() and path not in written:
            path.unlink()


def _link_app_static(app_dir: Path, lab: Path) -> None:
    """``lab/static``: a link to the environment's built JupyterLab, where the server reads the
    built application's extension metadata next to the app settings folder."""
    link, target = lab / "static", app_dir / "static"
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink():
        link.unlink()
    elif link.exists():
        shutil.rmtree(link)
    if target.is_dir():
        # no symbolic links here (e.g. Windows without the right): only that metadata is missed
        with contextlib.suppress(OSError):
            link.symlink_to(target, target_is_directory=True)


SELF_PACED = Role(
    name="self_paced",
    disabled_lab_plugins=(
        _FORMGRADER,
        _CREATE_ASSIGNMENT,
        _COURSE_LIST,
        _ASSIGNMENT_LIST,
        _VALIDATE,
        _NBGRADER_MENU,
        _NOTEBOOK_SWITCHER,
        _NOTEBOOK_TREE,
        _NEWS,
    ),
    disabled_server_extensions=(
        _SX_FORMGRADER,
        _SX_COURSE_LIST,
        _SX_ASSIGNMENT_LIST,
        _SX_VALIDATE,
        _SX_LSP,
        _SX_NOTEBOOK,
        _SX_VOILA,
    ),
    quiet=True,
    lab_settings=_LEARNER_SETTINGS,
)

HUB_LEARNER = Role(
    name="hub_learner",
    disabled_lab_plugins=(
        _FORMGRADER,
        _CREATE_ASSIGNMENT,
        _COURSE_LIST,
        _NOTEBOOK_SWITCHER,
        _NOTEBOOK_TREE,
        _NEWS,
    ),
    # nbgrader's Assignments and Validate extensions and Voila load at their first request
    # instead (course.lazy_nbgrader, course.lazy_voila): most of a learner server's start-up
    # CPU otherwise
    disabled_server_extensions=(
        _SX_FORMGRADER,
        _SX_COURSE_LIST,
        _SX_ASSIGNMENT_LIST,
        _SX_VALIDATE,
        _SX_LSP,
        _SX_NOTEBOOK,
        _SX_NOTEBOOK_SHIM,
        _SX_VOILA,
    ),
    quiet=True,
    custom_css="hub_learner.css",
    enabled_server_extensions=(_SX_LAZY_NBGRADER, _SX_LAZY_VOILA, _SX_PRIME),
    lab_settings=_LEARNER_SETTINGS,
)

INSTRUCTOR = Role(
    name="instructor", disabled_lab_plugins=(), disabled_server_extensions=(), quiet=False
)

ROLES: dict[RoleName, Role] = {role.name: role for role in (SELF_PACED, HUB_LEARNER, INSTRUCTOR)}


def with_config_path(env: dict[str, str], folder: Path) -> dict[str, str]:
    """``env`` with ``folder`` first on ``JUPYTER_CONFIG_PATH`` (kept entries follow)."""
    current = env.get(CONFIG_PATH_ENV, "")
    parts = [str(folder), *(p for p in current.split(os.pathsep) if p and p != str(folder))]
    return {**env, CONFIG_PATH_ENV: os.pathsep.join(parts)}
