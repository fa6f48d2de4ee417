"""What ``ankle-course hub setup`` writes for people and for the hub: each person's nbgrader and
Jupyter settings, the learners' JupyterLab role folder, the hub's settings and secrets.

Folders, accounts and their removal are :mod:`course.hub.setup` and :mod:`course.hub.state`;
this module only writes files into places those made.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import sys
from pathlib import Path

from course.hub import system
from course.hub.state import HubState, hub_paths
from course.roles import HUB_LEARNER

ADMIN_SERVICE = "ankle-course-admin"
LESSONS_FOLDER = "ankle-course"  # in each learner's home, as `ankle-course lab` uses
ROLE_FOLDER = "jupyter"  # HUB_DIR/jupyter/<role>: the course's Jupyter config folders


CHECKED_COLLECT = "course.hub.exchange.OwnerCheckedCollect"
PRIVATE_SUBMIT = "course.hub.exchange.PrivateSubmit"


def python_literal(value: object) -> str:
    """``value`` as Python source (a bool, a string or a list of strings)."""
    return repr(value) if isinstance(value, bool) else json.dumps(value)


def nbgrader_text(who: str, settings: dict[str, object]) -> str:
    """The text of every ``nbgrader_config.py`` setup writes, on either kind of hub: whose
    settings they are, then one ``c.KEY = VALUE`` line per setting, in order."""
    lines = [f"# Written by `ankle-course hub setup`: {who}.", "c = get_config()  # noqa: F821"]
    lines += [f"c.{key} = {python_literal(value)}" for key, value in settings.items()]
    return "\n".join([*lines, ""])


def server_config() -> dict[str, object]:
    """One person's jupyter_server_config.json (the same for every role).

    Accounts have no login shell (``nologin``), so JupyterLab's terminal names bash (a login
    shell, which reads ``~/.profile``) instead of using the account's shell. What a learner's
    server loads is not set here but by the hub for that launch (:data:`course.roles.HUB_LEARNER`).
    """
    server: dict[str, object] = {"terminado_settings": {"shell_command": ["/bin/bash", "-l"]}}
    return {"ServerApp": server}


_PROFILE_MARK = "# ankle-course: the course's commands (nbgrader, ankle-course) on PATH"


def _add_venv_to_profile(user: str) -> None:
    """Terminals in JupyterLab are login shells, which reset PATH: put the venv first again."""
    profile = Path(pwd.getpwnam(user).pw_dir) / ".profile"
    line = f'\n{_PROFILE_MARK}\nPATH="{Path(sys.prefix) / "bin"}:$PATH"\n'
    system.write_file(profile, line, owner=user, mode=0o644, append_once=_PROFILE_MARK)


def person_files(nbgrader_text: str) -> dict[str, str]:
    """The files of a person's ``~/.jupyter``: nbgrader settings and the server's terminal."""
    return {
        "nbgrader_config.py": nbgrader_text,
        "jupyter_server_config.json": json.dumps(server_config(), indent=2),
    }


def write_user_files(user: str, files: dict[str, str], *, lessons: bool) -> None:
    """One person's ~/.profile line and ``~/.jupyter`` files (and, with ``lessons``, the
    lesson notebooks and the explorers app notebook)."""
    home = Path(pwd.getpwnam(user).pw_dir)
    _add_venv_to_profile(user)
    if lessons:
        # the lesson notebooks, as `ankle-course lab` lays them out, and the explorers app
        # (opened through Voila: /user/NAME/voila/render/ankle-course/explorer.ipynb); a
        # learner's edits are kept; copied as the learner, since the folder is theirs
        system.sync_lessons(home / LESSONS_FOLDER, owner=user)
    for relative, text in files.items():
        text = text if text.endswith("\n") else text + "\n"
        system.write_file(home / ".jupyter" / relative, text, owner=user, mode=0o644)


def write_secrets(state: HubState, db_url: str | None) -> None:
    """The hub's secrets (root only): cookie secret, proxy and automation tokens, and the
    instructor's environment (the gradebook URL)."""
    folder = hub_paths(Path(state.hub_dir))["secrets"]
    for name, size in (("cookie_secret", 32), ("proxy_token", 32), ("admin_token", 32)):
        path = folder / name
        if not path.exists():
            path.write_text(secrets.token_hex(size) + "\n", encoding="utf-8")
        os.chmod(path, 0o600)
    env_file = folder / "instructor.env"
    if db_url is not None:
        env_file.write_text(f"ANKLE_COURSE_DB_URL={db_url}\n", encoding="utf-8")
    elif not env_file.exists():
        env_file.write_text("", encoding="utf-8")
    os.chmod(env_file, 0o600)


def role_folder(state: HubState) -> Path:
    """HUB_DIR/jupyter: the course's Jupyter config folders, one per role."""
    return Path(state.hub_dir) / ROLE_FOLDER


def write_learner_role(state: HubState) -> Path:
    """The learners' JupyterLab config folder (readable by all, written by root)."""
    return HUB_LEARNER.write_config_dir(role_folder(state) / HUB_LEARNER.name)


def write_settings(state: HubState, authenticator: str) -> None:
    """HUB_DIR/hub.json: what deploy/hub/jupyterhub_config.py needs (no secrets)."""
    settings = {
        "course_id": state.course_id,
        "instructor": state.instructor,
        "learners": state.learner_names,
        "hub_group": state.hub_group,
        "exchange_root": state.exchange_root,
        "course_dir": state.course_dir,
        "venv_bin": str(Path(sys.prefix) / "bin"),
        # everyone's server: jupyterhub-singleuser through course.hub.singleuser (faster start)
        "singleuser_cmd": [sys.executable, "-m", "course.hub.singleuser"],
        "admin_service": ADMIN_SERVICE,
        "authenticator": authenticator,
        "lessons_folder": LESSONS_FOLDER,
        # learners' servers: what they load (course.roles.HUB_LEARNER), set for that launch
        "learner_args": HUB_LEARNER.server_args(),
        "learner_config_path": str(role_folder(state) / HUB_LEARNER.name),
        # several courses: one formgrader service per course (course.hub.courses)
        "courses": state.courses,
    }
    path = hub_paths(Path(state.hub_dir))["settings"]
    if not path.exists():
        state.created_paths.append(str(path))
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)  # the hub (root) reads it; it lists every course's people
