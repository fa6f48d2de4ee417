"""The class hub's spawner starts a few servers at a time, in order (course.hub.spawner).

No hub here: ``LocalProcessSpawner.start`` is replaced by a stand-in that records how many
starts overlap; the wait for a server to answer is tested against a real HTTP server on
127.0.0.1.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from jupyterhub.spawner import LocalProcessSpawner

from course.hub.spawner import ClassSpawner, default_starting_at_once


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_at_most_starting_at_once_servers_start_together_first_come_first_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running: list[int] = []
    peak: list[int] = []
    began: list[int] = []

    async def start(self: ClassSpawner) -> tuple[str, int]:
        began.append(self.n)
        running.append(self.n)
        peak.append(len(running))
        return "127.0.0.1", 1000 + self.n

    async def answering(self: ClassSpawner, ip: str, port: int) -> None:
        await asyncio.sleep(0.05)
        running.remove(self.n)

    monkeypatch.setattr(LocalProcessSpawner, "start", start)
    monkeypatch.setattr(ClassSpawner, "_answering", answering)
    monkeypatch.setattr(ClassSpawner, "_slots", None)

    async def main() -> list[Any]:
        spawners = []
        for n in range(7):
            spawner = ClassSpawner(starting_at_once=3)
            spawner.n = n
            spawners.append(spawner)
        return await asyncio.gather(*(s.start() for s in spawners))

    results = asyncio.run(main())
    assert results == [("127.0.0.1", 1000 + n) for n in range(7)]
    assert max(peak) == 3  # never more than three at once
    assert began == list(range(7))  # in the order they asked
    assert running == []


def test_a_waiting_learner_is_told_how_many_are_before_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = asyncio.Event()

    async def start(self: ClassSpawner) -> tuple[str, int]:
        await release.wait()
        return "127.0.0.1", 1

    async def answering(self: ClassSpawner, ip: str, port: int) -> None:
        return None

    monkeypatch.setattr(LocalProcessSpawner, "start", start)
    monkeypatch.setattr(ClassSpawner, "_answering", answering)
    monkeypatch.setattr(ClassSpawner, "_slots", None)

    async def main() -> list[dict[str, Any]]:
        first, second, third = (ClassSpawner(starting_at_once=1) for _ in range(3))
        tasks = [asyncio.create_task(s.start()) for s in (first, second, third)]
        await asyncio.sleep(0.05)
        said = [event async for event in third.progress()]
        assert [event async for event in first.progress()] == []  # starting, not waiting
        release.set()
        await asyncio.gather(*tasks)
        assert [event async for event in third.progress()] == []  # its turn came
        return said

    said = asyncio.run(main())
    assert len(said) == 1
    assert "1 before you" in said[0]["message"]  # the second waits too; the first starts


def test_the_slot_is_free_when_the_server_answers_http() -> None:
    port = _free_port()
    answered: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        answered.append(await reader.readline())
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")  # any non-5xx
        await writer.drain()
        writer.close()

    async def main() -> float:
        spawner = ClassSpawner(answer_poll_interval=0.05, start_timeout=20)

        async def listen_later() -> asyncio.Server:
            await asyncio.sleep(0.3)  # the server is still starting: refused until then
            return await asyncio.start_server(handle, "127.0.0.1", port)

        later = asyncio.create_task(listen_later())
        loop = asyncio.get_running_loop()
        began = loop.time()
        await spawner._answering("127.0.0.1", port)
        waited = loop.time() - began
        server = await later
        server.close()
        return waited

    waited = asyncio.run(main())
    assert 0.3 <= waited < 5
    assert answered
    assert answered[0].startswith(b"GET /api ")


def test_the_default_is_one_more_than_the_cores() -> None:
    assert ClassSpawner().starting_at_once == default_starting_at_once() >= 2
