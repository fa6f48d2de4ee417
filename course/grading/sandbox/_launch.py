"""Inside fresh namespaces, as root: build the sandbox's file system, drop to its uid, run.

Started by ``course.grading.sandbox.run`` as ``unshare --net --mount --pid --ipc --uts --fork
--kill-child python -I _launch.py`` (so this is PID 1 of a new PID namespace, in a new
network namespace with no interface up and a private mount namespace). Reads one JSON request
on standard input. Standard library only: it runs before anything is dropped, and nothing from
the course (or the course folder) is imported.

The new root is an empty tmpfs holding, read-only: ``/usr`` (and the merged-usr links), the
Python installation and virtual environment; copied: a few files of ``/etc`` the dynamic loader
and Python read; a minimal ``/dev``; a fresh ``/proc`` of the new PID namespace; and, writable,
a size-limited tmpfs ``/sandbox`` (the working folder) and a small ``/tmp``. Everything
else on the machine (homes, ``/root``, the course folder, the exchange, the gradebook) does not
exist in there.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

_PR_SET_NO_NEW_PRIVS = 38
_TOP_LEVEL = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
_ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "localtime",
    "nsswitch.conf",
    "hosts",
    "passwd",
    "group",
)
_DEVICES = ("null", "zero", "full", "random", "urandom")
WORK = "/sandbox"


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _bind_ro(source: str, target: str) -> None:
    _mount("--bind", source, target)
    _mount("-o", "remount,bind,ro,nosuid,nodev", target)


def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _build_root(root: str, request: dict[str, object]) -> None:
    _mount("--make-rprivate", "/")
    _mount("-t", "tmpfs", "-o", "size=8m,mode=0755,nosuid,nodev", "ankle-sandbox", root)
    for name in _TOP_LEVEL:
        source = "/" + name
        target = os.path.join(root, name)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        elif os.path.isdir(source):
            _mkdirs(target)
            _bind_ro(source, target)
    # the private /tmp first: a Python environment that lives under /tmp (a clone there) is
    # then bound on top of it, read-only, instead of being hidden by it
    tmp = os.path.join(root, "tmp")
    _mkdirs(tmp)
    _mount("-t", "tmpfs", "-o", "size=16m,mode=1777,nosuid,nodev", "ankle-tmp", tmp)
    binds = request["binds"]
    assert isinstance(binds, list)
    for source in binds:
        target = root + str(source)
        if os.path.ismount(target) or any(
            str(source).startswith(f"/{name}/") for name in _TOP_LEVEL
        ):
            continue
        _mkdirs(target)
        _bind_ro(str(source), target)
    etc = os.path.join(root, "etc")
    _mkdirs(etc)
    for name in _ETC_FILES:
        if os.path.isfile("/etc/" + name):
            shutil.copyfile("/etc/" + name, os.path.join(etc, name))
    dev = os.path.join(root, "dev")
    _mkdirs(dev)
    for name in _DEVICES:
        target = os.path.join(dev, name)
        Path(target).touch()  # an empty mount point
        _mount("--bind", "/dev/" + name, target)
    os.symlink("/proc/self/fd", os.path.join(dev, "fd"))
    proc = os.path.join(root, "proc")
    _mkdirs(proc)
    _mount("-t", "proc", "-o", "nosuid,nodev,noexec", "proc", proc)
    uid, gid = int(str(request["uid"])), int(str(request["gid"]))
    work = root + WORK
    _mkdirs(work)
    size = int(str(request["workspace_bytes"]))
    options = f"size={size},mode=0700,uid={uid},gid={gid},nosuid,nodev"
    _mount("-t", "tmpfs", "-o", options, "ankle-work", work)


def _limit(request: dict[str, object]) -> None:
    limits = request["limits"]
    assert isinstance(limits, dict)
    for name, value in limits.items():
        number = int(value)
        resource.setrlimit(getattr(resource, name), (number, number))


def main() -> None:
    request = json.loads(sys.stdin.read())
    root = str(request["root"])
    _build_root(root, request)
    runner = str(request["runner"])
    python = str(request["python"])
    # the notebook (with any hidden tests) reaches the runner as an anonymous in-memory file
    # that it reads and closes before the kernel starts: never a file the learner's code can open
    notebook_fd = os.memfd_create("submission", 0)
    os.write(notebook_fd, str(request["notebook"]).encode("utf-8"))
    os.lseek(notebook_fd, 0, os.SEEK_SET)
    os.set_inheritable(notebook_fd, True)
    os.chroot(root)
    os.chdir(WORK)
    _limit(request)
    uid, gid = int(request["uid"]), int(request["gid"])
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    env = {
        "PATH": f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": WORK,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MALLOC_ARENA_MAX": "2",
        "PYTHONDONTWRITEBYTECODE": "1",
        "ANKLE_SANDBOX_REQUEST": json.dumps(
            {"notebook_fd": notebook_fd, "work": WORK, **dict(request["runner_options"])}
        ),
    }
    os.execve(python, [python, "-I", "-c", runner], env)


if __name__ == "__main__":
    main()
