"""The class hub's spawner: JupyterHub's ``LocalProcessSpawner``, starting a few servers at a time.

When a whole class logs in at nine o'clock, sixty learner servers started at once share two
cores: every one of them is slow, and the hub itself (one process, one event loop) gets a
sixtieth of the CPU, so its pages and API answer in seconds instead of milliseconds (issue 25
measured one API call at 83 s). :class:`ClassSpawner` lets ``starting_at_once`` servers start
at the same time (by default one more than the machine has cores) and queues the others in
the order they came; a server's slot is free as soon as it answers HTTP. Learners waiting in
the queue see it on the hub's "server starting" page. Everything else is
``LocalProcessSpawner``'s: one Unix user per learner, the same command and environment.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from jupyterhub.httpclient import fetch
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Integer, default

__all__ = ["ClassSpawner", "default_starting_at_once"]


def default_starting_at_once() -> int:
    """One more than the machine's cores (a start also waits on the disk and the hub)."""
    return (os.cpu_count() or 1) + 1


class _Slots:
    """At most ``size`` starts at once, first come first served (one per hub event loop)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.semaphore = asyncio.Semaphore(size)
        self.waiting = 0


class ClassSpawner(LocalProcessSpawner):  # type: ignore[misc]
    """``LocalProcessSpawner`` with at most ``starting_at_once`` servers starting at a time."""

    starting_at_once = Integer(
        help="Servers that may be starting at the same time; the others wait their turn."
    ).tag(config=True)
    answer_poll_interval = Float(
        0.2, help="Seconds between checks whether a starting server answers HTTP yet."
    ).tag(config=True)

    _slots: ClassVar[_Slots | None] = None

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
            ip, port = await super().start()
            await self._answering(ip, port)
        finally:
            slots.semaphore.release()
        return ip, port

    async def _answering(self, ip: str, port: int) -> None:
        """Wait until the new server answers HTTP (any non-5xx), stops, or start_timeout."""
        url = f"http://{ip}:{port}{self.server.base_url if self.server else '/'}api"
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
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
