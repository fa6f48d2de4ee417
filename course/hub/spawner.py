"""The class hub's spawner: JupyterHub's ``LocalProcessSpawner``, starting a few servers at a time.

When a whole class logs in at nine o'clock, sixty learner servers started at once share two
cores: every one of them is slow, and the hub itself (one process, one event loop) gets a
sixtieth of the CPU, so its pages and API answer in seconds instead of milliseconds (issue 25
measured one API call at 83 s). :class:`ClassSpawner` lets ``starting_at_once`` servers start
at the same time (by default one more than the machine has cores) and queues the others in
the order they came; a server's slot is free as soon as it answers HTTP. Learners waiting in
the queue see it on the hub's "server starting" page.

Servers started with the course's single-user command (``python -m course.hub.singleuser``,
the same Python as the hub) are forked from :mod:`course.hub.forkserver`, which has imported
Jupyter once for the whole class: about 0.25 instead of 1.2 CPU-seconds per server (issue 25).
The hub tracks and stops each server by its process id, as after a hub restart. Any other
command, a hub not running as root, ``fork_server = False``, or a fork server that cannot be
reached starts the server with ``LocalProcessSpawner``'s own ``Popen``. Everything else is
``LocalProcessSpawner``'s: one Unix user per learner, the same command and environment.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from typing import IO, Any, ClassVar

from jupyterhub.httpclient import fetch
from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Bool, Float, Integer, default

from course.errors import HubSystemError
from course.hub.forkserver import IMPORT_TIME_ENV, same_import_time_env

__all__ = ["ClassSpawner", "default_starting_at_once"]


def default_starting_at_once() -> int:
    """One more than the machine's cores (a start also waits on the disk and the hub)."""
    return (os.cpu_count() or 1) + 1


def _zombie(pid: int) -> bool:
    """Whether process ``pid`` has exited and waits to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class _Slots:
    """At most ``size`` starts at once, first come first served (one per hub event loop)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.semaphore = asyncio.Semaphore(size)
        self.waiting = 0


SINGLEUSER_MODULE = "course.hub.singleuser"
FORK_SERVER_WAIT_S = 120.0  # its imports, on a busy machine


