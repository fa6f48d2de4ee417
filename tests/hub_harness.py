"""Drive a real class on localhost: PostgreSQL, the hub and each person's own server.

Used by the end-to-end test (tests/test_hub.py) and the load check (benchmarks/hub_load.py).
Every process started here is recorded by PID and stopped by PID; nothing listens beyond
127.0.0.1. Learners act only through their own single-user servers with their own tokens:
nbgrader's assignment-list REST API (what the Assignments tab calls), the contents API, and
terminals (a websocket, as JupyterLab's terminal uses).
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_services import HarnessError, free_port
from local_services import TempPostgres as TempPostgres  # the hub tests' and hub_load's import

from course.hub import system

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def wait_for(check: Any, *, timeout: float, what: str, interval: float = 0.2) -> Any:
    """Call ``check()`` until it returns something truthy; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except (OSError, HarnessError) as exc:
            last = exc
            result = None
        if result:
            return result
        time.sleep(interval)
    raise HarnessError(f"timed out after {timeout:.0f}s waiting for {what} ({last})")


def grant_left_behind(folder: Path, gid: int) -> bool:
    """Whether ``folder`` still holds the traverse grant of a torn-down hub's group ``gid``.

    Hub tests run side by side: once the group is deleted, another hub may create a group that
    reuses the freed gid and grant it on the same folder (e.g. /root). Such a grant is not ours.
    """
    if not system.has_traverse_grant(folder, gid):
        return False
    try:
        grp.getgrgid(gid)
    except KeyError:
        return True  # nobody holds the gid: the grant is ours, left behind
    return False


# --- the hub ------------------------------------------------------------------------------------


def hub_config_path() -> Path:
    """deploy/hub/jupyterhub_config.py of this checkout (ANKLE_HUB_CONFIG overrides)."""
    override = os.environ.get("ANKLE_HUB_CONFIG")
    if override:
        return Path(override)
    import course

    checkout = Path(next(iter(course.__path__))).resolve().parent
    return checkout / "deploy" / "hub" / "jupyterhub_config.py"


