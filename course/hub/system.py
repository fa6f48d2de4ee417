"""Unix accounts, groups, traverse-only ACL grants and processes, for the hub setup (Linux, root).

Everything here shells out to the standard tools (``useradd``, ``groupadd``, ``chpasswd``,
``userdel``, ``groupdel``) or uses the kernel interfaces directly (``/proc``, POSIX ACL
extended attributes), so it needs nothing beyond a Debian base system.
"""

from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import pwd
import signal
import stat
import struct
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from course.errors import HubSystemError as HubSystemError  # re-export: system.HubSystemError
from course.errors import command_error

_ACL_XATTR = "system.posix_acl_access"
_ACL_VERSION = 2
_ACL_USER_OBJ, _ACL_USER, _ACL_GROUP_OBJ, _ACL_GROUP, _ACL_MASK, _ACL_OTHER = (
    0x01,
    0x02,
    0x04,
    0x08,
    0x10,
    0x20,
)
_ACL_UNDEFINED_ID = 0xFFFFFFFF
# Machine-wide (grants on /root or /opt are shared by every class on the server), in a folder
# only root may write, so that no local account can plant a symlink or hold the lock.
_ACL_LOCK_DIR = Path("/run/ankle-course")
_ACL_LOCK_NAME = "acl.lock"
# Class accounts log in through JupyterHub only: not a shell for ssh or su. JupyterLab's terminal
# does not use the login shell (the per-user server configuration names bash).
NOLOGIN_SHELL = "/usr/sbin/nologin"
_AclEntry = tuple[int, int, int]  # (tag, perm, id)


def run(command: list[str], *, stdin: str | None = None) -> str:
    """Run a system command; return its output or raise ``HubSystemError`` with its stderr."""
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise command_error(HubSystemError, f"{command[0]} failed", result)
    return result.stdout


def require_root() -> None:
    """Raise unless running as root (creating users and setting ownership needs it)."""
    if os.geteuid() != 0:
        raise HubSystemError("this command creates Unix users and must run as root")


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def grp_gid(name: str) -> int:
    return grp.getgrnam(name).gr_gid


def create_group(name: str) -> int:
    """Create a system group and return its id."""
    run(["groupadd", name])
    return grp.getgrnam(name).gr_gid


def create_user(
    name: str,
    *,
    home: Path,
    groups: Iterable[str] = (),
    comment: str = "",
    shell: str = NOLOGIN_SHELL,
) -> int:
    """Create a user with its own private group and a 0700 home folder; return its uid.

    The account has no usable password until ``set_password`` is called, and by default no
    login shell (``nologin``): it is not an ssh or ``su`` login even with a password.
    """
    command = ["useradd", "--create-home", "--home-dir", str(home), "--shell", shell]
    command += ["--user-group", "--comment", comment.replace(":", " ").replace(",", " ")]
    extra = [g for g in groups if g]
    if extra:
        command += ["--groups", ",".join(extra)]
    run([*command, name])
    os.chmod(home, 0o700)
    return pwd.getpwnam(name).pw_uid


def add_to_group(name: str, group: str) -> None:
    """Add an existing user to a supplementary group (no-op when already a member)."""
    if name not in grp.getgrnam(group).gr_mem:
        run(["usermod", "--append", "--groups", group, name])


def set_password(name: str, password: str) -> None:
    run(["chpasswd"], stdin=f"{name}:{password}\n")


def delete_user(name: str) -> None:
    """Delete a user and its private group (the home folder is removed by the caller)."""
    if user_exists(name):
        run(["userdel", name])
    if group_exists(name):
        run(["groupdel", name])


def delete_group(name: str) -> None:
    if group_exists(name):
        run(["groupdel", name])


def chown_tree(path: Path, user: str, group: str | None = None) -> None:
    """Give ``path`` and everything below it to ``user`` (and its primary group by default)."""
    entry = pwd.getpwnam(user)
    gid = grp.getgrnam(group).gr_gid if group else entry.pw_gid
    os.chown(path, entry.pw_uid, gid, follow_symlinks=False)
    if path.is_dir() and not path.is_symlink():
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                os.chown(os.path.join(root, name), entry.pw_uid, gid, follow_symlinks=False)


