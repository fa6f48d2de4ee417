"""The hub's fork server (course.hub.forkserver) and the spawner's use of it.

A real fork server, started as the hub's spawner starts it (as root: marked ``root``), forks a
real learner-mode single-user server as the unprivileged ``nobody`` against a stand-in hub API
on 127.0.0.1;
the tests read what the child became from ``/proc``. The whole hub with the fork server is
tested by tests/test_hub.py (the hub's default spawner forks every server).
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from course.errors import HubSystemError
from course.hub import spawner as spawner_module
from course.hub.forkserver import import_time_env, same_import_time_env
from course.hub.spawner import ClassSpawner, _ForkServer
from course.roles import HUB_LEARNER

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from local_services import cpu_seconds, free_port, proc_stat
from server_start import _Hub

pytestmark = pytest.mark.root  # the fork server runs as root and drops to `nobody`
USER = "nobody"


@pytest.fixture(scope="module")
def hub_api() -> Iterator[str]:
    hub = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{hub.server_address[1]}"
    hub.shutdown()
    hub.server_close()


@pytest.fixture(scope="module")
def fork_server() -> Iterator[_ForkServer]:
    os.environ["ANKLE_TEST_HUB_SECRET"] = "s3cret"  # a hub secret the fork server must not get
    try:
        server = _ForkServer()
    finally:
        del os.environ["ANKLE_TEST_HUB_SECRET"]
    yield server
    assert server.process.stdin is not None
    server.process.stdin.close()  # as when the hub exits
    assert server.process.wait(timeout=30) == 0
    assert not os.path.exists(server.path)


def _server_env(folder: Path, hub_url: str, port: int) -> dict[str, str]:
    prefix = "/user/learner/"
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "USER": USER,
        "JUPYTER_CONFIG_PATH": str(HUB_LEARNER.write_config_dir(folder.parent / "role")),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTERHUB_API_TOKEN": "learner-token",
        "JUPYTERHUB_API_URL": f"{hub_url}/hub/api",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_USER": "learner",
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}{prefix}",
        "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-learner",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_ACTIVITY_URL": f"{hub_url}/hub/api/users/learner/activity",
    }


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _answers(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/user/learner/api/status"):
                return True
        except urllib.error.HTTPError as exc:
            exc.close()
            return True  # a login is asked for: it answers
        except OSError:
            time.sleep(0.05)
    return False


def _gone(pid: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True  # exited and reaped by the fork server (no zombie left)
        time.sleep(0.05)
    return False


def test_a_forked_learner_server_answers_cheaply_and_stops_when_told(
    fork_server: _ForkServer, hub_api: str
) -> None:
    top = Path(tempfile.mkdtemp(prefix="ankle-fork-test-"))  # pytest's folders are root's only
    top.chmod(0o755)
    folder = top / "home"
    folder.mkdir()
    shutil.chown(folder, USER)
    port = free_port()
    env = _server_env(folder, hub_api, port)
    argv = [*HUB_LEARNER.server_args(), f"--ServerApp.root_dir={folder}"]
    pid = asyncio.run(fork_server.start(USER, env, argv))
    try:
        assert _answers(port, time.monotonic() + 60)
        assert _status(pid)["Uid"].split()[0] == str(pwd.getpwnam(USER).pw_uid)
        assert cpu_seconds(proc_stat(pid)) < 1.0  # it imported nothing heavy itself (about 0.25)
    finally:
        os.kill(pid, signal.SIGTERM)
        assert _gone(pid, time.monotonic() + 30)
        shutil.rmtree(top)


def test_the_fork_server_holds_no_hub_secret_and_refuses_root(fork_server: _ForkServer) -> None:
    # a forked server's /proc/PID/environ shows this start environment (not its own)
    environ = Path(f"/proc/{fork_server.process.pid}/environ").read_bytes()
    assert b"ANKLE_TEST_HUB_SECRET" not in environ
    assert b"s3cret" not in environ
    with pytest.raises(HubSystemError, match="no server as root"):
        asyncio.run(fork_server.start("root", {"PATH": os.environ["PATH"]}, []))
    with pytest.raises(HubSystemError, match="KeyError"):
        asyncio.run(fork_server.start("no-such-learner-xyz", {}, []))
    assert fork_server.alive()  # a failed child costs the fork server nothing


PROBE_SERVER = """
import json, os, sys
import course.hub.singleuser
from course.hub import forkserver

