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
  Validate button, their graded assessments do (``course/lab_static/hub_learner.css``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
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
        if self.custom_css is None:
            return {}
        folder = folder.resolve()
        return {
            "LabApp": {"custom_css": True},
            # web_app.settings, where JupyterLab's /custom/ handler looks (the trait of the
            # same name is not configurable)
            "ServerApp": {"tornado_settings": {"static_custom_path": [str(folder / "custom")]}},
        }

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
            config = json.dumps(self.server_config(folder), indent=2)
            files[Path("jupyter_server_config.json")] = config
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(exist_ok=True)
            os.chmod(target.parent, mode)
            tmp = target.with_suffix(".tmp")
            tmp.write_text(content + "\n", encoding="utf-8")
            os.replace(tmp, target)
            os.chmod(target, mode & 0o644)
        return folder


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
