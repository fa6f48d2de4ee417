"""The accounts a class setup creates: names checked before anything is made, the check that
a new account can run the course's Python, and the root-only list of initial passwords."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from course.errors import HubSetupError, command_error
from course.hub import system
from course.hub.state import HubState

__all__ = ["check_learner_runtime", "check_names", "record_password"]


def check_names(
    accounts: list[tuple[str, str]],
    hub_group: str,
    state: HubState,
    *,
    user_exists: Callable[[str], bool] = system.user_exists,
    group_exists: Callable[[str], bool] = system.group_exists,
) -> None:
    """Refuse before anything is created if a planned user or group name is taken.

    ``accounts`` pairs each account name with where it comes from (a roster row, the
    instructor option). Every account also gets a private group of its own name.
    """
    for name, origin in accounts:
        if name in state.created_users:
            continue
        if name == hub_group:
            raise HubSetupError(
                f"{origin} gives the account name {name!r}, which is the class group's name; "
                "change the id or choose another --prefix"
            )
        if user_exists(name):
            raise HubSetupError(
                f"{origin}: the Unix user {name!r} already exists and was not created by this "
                "setup; choose another --prefix"
            )
        if group_exists(name):
            raise HubSetupError(
                f"{origin}: the group {name!r} already exists (each account gets a group of its "
                "own name); choose another --prefix"
            )
    if hub_group not in state.created_groups and (
        group_exists(hub_group) or user_exists(hub_group)
    ):
        raise HubSetupError(
            f"the class group {hub_group!r} already exists as a group or user; "
            "choose another --prefix"
        )


def check_learner_runtime(user: str) -> None:
    """Run the course's Python as ``user``: it must import the course and the single-user app."""
    command = [
        "runuser",
        "-u",
        user,
        "--",
        str(Path(sys.prefix) / "bin" / "python"),
        "-c",
        "import course.hub.exchange, jupyterhub.singleuser, nbgrader",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")
    if result.returncode != 0:
        raise command_error(HubSetupError, f"learner {user} cannot run the course's Python", result)


def record_password(path: Path, name: str, password: str) -> None:
    """Append to the root-only list of initial passwords (kept even if setup fails later)."""
    if not path.exists():
        path.write_text("user,password\n", encoding="utf-8")
    os.chmod(path, 0o600)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{name},{password}\n")
