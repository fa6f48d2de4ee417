"""The class hub's fork server: learner servers that do not each import Jupyter again.

Nine tenths of a learner server's start-up CPU is importing Python modules (Jupyter Server,
JupyterLab's server side, ``jupyter_client`` and ZeroMQ, JupyterHub's single-user layer), the
same modules for every learner. The fork server is one root process, started by the hub's
spawner (:mod:`course.hub.spawner`), that imports them once. For each server to start, the
hub connects to its Unix socket (in a folder only root can open) and the fork server forks a
child at once; the parent never reads the request, so it never holds any learner's token or
environment. The child, before it reads any configuration or touches any file a learner can
write:

* checks that root sent the request (``SO_PEERCRED``) and reads it (user name, environment,
  arguments);
* starts a new session (``setsid``: the hub's signals are not forwarded, as
  ``LocalProcessSpawner``'s ``start_new_session``);
* drops privileges as ``LocalProcessSpawner`` does (``jupyterhub.spawner.set_user_setuid``:
  the learner's group, supplementary groups and user id), then checks that it cannot get
  root back, and moves to the learner's home folder;
* clears the environment and sets the spawner's (``Spawner.get_env()``), stdin is
  ``/dev/null``;
* answers the hub with its process id and runs :func:`course.hub.singleuser.main` with the
  spawner's arguments, then exits.

The hub tracks, signals and stops the child by that process id, as it does for a server it
started itself after a hub restart; the fork server reaps its children. The fork server exits
when the hub does (its stdin, a pipe from the hub, closes); servers it started keep running
until the hub stops them, like servers started by ``LocalProcessSpawner``.

Run by the spawner as ``python -m course.hub.forkserver SOCKET``; not a command for people.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import importlib
import json
import os
import pwd
import selectors
import signal
import socket
import struct
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "IMPORT_TIME_ENV",
    "Request",
    "drop_privileges",
    "import_time_env",
    "main",
    "preload",
    "same_import_time_env",
]

# environment variables read when Python starts or when the preloaded modules are imported
# (jupyterhub.singleuser's app choice, tornado's C extension, traitlets, the file system
# encoding): a request whose values differ from the fork server's own is started the usual way
IMPORT_TIME_ENV = (
    "PYTHON",
    "LANG",
    "LC_",
    "LD_",
    "TRAITLETS_",
    "TORNADO_",
    "JUPYTERHUB_SINGLEUSER_",
    "JUPYTERHUB_METRICS_",
    "JUPYTER_ALLOW_INSECURE_WRITES",
    "GATEWAY_WS_PING_INTERVAL_SECS",
)
MAX_REQUEST_BYTES = 1 << 20
Request = dict[str, Any]  # {"user": name, "env": {...}, "argv": [...]}


def import_time_env(env: Mapping[str, str]) -> dict[str, str]:
    """The part of ``env`` that Python or the preloaded modules read when they start."""
    return {key: value for key, value in env.items() if key.startswith(IMPORT_TIME_ENV)}


def same_import_time_env(env: Mapping[str, str], server_env: Mapping[str, str]) -> bool:
    """Whether a server with environment ``env`` may be forked from a fork server started
    with ``server_env`` (what both read at start-up is the same)."""
    return import_time_env(env) == import_time_env(server_env)


def preload() -> None:
    """Import what every single-user server imports, with the start-up work
    :mod:`course.hub.singleuser` skips already skipped, and what their first lesson and first
    fetch import."""
    from course.startup import (
        skip_hub_internals,
        skip_server_extras,
        skip_slow_imports,
        skip_yarn_config,
    )

    skip_slow_imports()
    skip_server_extras()
    skip_hub_internals()
    skip_yarn_config()
    import jupyter_server.serverapp  # noqa: F401
    import jupyter_server_terminals  # noqa: F401
    import jupyterhub.singleuser  # noqa: F401
    import jupyterlab.labapp  # noqa: F401

    import course.lazy_voila  # noqa: F401
    from course.lazy_nbgrader import NBGRADER_EXTENSIONS
    from course.prime import first_lesson_imports

    # once for the class what each server would otherwise do at its first lesson (anyio's
    # asyncio back end alone was 0.15 CPU-s of each, py-spy on a warmed hub) and at its
    # first fetch (nbgrader's learner handlers, which course.lazy_nbgrader still loads then:
    # about 1 CPU-s each, and sixty learners fetching at once waited 35 s for it)
    first_lesson_imports()
    for name in NBGRADER_EXTENSIONS:
        importlib.import_module(f"{name}.handlers")


def _set_cwd(path: str) -> None:
    """The home folder, or the nearest folder above it that opens, else a new temporary
    folder (``jupyterhub.spawner._try_setcwd``)."""
    while path not in ("/", ""):
        try:
            os.chdir(path)
        except OSError as exc:
            print(f"Couldn't set CWD to {path} ({exc})", file=sys.stderr)
            path = os.path.dirname(path)
        else:
            return
    os.chdir(tempfile.mkdtemp())


def drop_privileges(user: str) -> str:
    """Become ``user`` for good, as ``jupyterhub.spawner.set_user_setuid`` makes
    ``LocalProcessSpawner``'s children (group, supplementary groups, user, home folder; not
    imported from there: that module imports the hub's database layer). Stricter: no server
    as root, supplementary groups that cannot be set are an error, and root must be out of
    reach afterwards. Returns the home folder."""
    entry = pwd.getpwnam(user)
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise PermissionError("the fork server starts no server as root")
    groups = os.getgrouplist(user, entry.pw_gid)
    os.setgid(entry.pw_gid)
    os.setgroups(groups)
    os.setuid(entry.pw_uid)
    if os.getresuid() != (entry.pw_uid,) * 3 or os.getresgid() != (entry.pw_gid,) * 3:
        raise PermissionError(f"could not become {user}")
    if set(os.getgroups()) != set(groups):
        raise PermissionError(f"could not set {user}'s groups")
    try:
        os.setuid(0)
    except PermissionError:
        _set_cwd(entry.pw_dir)
        return entry.pw_dir
    raise PermissionError(f"{user} could get root back")


def _set_dumpable() -> None:
    """Let the learner inspect their own server as after an ``exec`` (``PR_SET_DUMPABLE``;
    the fork server holds nothing secret: no request, no hub environment)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)


