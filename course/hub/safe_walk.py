"""Walk and copy a learner's submission without following links or trusting what was there.

Every folder and file is opened with ``O_NOFOLLOW`` and checked by ``fstat`` (owner, kind,
unchanged between checks) before anything is read; see ``OwnerCheckedCollect``.
"""

from __future__ import annotations

import fnmatch
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from course.errors import RefusedError

__all__ = ["OPEN_DIR", "OPEN_FILE", "CollectLimits", "Walk", "owner_name"]


@dataclass(frozen=True)
class CollectLimits:
    """Bounds on what one submission may hold (a hostile folder is refused, not copied)."""

    max_file_bytes: int = 100_000 * 1000  # nbgrader's CourseDirectory.max_file_size default
    max_total_bytes: int = 100_000 * 1000  # CourseDirectory.max_dir_size
    max_entries: int = 10_000
    max_depth: int = 16


OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in after the check must not hang collect
OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a file" if stat.S_ISREG(mode) else "an unknown kind of entry"


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _check(info: os.stat_result, uid: int, where: str) -> None:
    """Refuse anything but a regular file or folder owned by ``uid`` (``info`` from lstat)."""
    mode = info.st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise RefusedError(f"{where} is {_kind(mode)}; only files and folders are collected")
    if info.st_uid != uid:
        link = (
            " (a hard link to another's file)" if stat.S_ISREG(mode) and info.st_nlink > 1 else ""
        )
        raise RefusedError(f"{where} belongs to {owner_name(info.st_uid)}, not the learner{link}")


def _same(before: os.stat_result, after: os.stat_result, where: str) -> None:
    if (before.st_dev, before.st_ino) != (after.st_dev, after.st_ino):
        raise RefusedError(f"{where} changed while it was being collected")


class Walk:
    """Walks one submission folder by file descriptors, never following a link.

    With ``dest`` it also copies (regular files and folders only, checked again on the open
    descriptor, so swapping an entry between check and copy gains nothing). Tracks the latest
    change time (``ctime``) of anything inside, which the learner cannot set back.
    """

    def __init__(self, uid: int, limits: CollectLimits, ignore: list[str]) -> None:
        self.uid = uid
        self.limits = limits
        self.ignore = ignore
        self.newest = 0.0
        self.total = 0
        self.entries = 0

    def _ignored(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.ignore)

    def folder(self, parent_fd: int, name: str, where: str, dest: Path | None, depth: int) -> None:
        info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        _check(info, self.uid, where)
        if not stat.S_ISDIR(info.st_mode):
            raise RefusedError(f"{where} is {_kind(info.st_mode)}, not a folder")
        if depth > self.limits.max_depth:
            raise RefusedError(f"{where} is nested more than {self.limits.max_depth} folders deep")
        self.newest = max(self.newest, info.st_ctime)
        try:
            fd = os.open(name, OPEN_DIR, dir_fd=parent_fd)
        except PermissionError:
            raise RefusedError(f"{where} cannot be read (its owner closed it)") from None
        try:
            _same(info, os.fstat(fd), where)
            if dest is not None:
                dest.mkdir(mode=0o755)
            try:
                names = sorted(os.listdir(fd))
            except PermissionError:
                raise RefusedError(f"{where} cannot be read (its owner closed it)") from None
            for child in names:
                self.entries += 1
                if self.entries > self.limits.max_entries:
                    raise RefusedError(f"holds more than {self.limits.max_entries} entries")
                inner = f"{where}/{child}"
                target = None if dest is None or self._ignored(child) else dest / child
                child_info = os.stat(child, dir_fd=fd, follow_symlinks=False)
                _check(child_info, self.uid, inner)
                if stat.S_ISDIR(child_info.st_mode):
                    self.folder(fd, child, inner, target, depth + 1)
                else:
                    self.file(fd, child, inner, child_info, target)
        finally:
            os.close(fd)

    def file(
        self, parent_fd: int, name: str, where: str, info: os.stat_result, dest: Path | None
    ) -> None:
        self.newest = max(self.newest, info.st_ctime)
        if info.st_size > self.limits.max_file_bytes:
            raise RefusedError(f"{where} is larger than {self.limits.max_file_bytes} bytes")
        self.total += info.st_size
        if self.total > self.limits.max_total_bytes:
            raise RefusedError(f"holds more than {self.limits.max_total_bytes} bytes")
        if dest is None:
            return
        try:
            fd = os.open(name, OPEN_FILE, dir_fd=parent_fd)
        except PermissionError:
            raise RefusedError(f"{where} cannot be read (its owner closed it)") from None
        with os.fdopen(fd, "rb") as source:
            opened = os.fstat(fd)
            _check(opened, self.uid, where)
            _same(info, opened, where)
            copied = 0
            with dest.open("xb") as target:
                while chunk := source.read(_CHUNK):
                    copied += len(chunk)
                    if copied > self.limits.max_file_bytes:
                        raise RefusedError(
                            f"{where} grew beyond {self.limits.max_file_bytes} bytes"
                        )
                    target.write(chunk)
        os.chmod(dest, 0o644)
