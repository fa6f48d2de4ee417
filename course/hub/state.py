"""What ``ankle-course hub setup`` created, recorded in ``HUB_DIR/state.json``, and how it is
removed again (by teardown, or by a setup run that failed half-way).

``state.json`` is written atomically after every step; a damaged file is never overwritten.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import pwd
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from course.errors import HubSetupError
from course.hub import system

STATE_FILE = "state.json"
SETTINGS_FILE = "hub.json"
PASSWORDS_FILE = "initial-passwords.csv"


@dataclass
class HubState:
    """Everything setup created; teardown removes exactly this."""

    hub_dir: str
    course_id: str
    prefix: str
    hub_group: str
    instructor: str
    exchange_root: str
    course_dir: str
    learners: list[dict[str, str]] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)
    created_groups: list[str] = field(default_factory=list)
    created_paths: list[str] = field(default_factory=list)
    traverse_grants: list[str] = field(default_factory=list)
    # existing paths setup closed to other users (chmod o-rwx): path -> the mode to restore
    closed_modes: dict[str, int] = field(default_factory=dict)
    # several courses on one hub (a roster with course/role columns): one record per course,
    # see course.hub.courses.CoursePlan; empty for one course run by `instructor`
    courses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def by_course(self) -> bool:
        """True when this hub runs courses from a roster with course/role columns."""
        return bool(self.courses)

    @property
    def learner_names(self) -> list[str]:
        return [learner["name"] for learner in self.learners]


def hub_paths(hub_dir: Path) -> dict[str, Path]:
    return {
        "state": hub_dir / STATE_FILE,
        "settings": hub_dir / SETTINGS_FILE,
        "secrets": hub_dir / "secrets",
        "runtime": hub_dir / "runtime",
    }


def _parse_state(text: str) -> HubState:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    state = HubState(**data)
    for item in fields(HubState):
        kind = str(item.type)
        expected = dict if kind.startswith("dict") else list if kind.startswith("list") else str
        if not isinstance(getattr(state, item.name), expected):
            raise TypeError(f"{item.name} is not a {expected.__name__}")
    return state


def load_state(hub_dir: Path) -> HubState | None:
    """The state setup recorded in ``hub_dir``; ``HubSetupError`` (file untouched) if damaged."""
    path = hub_paths(hub_dir)["state"]
    if not os.path.lexists(path):
        return None
    try:
        return _parse_state(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc).splitlines()[0]
        raise HubSetupError(
            f"{path} is unreadable or damaged ({reason}); it lists what setup created, so it "
            "was left as it is: repair it or restore it from a backup, then run again"
        ) from None


def save_state(state: HubState) -> None:
    """Write the state atomically (a crash never leaves a half-written file)."""
    path = hub_paths(Path(state.hub_dir))["state"]
    partial = path.with_name(f".{STATE_FILE}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(partial, path)


def forget_passwords(path: Path, names: list[str]) -> None:
    """Drop the initial passwords of accounts that were removed again."""
    if not path.exists() or not names:
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split(",", 1)[0] not in names]
    path.write_text("".join(kept), encoding="utf-8")


def created_since(before: HubState, after: HubState) -> HubState:
    """What ``after`` records beyond ``before``: what one run of setup created."""
    delta = copy.deepcopy(after)
    delta.created_users = [u for u in after.created_users if u not in before.created_users]
    delta.created_groups = [g for g in after.created_groups if g not in before.created_groups]
    delta.created_paths = [p for p in after.created_paths if p not in before.created_paths]
    delta.traverse_grants = [g for g in after.traverse_grants if g not in before.traverse_grants]
    delta.closed_modes = {
        p: m for p, m in after.closed_modes.items() if p not in before.closed_modes
    }
    return delta


def roll_back(before: HubState, after: HubState, *, had_state: bool) -> str:
    """Undo what this run created; return how it went, for the error message."""
    delta = created_since(before, after)
    hub_dir = Path(after.hub_dir)
    try:
        undo(delta)
        forget_passwords(hub_paths(hub_dir)["secrets"] / PASSWORDS_FILE, delta.created_users)
        state_file = hub_paths(hub_dir)["state"]
        if had_state:
            save_state(before)
        elif state_file.exists():
            state_file.unlink()
    except Exception as exc:  # keep the full record so that teardown can finish the job
        with contextlib.suppress(Exception):
            save_state(after)
        return (
            f"removing what this run created failed too ({exc}); run "
            f"`ankle-course hub teardown --hub-dir {hub_dir}` to remove it"
        )
    if not (delta.created_users or delta.created_paths or delta.traverse_grants):
        return "nothing was changed"
    return "what this run created was removed again (nothing left behind)"


@dataclass
class TeardownReport:
    stopped_pids: list[int]
    removed_users: list[str]
    removed_paths: list[str]
    revoked_grants: list[str]
    restored_modes: list[str] = field(default_factory=list)


def undo(state: HubState) -> TeardownReport:
    """Stop the processes of, and remove, every user, group, grant and path in ``state``;
    give the paths setup closed their modes back."""
    uids = []
    for name in state.created_users:
        try:
            uids.append(pwd.getpwnam(name).pw_uid)
        except KeyError:
            continue
    pids = system.pids_of_uids(uids)
    system.stop_pids(pids)
    revoked = []
    if state.traverse_grants and system.group_exists(state.hub_group):
        gid = system.grp_gid(state.hub_group)
        for folder in state.traverse_grants:
            system.revoke_traverse(Path(folder), gid)
            revoked.append(folder)
    removed_users = []
    for name in state.created_users:
        system.delete_user(name)
        removed_users.append(name)
    for group in state.created_groups:
        system.delete_group(group)
    removed_paths = []
    for path_text in sorted(state.created_paths, key=len, reverse=True):
        path = Path(path_text)
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            continue
        removed_paths.append(path_text)
    restored = []
    for path_text, mode in state.closed_modes.items():
        path = Path(path_text)
        if os.path.lexists(path) and not path.is_symlink():
            os.chmod(path, mode)
            restored.append(path_text)
    return TeardownReport(
        stopped_pids=pids,
        removed_users=removed_users,
        removed_paths=removed_paths,
        revoked_grants=revoked,
        restored_modes=restored,
    )