def _read_request(conn: socket.socket) -> Request:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    if uid != 0:
        raise PermissionError("requests come from the hub (root) only")
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk or len(data) > MAX_REQUEST_BYTES:
            raise ValueError("incomplete request")
        data += chunk
    request: Request = json.loads(data)
    return request


def _child(conn: socket.socket, listener: socket.socket) -> int:
    """In the forked child: become the learner and run their server (see the module doc)."""
    listener.close()
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        request = _read_request(conn)
        os.setsid()
        drop_privileges(str(request["user"]))
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        _set_dumpable()
    except Exception as exc:
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
        return 1
    conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
    conn.close()
    from course.hub.singleuser import main as singleuser_main

    sys.argv = ["jupyterhub-singleuser", *[str(a) for a in request["argv"]]]
    return singleuser_main()


def _run_child(conn: socket.socket, listener: socket.socket) -> None:
    """The child's whole life: never returns into the fork server's loop."""
    code = 1
    try:
        code = _child(conn, listener)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(signum: int = 0, frame: object = None) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def serve(path: str) -> None:
    """Listen on ``path`` until stdin closes; fork a child per connection."""
    if threading.active_count() != 1:  # a thread would be lost in every child
        raise RuntimeError("the fork server must have no threads")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_umask)
    listener.listen(128)
    signal.signal(signal.SIGCHLD, _reap)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    print(f"course.hub.forkserver: ready, {len(sys.modules)} modules preloaded", file=sys.stderr)
    while True:
        for key, _events in selector.select():
            if key.fileobj is listener:
                conn, _ = listener.accept()
                try:
                    pid = os.fork()
                except OSError as exc:  # out of processes: this start fails, the hub says so
                    print(f"course.hub.forkserver: cannot fork: {exc}", file=sys.stderr)
                    pid = -1
                if pid == 0:
                    selector.close()
                    _run_child(conn, listener)
                conn.close()
            elif not os.read(sys.stdin.fileno(), 4096):
                return  # the hub has gone


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m course.hub.forkserver SOCKET", file=sys.stderr)
        return 2
    preload()
    gc.freeze()  # the preloaded objects: not scanned, so not copied, in every child
    try:
        serve(args[0])
    finally:
        with contextlib.suppress(OSError):
            os.unlink(args[0])
            os.rmdir(os.path.dirname(args[0]))  # the hub's private folder for it, if empty
    return 0


if __name__ == "__main__":  # pragma: no cover - started by course.hub.spawner
    sys.exit(main())