def write_file(
    path: Path, text: str, *, owner: str, mode: int, append_once: str | None = None
) -> None:
    """Write ``path`` (creating missing parent folders) as ``owner``, with ``mode``; with
    ``append_once``, append ``text`` to the file unless it already holds that marker.

    The writing process runs as ``owner`` (``course/hub/_user_writer.py``), never as root: the
    folders belong to ``owner``, who may have put a symbolic link anywhere in them.
    """
    operation = ["write"] if append_once is None else ["append-once"]
    extra = [append_once] if append_once is not None else []
    _as_owner(owner, [*operation, str(path), f"{mode:o}", *extra], text, f"write {path}")


def sync_lessons(target: Path, *, owner: str) -> None:
    """Copy the lesson notebooks and the explorers app into ``target`` as ``owner`` (keeping
    the owner's edits: ``course.workspace.sync_workspace``), never as root."""
    _as_owner(owner, ["sync-lessons", str(target)], "", f"copy the lessons into {target}")


def _as_owner(owner: str, args: list[str], stdin: str, what: str) -> None:
    """Run ``course/hub/_user_writer.py ARGS`` as ``owner`` (their own groups, not root's)."""
    entry = pwd.getpwnam(owner)
    result = subprocess.run(
        [sys.executable, "-I", "-m", "course.hub._user_writer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=os.getgrouplist(owner, entry.pw_gid),
        env={"PATH": "/usr/bin:/bin", "HOME": entry.pw_dir, "LANG": "C.UTF-8"},
        cwd="/",
    )
    if result.returncode != 0:
        raise command_error(HubSystemError, f"cannot {what} as {owner}", result)


# --- processes ------------------------------------------------------------------------------


def pids_of_uids(uids: Iterable[int]) -> list[int]:
    """The ids of running processes whose real or effective uid is one of ``uids``."""
    wanted = set(uids)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                real, effective = (int(x) for x in line.split()[1:3])
                if real in wanted or effective in wanted:
                    found.append(int(entry.name))
                break
    return sorted(found)


def pid_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def stop_pids(pids: Iterable[int], *, timeout: float = 10.0) -> list[int]:
    """SIGTERM each pid, wait up to ``timeout``, then SIGKILL the rest; return those killed."""
    pending = [pid for pid in pids if pid > 1 and pid != os.getpid()]
    for pid in pending:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = [pid for pid in pending if pid_alive(pid)]
        if not pending:
            return []
        time.sleep(0.1)
    killed = [pid for pid in pending if pid_alive(pid)]
    for pid in killed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return killed


# --- traverse-only POSIX ACL grants ------------------------------------------------------------


def needs_traverse(paths: Iterable[Path]) -> list[Path]:
    """Folders on the way to ``paths`` that other users cannot traverse (no o+x), in order.

    A learner's server runs the course's Python as the learner, so every folder above the
    interpreter, the virtual environment and the course package must be traversable.
    """
    blocked: list[Path] = []
    for path in paths:
        for folder in [*reversed(path.parents), path]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH and folder not in blocked:
                blocked.append(folder)
    return blocked


def open_to_others(folder: Path) -> list[str]:
    """Names directly inside ``folder`` that other users may open once they may pass through it.

    Files others may read, folders others may enter (and everything open below them) and
    symlinks: a traverse grant on ``folder`` exposes these to anyone who knows or guesses the
    name, although the folder itself still cannot be listed.
    """
    names = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            names.append(entry.name)
        elif stat.S_ISDIR(mode):
            if mode & stat.S_IXOTH:
                names.append(entry.name)
        elif mode & stat.S_IROTH:
            names.append(entry.name)
    return names


def _read_acl(path: Path) -> list[_AclEntry]:
    try:
        data = os.getxattr(path, _ACL_XATTR)
    except OSError:
        mode = path.stat().st_mode
        return [
            (_ACL_USER_OBJ, (mode >> 6) & 7, _ACL_UNDEFINED_ID),
            (_ACL_GROUP_OBJ, (mode >> 3) & 7, _ACL_UNDEFINED_ID),
            (_ACL_OTHER, mode & 7, _ACL_UNDEFINED_ID),
        ]
    (version,) = struct.unpack_from("<I", data)
    if version != _ACL_VERSION:
        raise HubSystemError(f"unknown ACL version {version} on {path}")
    return [struct.unpack_from("<HHI", data, 4 + 8 * i) for i in range((len(data) - 4) // 8)]


def _write_acl(path: Path, entries: list[_AclEntry]) -> None:
    entries = sorted(entries, key=lambda e: (e[0], e[2]))
    data = struct.pack("<I", _ACL_VERSION) + b"".join(struct.pack("<HHI", *e) for e in entries)
    os.setxattr(path, _ACL_XATTR, data)


def open_lock(folder: Path, name: str) -> int:
    """Open (creating) ``folder/name`` for locking, refusing anything another user could plant.

    ``folder`` is created 0700 when missing; it must be a real folder (not a symlink) owned by
    this process's user and closed to everyone else, and the lock file is opened without
    following a symlink (``O_NOFOLLOW``).
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.geteuid()
        or stat.S_IMODE(info.st_mode) & 0o077
    ):
        raise HubSystemError(
            f"{folder} must be a folder owned by root with mode 0700 (it holds the ACL lock); "
            "remove it and run again"
        )
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(folder / name, flags, 0o600)
    except OSError as exc:
        raise HubSystemError(f"cannot open the lock {folder / name}: {exc.strerror}") from None


@contextlib.contextmanager
def _acl_lock() -> Iterator[None]:
    """Serialise read-modify-write of ACLs between concurrent setups on one machine."""
    fd = open_lock(_ACL_LOCK_DIR, _ACL_LOCK_NAME)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def grant_traverse(path: Path, gid: int) -> None:
    """Let members of group ``gid`` traverse the folder ``path``.

    They still cannot list it, but may open by path anything inside that other users may read
    (see ``open_to_others``): a grant on a private home exposes its open files.
    """
    with _acl_lock():
        current = _read_acl(path)
        existing = next((e for e in current if e[0] == _ACL_GROUP and e[2] == gid), None)
        entries = [e for e in current if e is not existing]
        perm = (existing[1] if existing else 0) | 1
        entries.append((_ACL_GROUP, perm, gid))
        masks = [e for e in entries if e[0] == _ACL_MASK]
        if masks:
            entries = [e for e in entries if e[0] != _ACL_MASK]
            entries.append((_ACL_MASK, masks[0][1] | 1, _ACL_UNDEFINED_ID))
        else:
            union = 0
            for tag, bits, _ in entries:
                if tag in (_ACL_GROUP_OBJ, _ACL_USER, _ACL_GROUP):
                    union |= bits
            entries.append((_ACL_MASK, union, _ACL_UNDEFINED_ID))
        _write_acl(path, entries)


def revoke_traverse(path: Path, gid: int) -> None:
    """Remove the grant made by ``grant_traverse``; restore plain mode bits when none remain."""
    if not path.exists():
        return
    with _acl_lock():
        entries = _read_acl(path)
        remaining = [e for e in entries if not (e[0] == _ACL_GROUP and e[2] == gid)]
        if remaining == entries:
            return
        if any(e[0] in (_ACL_USER, _ACL_GROUP) for e in remaining):
            _write_acl(path, remaining)
            return
        group_obj = next(e[1] for e in remaining if e[0] == _ACL_GROUP_OBJ)
        mode = stat.S_IMODE(path.stat().st_mode)
        os.removexattr(path, _ACL_XATTR)
        os.chmod(path, (mode & ~0o070) | (group_obj << 3))


def has_traverse_grant(path: Path, gid: int) -> bool:
    return any(e[0] == _ACL_GROUP and e[2] == gid for e in _read_acl(path))
