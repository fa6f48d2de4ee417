"""What each kind of person's JupyterLab loads, set only for the servers the course launches.

Three roles:

* ``self_paced``: a learner on their own (``ankle-course lab``): the lessons, no nbgrader at
  all (no exchange, no assignments to validate), no news prompt;
* ``hub_learner``: a learner's server on the class hub: the Assignments tab and Validate (they
  have graded assignments), nothing of the instructor's (Formgrader, Create Assignment, the
  course list), no news prompt; Voila stays, for the explorers app;
* ``instructor``: everything.

A role is applied with JupyterLab's own mechanisms, scoped to one launch; nothing in the
person's ``~/.jupyter`` changes:

* server extensions off on that server's command line (``--ServerApp.jpserver_extensions``),
  which also makes the server start faster (nothing a learner does not use is imported);
* lab plugins off through ``labconfig/page_config.json`` (``disabledExtensions``) in a config
  folder the course owns, added to that process's ``JUPYTER_CONFIG_PATH`` only;
* the news feed and update check off with ``--LabApp.news_url=`` and
  ``--LabApp.check_for_updates_class``.
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
_SX_VOILA = "voila.server_extension"


@dataclass(frozen=True)
class Role:
    """The lab plugins and server extensions one kind of person does without."""

    name: RoleName
    disabled_lab_plugins: tuple[str, ...]
    disabled_server_extensions: tuple[str, ...]
    quiet: bool  # no news prompt, no update check

    def page_config(self) -> dict[str, object]:
        """The ``labconfig/page_config.json`` of this role's config folder."""
        return {"disabledExtensions": dict.fromkeys(self.disabled_lab_plugins, True)}

    def server_args(self) -> list[str]:
        """Command-line options for ``jupyter lab`` / ``jupyterhub-singleuser``."""
        args = [
            f"--ServerApp.jpserver_extensions={name}=False"
            for name in self.disabled_server_extensions
        ]
        if self.quiet:
            args += [
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ]
        return args

    def write_config_dir(self, folder: Path, *, mode: int = 0o755) -> Path:
        """Write this role's Jupyter config folder (``labconfig/page_config.json``); return it.

        The folder belongs to the course (a hub folder, or a hidden folder in the learner's
        course folder); pass it to the server with :func:`with_config_path`.
        """
        labconfig = folder / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        target = labconfig / "page_config.json"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.page_config(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
        for path in (folder, labconfig):
            os.chmod(path, mode)
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
    disabled_server_extensions=(_SX_FORMGRADER, _SX_COURSE_LIST, _SX_LSP, _SX_NOTEBOOK),
    quiet=True,
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