class _ForkServer:
    """The hub's one fork server process (see :mod:`course.hub.forkserver`)."""

    def __init__(self, output: IO[bytes] | None = None) -> None:
        """Start it; ``output`` takes its and its children's output (default: the hub's)."""
        folder = tempfile.mkdtemp(prefix="ankle-forkserver-")  # 0700: only root connects
        self.path = os.path.join(folder, "socket")
        # only what Python and the preloaded modules read at start: no hub secrets
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key == "PATH" or key.startswith(IMPORT_TIME_ENV)
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course.hub.forkserver", self.path],
            stdin=subprocess.PIPE,  # closes when the hub exits: the fork server exits too
            cwd="/",
            env=self.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.process.poll() is None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while True:
            try:
                return await asyncio.open_unix_connection(self.path)
            except OSError:
                if not self.alive() or time.monotonic() - self.started > FORK_SERVER_WAIT_S:
                    raise
                await asyncio.sleep(0.1)

    async def ready(self) -> None:
        """Wait until it accepts requests (its imports done)."""
        _reader, writer = await self._connect()
        writer.close()

    async def start(self, user: str, env: dict[str, str], argv: list[str]) -> int:
        """Fork a server for ``user``: its process id. OSError when the fork server cannot
        be reached (nothing was started); HubSystemError when the request was sent and no
        server reported back (the child could not become ``user``, or did not answer)."""
        reader, writer = await self._connect()
        try:
            writer.write(json.dumps({"user": user, "env": env, "argv": argv}).encode() + b"\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), FORK_SERVER_WAIT_S)
            reply = json.loads(line) if line else {"error": "no answer"}
        except (OSError, ValueError) as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            writer.close()
        if "pid" not in reply:
            raise HubSystemError(f"the fork server could not start {user}'s server: {reply}")
        return int(reply["pid"])


class ClassSpawner(LocalProcessSpawner):  # type: ignore[misc]
    """``LocalProcessSpawner`` with at most ``starting_at_once`` servers starting at a time."""

    starting_at_once = Integer(
        help="Servers that may be starting at the same time; the others wait their turn."
    ).tag(config=True)
    answer_poll_interval = Float(
        0.2, help="Seconds between checks whether a starting server answers HTTP yet."
    ).tag(config=True)

    fork_server = Bool(
        True,
        help="Fork servers run with course.hub.singleuser from one process that imported "
        "Jupyter once (course.hub.forkserver); needs a hub running as root.",
    ).tag(config=True)

    _slots: ClassVar[_Slots | None] = None
    _fork: ClassVar[_ForkServer | None] = None

    @default("starting_at_once")
    def _default_starting_at_once(self) -> int:
        return default_starting_at_once()

    def _get_slots(self) -> _Slots:
        cls = type(self)
        if cls._slots is None or cls._slots.size != self.starting_at_once:
            cls._slots = _Slots(max(1, self.starting_at_once))
        return cls._slots

    async def start(self) -> Any:
        slots = self._get_slots()
        slots.waiting += 1
        self._ahead = slots.waiting - 1
        try:
            await slots.semaphore.acquire()
        finally:
            slots.waiting -= 1
        self._ahead = 0
        try:
            ip, port = await self._start_process()
            await self._answering(ip, port)
        finally:
            slots.semaphore.release()
        return ip, port

    def _forks(self) -> bool:
        """Whether this server can be forked from the fork server (see the module doc)."""
        cmd = list(self.cmd)
        return bool(
            self.fork_server
            and os.geteuid() == 0
            and not self.shell_cmd
            and not self.popen_kwargs
            and len(cmd) == 3
            and cmd[1:] == ["-m", SINGLEUSER_MODULE]
            and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        )

    def _fork_server(self) -> _ForkServer:
        cls = type(self)
        if cls._fork is None or not cls._fork.alive():
            cls._fork = _ForkServer()
        return cls._fork

    async def _start_process(self) -> tuple[str, int]:
        """Fork the server from the fork server, or start it as ``LocalProcessSpawner``."""
        if not self._forks():
            return await super().start()  # type: ignore[no-any-return]
        fork = self._fork_server()
        if self.port == 0:  # type: ignore[has-type]
            self.port = random_port()  # before get_env: JUPYTERHUB_SERVICE_URL names it
        env = self.get_env()
        if not same_import_time_env(env, fork.env):
            self.log.info(
                "Starting %s's server without the fork server (environment)", self.user.name
            )
            return await super().start()  # type: ignore[no-any-return]
        argv = [*self.cmd[3:], *self.get_args()]
        try:
            pid = await fork.start(self.user.name, env, argv)
        except OSError as exc:
            self.log.warning(
                "Fork server unavailable (%s): starting %s's server with Popen", exc, self.user.name
            )
            return await super().start()  # type: ignore[no-any-return]
        self.log.info("Forked %s's server: process %i", self.user.name, pid)
        self.proc = None
        self.pid = pid
        return (self.ip or "127.0.0.1", self.port)

    async def poll(self) -> int | None:
        """``LocalProcessSpawner.poll``, with a server that has exited but is not yet reaped
        (a zombie: its fork server gone, and init not reaping) counted as stopped."""
        if self.proc is None and self.pid and _zombie(self.pid):
            self.clear_state()
            return 0
        return await super().poll()  # type: ignore[no-any-return]

    async def _answering(self, ip: str, port: int) -> None:
        """Wait until the new server answers HTTP (any non-5xx), stops, or start_timeout."""
        url = f"http://{ip}:{port}{self.server.base_url if self.server else '/'}api"
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if (self.proc is not None or self.pid) and await self.poll() is not None:
                return  # it stopped: the hub reports that as usual
            try:
                reply = await fetch(url, raise_for_status=False, allow_redirects=False)
            except Exception:  # not listening yet: refused, reset, timed out
                status = 599
            else:
                status = reply.status
                reply.release()
            if status < 500:
                return
            await asyncio.sleep(self.answer_poll_interval)

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        ahead = getattr(self, "_ahead", 0)
        if ahead:
            yield {
                "progress": 10,
                "message": f"Many learners are starting at once: {ahead} before you. "
                "Your server starts in a moment.",
            }