@dataclass
class HubProcess:
    """``jupyterhub`` as root on localhost ports, with its proxy; stopped by PID."""

    hub_dir: Path
    port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    proxy_pid: int | None = None
    server_pids: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # e.g. ANKLE_HUB_IDLE_TIMEOUT
    tls: tuple[Path, Path] | None = None  # (certificate, key): the proxy serves https

    @property
    def api_url(self) -> str:
        """The hub's REST API on its own port (what `ankle-course hub warm` talks to)."""
        return f"http://127.0.0.1:{self.api_port}/hub/api"

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.hub_dir / "runtime" / "jupyterhub.log"

    def start(self, *, timeout: float = 60) -> None:
        env = {
            "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "ANKLE_HUB_DIR": str(self.hub_dir),
            "ANKLE_HUB_PORT": str(self.port),
            "ANKLE_HUB_API_PORT": str(self.api_port),
            "ANKLE_HUB_PROXY_API_PORT": str(self.proxy_api_port),
            **(
                {"ANKLE_HUB_SSL_CERT": str(self.tls[0]), "ANKLE_HUB_SSL_KEY": str(self.tls[1])}
                if self.tls
                else {}
            ),
            **self.env,
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.prefix) / "bin" / "jupyterhub"), "-f", str(hub_config_path())],
            cwd=self.hub_dir / "runtime",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # as a script's background job starts it (SIGINT ignored): the hub must still stop
            # its servers and services in time (jupyterhub_config.py; the teardown tests)
            preexec_fn=_ignore_sigint,
        )
        log.close()

        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise HarnessError(f"the hub exited: {self.log_tail()}")
            try:
                context = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else None
                with urllib.request.urlopen(
                    f"{self.url}/hub/api/", timeout=5, context=context
                ) as response:
                    return bool(response.status == 200)
            except urllib.error.HTTPError as exc:  # the proxy answers before the hub is up
                exc.close()
                return False

        wait_for(ready, timeout=timeout, what="the hub to answer")
        pid_file = self.hub_dir / "runtime" / "proxy.pid"
        self.proxy_pid = int(
            wait_for(lambda: pid_file.read_text().strip(), timeout=10, what="proxy.pid")
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def pids(self) -> list[int]:
        """The hub, its proxy and every single-user server it reported."""
        found = [*self.server_pids.values()]
        if self.proxy_pid:
            found.append(self.proxy_pid)
        if self.process is not None:
            found.append(self.process.pid)
        return found

    def stop(self, *, timeout: float = 30) -> list[int]:
        """Stop the hub (it stops servers and proxy); then stop by PID whatever is left."""
        if self.process is None:
            return []
        pids = self.pids()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        # The hub has signalled its servers and proxy; give them a moment to finish exiting
        # (a server can still be writing its last log lines when the hub's process ends).
        deadline = time.monotonic() + 10
        while (alive := [pid for pid in pids if system.pid_alive(pid)]) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
        system.stop_pids(alive)
        self.process = None
        return alive


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- HTTP ---------------------------------------------------------------------------------------


class HttpError(HarnessError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


def request(method: str, url: str, token: str, body: Any = None, *, timeout: float = 120) -> Any:
    """One JSON request with a token; returns the decoded body (``None`` when empty)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            detail = exc.read().decode(errors="replace")[:300]
        raise HttpError(exc.code, f"{method} {url}: {detail}") from None
    return json.loads(raw) if raw.strip() else None


@dataclass
class HubAdmin:
    """The hub REST API with the automation service's token (root-only secret)."""

    hub: HubProcess
    token: str

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return request(method, f"{self.hub.url}/hub/api{path}", self.token, body)

    def user_token(self, name: str) -> str:
        reply = self.api(
            "POST", f"/users/{name}/tokens", {"note": "ankle-course harness", "expires_in": 7200}
        )
        return str(reply["token"])

    def start_server(self, name: str, *, timeout: float = 180) -> float:
        """Start ``name``'s server; return seconds until the hub reports it ready.

        Waits on the hub's spawn-progress event stream (what the hub's own "server starting"
        page uses) rather than polling: 20 learners polling the API four times a second would
        keep the hub busy and slow the very starts being measured.
        """
        started = time.monotonic()
        with contextlib.suppress(HttpError):  # 400 when already running
            self.api("POST", f"/users/{name}/server")
        self._wait_ready(name, timeout)
        elapsed = time.monotonic() - started
        server = self.api("GET", f"/users/{name}").get("servers", {}).get("")
        if not (server and server.get("ready")):
            raise HarnessError(f"{name}'s server failed to start: {self.hub.log_tail()}")
        pid = (server.get("state") or {}).get("pid")
        if pid:
            self.hub.server_pids[name] = int(pid)
        return elapsed

    def _wait_ready(self, name: str, timeout: float) -> None:
        url = f"{self.hub.url}/hub/api/users/{name}/server/progress"
        req = urllib.request.Request(url, headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as stream:
                for raw in stream:
                    line = raw.decode(errors="replace").strip()
                    if not line.startswith("data:"):
                        continue
                    event = json.loads(line[5:])
                    if event.get("ready"):
                        return
                    if event.get("failed"):
                        raise HarnessError(
                            f"{name}'s server failed to start: {event.get('message')}\n"
                            f"{self.hub.log_tail()}"
                        )
        except urllib.error.HTTPError as exc:  # 400: not starting (ready already, or failed)
            exc.close()
        except TimeoutError as exc:
            waited = f"timed out after {timeout:.0f}s waiting for {name}'s server"
            raise HarnessError(waited) from exc


@dataclass
class UserSession:
    """One person acting through their own single-user server with their own token."""

    hub: HubProcess
    name: str
    token: str

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 120) -> Any:
        return request(method, f"{self.base}{path}", self.token, body, timeout=timeout)

    # nbgrader's assignment list (the learner's "Assignments" tab)
    def assignments(self, course_id: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"course_id": course_id})
        reply = self.api("GET", f"/assignments?{query}")
        if not reply.get("success"):
            raise HarnessError(f"{self.name}: listing assignments failed: {reply.get('value')}")
        return list(reply["value"])

    def _action(self, action: str, course_id: str, assignment_id: str) -> Any:
        body = {"course_id": course_id, "assignment_id": assignment_id}
        reply = self.api("POST", f"/assignments/{action}", body)
        if not reply.get("success"):
            raise HarnessError(f"{self.name}: {action} failed: {reply.get('value')}")
        return reply["value"]

    def status(self, course_id: str, assignment_id: str) -> set[str]:
        return {
            a["status"] for a in self.assignments(course_id) if a["assignment_id"] == assignment_id
        }

    def fetch(self, course_id: str, assignment_id: str) -> None:
        self._action("fetch", course_id, assignment_id)
        if "fetched" not in self.status(course_id, assignment_id):
            raise HarnessError(f"{self.name}: {assignment_id} was not fetched")

    def submit(self, course_id: str, assignment_id: str) -> None:
        self._action("submit", course_id, assignment_id)
        if "submitted" not in self.status(course_id, assignment_id):
            raise HarnessError(f"{self.name}: {assignment_id} shows no submission")

    def fetch_feedback(self, course_id: str, assignment_id: str) -> list[dict[str, Any]]:
        """Fetch feedback; return the submitted entries that now have local feedback."""
        self._action("fetch_feedback", course_id, assignment_id)
        entries = [
            a
            for a in self.assignments(course_id)
            if a["assignment_id"] == assignment_id and a["status"] == "submitted"
        ]
        return [s for e in entries for s in e.get("submissions", []) if s.get("has_local_feedback")]

    # the contents API
    def read_json(self, path: str) -> Any:
        return self.api("GET", f"/api/contents/{urllib.parse.quote(path)}?content=1")["content"]

    def read_text(self, path: str) -> str:
        query = "?content=1&type=file&format=text"
        return str(self.api("GET", f"/api/contents/{urllib.parse.quote(path)}{query}")["content"])

    def write_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        body = {"type": "notebook", "format": "json", "content": notebook}
        self.api("PUT", f"/api/contents/{urllib.parse.quote(path)}", body)

    def list_dir(self, path: str) -> list[str]:
        reply = self.api("GET", f"/api/contents/{urllib.parse.quote(path)}?content=1")
        return [entry["name"] for entry in reply["content"]]

    # terminals
    def run(self, command: str, *, timeout: float = 300) -> tuple[int, str]:
        """Run a shell command in a JupyterLab terminal of this server; (status, output)."""
        return asyncio.run(self._run(command, timeout))

    async def _run(self, command: str, timeout: float) -> tuple[int, str]:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        terminal = self.api("POST", "/api/terminals", {})["name"]
        ws_url = self.base.replace("http://", "ws://") + f"/terminals/websocket/{terminal}"
        conn = await websocket_connect(
            HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"})
        )
        marker = secrets.token_hex(4)
        done = re.compile(rf"__AC_{marker}_(\d+)__")
        output = ""
        try:
            conn.write_message(json.dumps(["set_size", 50, 250, 1000, 1000]))
            line = f"{command}; echo __AC_{marker}_$?__\r"
            conn.write_message(json.dumps(["stdin", line]))
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise HarnessError(f"{self.name}: {command!r} timed out:\n{output[-2000:]}")
                message = await asyncio.wait_for(conn.read_message(), remaining)
                if message is None:
                    raise HarnessError(f"{self.name}: terminal closed:\n{output[-2000:]}")
                kind, *payload = json.loads(message)
                if kind == "stdout":
                    output += str(payload[0])
                    clean = _ANSI.sub("", output).replace("\r", "")
                    found = done.search(clean)
                    if found:
                        return int(found.group(1)), clean[: found.start()]
        finally:
            conn.close()
            with contextlib.suppress(asyncio.TimeoutError):
                while await asyncio.wait_for(conn.read_message(), 5) is not None:
                    pass
            with contextlib.suppress(HttpError):
                self.api("DELETE", f"/api/terminals/{terminal}")

    def probe(self, paths: list[str]) -> dict[str, str]:
        """Try to list or read each path as this user: 'ok' or the error's class name."""
        script = (
            "import json,os,sys\n"
            "r={}\n"
            "for p in sys.argv[1:]:\n"
            "    try:\n"
            "        (os.listdir(p) if os.path.isdir(p) else open(p,'rb').read(1)); r[p]='ok'\n"
            "    except OSError as e:\n"
            "        r[p]=type(e).__name__\n"
            "print('PROBE'+json.dumps(r))\n"
        )
        quoted = " ".join(_shell_quote(p) for p in paths)
        status, output = self.run(f"python -c {_shell_quote(script)} {quoted}")
        match = re.search(r"^PROBE(\{.*\})\s*$", output, re.MULTILINE)
        if status != 0 or not match:
            raise HarnessError(f"{self.name}: probe failed ({status}):\n{output[-2000:]}")
        return dict(json.loads(match.group(1)))


@dataclass
class ServiceSession(UserSession):
    """A person acting through a hub service (a course's formgrader) with their own token.

    The service is a Jupyter server run as the course's grader account; ``name`` is the person.
    """

    service: str = ""

    @property
    def base(self) -> str:
        return f"{self.hub.url}/services/{self.service}"

    def wait_ready(self, *, timeout: float = 120) -> None:
        """Until the service's server answers this person through the proxy."""

        def answered() -> bool:
            try:
                return bool(self.api("GET", "/api/status", timeout=10))
            except HttpError as exc:
                if exc.status == 403:
                    raise
                return False

        wait_for(answered, timeout=timeout, what=f"the service {self.service}", interval=0.5)


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


# --- answering a released notebook from the instructor's source (full marks) ------------------

_SOLUTION_MARKERS = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$", re.MULTILINE)
_SOLUTION_BLOCK = re.compile(
    r"^\s*#+\s*BEGIN SOLUTION\s*$(.*?)^\s*#+\s*END SOLUTION\s*$", re.MULTILINE | re.DOTALL
)


def answered(
    released: dict[str, Any], source: dict[str, Any], share: float = 1.0
) -> dict[str, Any]:
    """The released notebook with the first ``share`` of its answer cells solved from source.

    Each answer is written as a learner writes it: the solution's ``name = value`` lines take
    the place of the released ``name = None`` lines (a cell without those gets the solution).
    """
    solutions = {}
    for cell in source["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            block = _SOLUTION_BLOCK.search(text)
            solution = block.group(1) if block else _SOLUTION_MARKERS.sub("", text)
            solutions[meta["grade_id"]] = solution.strip("\n") + "\n"
    notebook: dict[str, Any] = json.loads(json.dumps(released))
    answer_cells = [
        cell
        for cell in notebook["cells"]
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in solutions
    ]
    for cell in answer_cells[: round(len(answer_cells) * share)]:
        solution = solutions[cell["metadata"]["nbgrader"]["grade_id"]]
        cell["source"] = _fill_in(_text(cell["source"]), solution)
    return notebook


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _fill_in(released: str, solution: str) -> str:
    """Replace each ``name = None`` placeholder with the solution's line for ``name``."""
    lines = {
        match.group(1): line
        for line in solution.splitlines()
        if (match := re.match(r"^(\w+)\s*=", line))
    }
    placeholders = [re.match(r"^(\w+)\s*=\s*None\s*$", line) for line in released.splitlines()]
    if not any(m and m.group(1) in lines for m in placeholders):
        return solution
    filled = [
        lines[m.group(1)] if m and m.group(1) in lines else line
        for m, line in zip(placeholders, released.splitlines(), strict=True)
    ]
    return "\n".join(filled) + "\n"


def run_as(user: str, *command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``command`` as the Unix account ``user`` (its groups, home and this venv on PATH)."""
    import pwd

    entry = pwd.getpwnam(user)
    return subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd or entry.pw_dir,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=os.getgrouplist(user, entry.pw_gid),
        env={
            "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
            "HOME": entry.pw_dir,
            "LANG": "C.UTF-8",
        },
        timeout=600,
    )


def stop_and_tear_down(room: Any) -> list[str]:
    """The end of an LTI hub test module: stop ``room.hub`` (if running) and ``room.server``
    (the LMS), tear the hub down if it was set up; the accounts it had created."""
    from course.hub.setup import load_state, teardown_hub

    if room.hub is not None:
        room.hub.stop()
        room.hub = None
    room.server.stop()
    state = load_state(room.hub_dir)
    if state is None:
        return []
    created = list(state.created_users)
    teardown_hub(room.hub_dir)
    return created