def probe():
    fds = sorted(os.listdir("/proc/self/fd"))  # before opening anything
    status = open("/proc/self/status").read()
    with open(os.environ["PROBE_OUT"], "w") as out:
        json.dump({
            "env": dict(os.environ), "argv": sys.argv, "cwd": os.getcwd(),
            "resuid": os.getresuid(), "resgid": os.getresgid(), "groups": os.getgroups(),
            "sid": os.getsid(0), "pid": os.getpid(), "fds": fds,
            "stdin": os.readlink("/proc/self/fd/0"),
            "cap": [l for l in status.splitlines() if l.startswith("CapEff")][0].split()[1],
            "sigchld_default": __import__("signal").getsignal(17) == __import__("signal").SIG_DFL,
        }, out)
    return 3

course.hub.singleuser.main = probe
forkserver.serve(sys.argv[1])
"""


@pytest.fixture(scope="module")
def probe_server() -> Iterator[_ForkServer]:
    """A fork server whose children report what they became instead of serving Jupyter."""
    server = _ForkServer.__new__(_ForkServer)
    folder = tempfile.mkdtemp(prefix="ankle-forkserver-test-")
    server.path = os.path.join(folder, "socket")
    server.env = {"PATH": os.environ["PATH"]}
    server.process = subprocess.Popen(
        [sys.executable, "-c", PROBE_SERVER, server.path],
        stdin=subprocess.PIPE,
        cwd="/",
        env=server.env,
        start_new_session=True,
    )
    server.started = time.monotonic()
    yield server
    assert server.process.stdin is not None
    server.process.stdin.close()
    assert server.process.wait(timeout=30) == 0
    shutil.rmtree(folder, ignore_errors=True)


def test_a_forked_child_is_the_learner_alone_with_the_spawners_environment(
    probe_server: _ForkServer,
) -> None:
    top = Path(tempfile.mkdtemp(prefix="ankle-fork-probe-"))
    top.chmod(0o777)
    out = top / "probe.json"
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "PROBE_OUT": str(out), "X": "y"}
    pid = asyncio.run(probe_server.start(USER, env, ["--flag", "a b"]))
    try:
        assert _gone(pid, time.monotonic() + 30)  # it exited and the fork server reaped it
        seen = json.loads(out.read_text())
    finally:
        shutil.rmtree(top)
    entry = pwd.getpwnam(USER)
    assert seen["pid"] == pid
    assert seen["env"] == env  # exactly the spawner's environment, nothing of the fork server
    assert seen["argv"] == ["jupyterhub-singleuser", "--flag", "a b"]
    assert seen["resuid"] == [entry.pw_uid] * 3
    assert seen["resgid"] == [entry.pw_gid] * 3
    assert set(seen["groups"]) == set(os.getgrouplist(USER, entry.pw_gid))
    assert seen["cap"] == "0000000000000000"
    assert seen["sid"] == pid  # its own session: the hub's signals are not forwarded
    assert seen["stdin"] == os.devnull  # not the pipe from the hub
    assert len(seen["fds"]) == 4  # stdin, stdout, stderr and the listing: nothing inherited
    assert seen["sigchld_default"]  # its own children are its to wait for
    assert seen["cwd"] != "/nonexistent"  # no home folder: a temporary one, as the hub does
    assert probe_server.alive()


def test_only_the_course_command_with_the_same_start_up_environment_is_forked() -> None:
    course = [sys.executable, "-m", "course.hub.singleuser"]
    assert ClassSpawner(cmd=course)._forks()
    assert not ClassSpawner(cmd=course, fork_server=False)._forks()
    assert not ClassSpawner(cmd=["jupyterhub-singleuser"])._forks()
    # another Python than the hub's (not /usr/bin/python3: a venv made from Debian's Python
    # resolves to that very file, and then it is the hub's own)
    other = ["/opt/another-python/bin/python3", "-m", "course.hub.singleuser"]
    assert not ClassSpawner(cmd=other)._forks()
    assert not ClassSpawner(cmd=course, shell_cmd=["bash", "-c"])._forks()
    hub = {"PATH": "/bin", "LANG": "C.UTF-8"}
    assert same_import_time_env({**hub, "HOME": "/home/a", "JUPYTERHUB_API_TOKEN": "t"}, hub)
    assert not same_import_time_env({**hub, "PYTHONPATH": "/home/a"}, hub)
    assert not same_import_time_env({**hub, "JUPYTERHUB_SINGLEUSER_APP": "notebook"}, hub)
    assert not same_import_time_env({"PATH": "/bin", "LANG": "de_DE.UTF-8"}, hub)
    assert import_time_env({"LD_PRELOAD": "x", "HOME": "/h"}) == {"LD_PRELOAD": "x"}


def test_the_spawner_starts_servers_itself_when_the_fork_server_is_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[str] = []

    async def popen_start(self: ClassSpawner) -> tuple[str, int]:
        started.append("popen")
        return "127.0.0.1", 1

    class _Down:
        env: ClassVar[dict[str, str]] = {"PATH": os.environ["PATH"]}

        async def start(self, user: str, env: dict[str, str], argv: list[str]) -> int:
            raise ConnectionRefusedError("no fork server")

    monkeypatch.setattr(spawner_module.LocalProcessSpawner, "start", popen_start)
    monkeypatch.setattr(ClassSpawner, "_fork_server", lambda self: _Down())
    monkeypatch.setattr(ClassSpawner, "get_env", lambda self: dict(_Down.env))
    monkeypatch.setattr(ClassSpawner, "get_args", lambda self: [])
    spawner = ClassSpawner(cmd=[sys.executable, "-m", "course.hub.singleuser"])
    spawner.user = type("U", (), {"name": USER})()
    assert asyncio.run(spawner._start_process()) == ("127.0.0.1", 1)
    assert started == ["popen"]


def test_the_forked_server_is_told_the_port_the_hub_waits_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[dict[str, str]] = []

    class _Recording:
        env: ClassVar[dict[str, str]] = {"PATH": os.environ["PATH"]}

        async def start(self, user: str, env: dict[str, str], argv: list[str]) -> int:
            sent.append(env)
            return 4242

    def get_env(self: ClassSpawner) -> dict[str, str]:  # as Spawner.get_env names the port
        return {
            "PATH": os.environ["PATH"],
            "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{self.port}/",
        }

    monkeypatch.setattr(ClassSpawner, "_fork_server", lambda self: _Recording())
    monkeypatch.setattr(ClassSpawner, "get_env", get_env)
    monkeypatch.setattr(ClassSpawner, "get_args", lambda self: [])
    spawner = ClassSpawner(cmd=[sys.executable, "-m", "course.hub.singleuser"])
    spawner.user = type("U", (), {"name": USER})()
    _ip, port = asyncio.run(spawner._start_process())
    assert port != 0
    assert sent[0]["JUPYTERHUB_SERVICE_URL"] == f"http://127.0.0.1:{port}/"
    assert (spawner.pid, spawner.proc) == (4242, None)  # tracked by pid, as after a restart


def test_a_server_that_exited_unreaped_counts_as_stopped() -> None:
    # a forked server outliving its fork server is reaped by init; until then it is a zombie
    exited = subprocess.Popen(["true"])
    deadline = time.monotonic() + 10
    while "Z" not in Path(f"/proc/{exited.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    spawner = ClassSpawner()
    spawner.pid = exited.pid
    assert asyncio.run(spawner.poll()) == 0
    assert spawner.pid == 0
    exited.wait()
    running = ClassSpawner()
    running.pid = os.getpid()
    assert asyncio.run(running.poll()) is None
