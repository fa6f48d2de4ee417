"""Start learners' servers before a lecture (``ankle-course hub warm``), a few at a time.

Sixty learners logging in at nine o'clock all wait for their servers to start at once; started
ahead through the hub's REST API (with the automation service's token, a root-only secret),
each login finds a running server. A few starts run at a time (``parallel``) so the hub stays
responsive for the learners already in; the idle culler (``jupyterhub-idle-culler``, a hub
service in ``deploy/hub/jupyterhub_config.py``) stops warmed servers nobody uses.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.errors import HubError
from course.hub.courses import CoursePlan
from course.hub.state import HubState, hub_paths

__all__ = ["DEFAULT_API", "WarmReport", "course_learners", "warm_servers"]

DEFAULT_API = "http://127.0.0.1:8081/hub/api"  # ANKLE_HUB_API_PORT's default


@dataclass
class WarmReport:
    """Who was started, who was running already, and who failed (with the hub's reason)."""

    started: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def course_learners(state: HubState, course: str) -> list[str]:
    """The learner accounts of ``course`` on this hub; ``HubError`` naming the courses."""
    if state.by_course:
        plans = {p.course_id: p for p in map(CoursePlan.from_record, state.courses)}
        if course not in plans:
            raise HubError(f"no course {course!r} on this hub; courses: {', '.join(plans)}")
        return plans[course].learners
    if course != state.course_id:
        raise HubError(f"no course {course!r} on this hub; its course is {state.course_id!r}")
    return state.learner_names


def admin_token(hub_dir: Path) -> str:
    path = hub_paths(hub_dir)["secrets"] / "admin_token"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise HubError(f"cannot read the hub's automation token {path}: {exc.strerror}") from exc


class _Api:
    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def __call__(self, method: str, path: str) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                body = reply.read()
                return reply.status, json.loads(body) if body else None
        except urllib.error.HTTPError as exc:
            with exc:
                detail = exc.read().decode(errors="replace")
            with contextlib.suppress(ValueError, AttributeError):  # not JSON: keep the text
                detail = str(json.loads(detail).get("message", detail))
            return exc.code, detail
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HubError(
                f"the hub's API at {self.url} does not answer ({reason}); is the hub running? "
                "(--api-url)"
            ) from exc


def _server(api: _Api, name: str) -> dict[str, Any] | None:
    status, user = api("GET", f"/users/{name}")
    if status == 404:
        raise HubError(f"{name} is not a user of this hub")
    if status >= 400:
        raise HubError(f"the hub refused to show {name} ({status}: {user})")
    server = (user.get("servers") or {}).get("")
    return server if isinstance(server, dict) else None


def _warm_one(api: _Api, name: str, timeout: float) -> tuple[str, float]:
    """Start ``name``'s server and wait until the hub says it is ready."""
    begun = time.monotonic()
    server = _server(api, name)
    if server and server.get("ready"):
        return "running", 0.0
    if not server:
        status, detail = api("POST", f"/users/{name}/server")
        if status not in (201, 202, 400):  # 400: already starting
            raise HubError(f"the hub did not start {name}'s server ({status}: {detail})")
    delay = 0.5
    while time.monotonic() - begun < timeout:
        server = _server(api, name)
        if server and server.get("ready"):
            return "started", time.monotonic() - begun
        if not server:  # the spawn failed and the hub forgot the server
            raise HubError(f"{name}'s server stopped while starting (see the hub's log)")
        time.sleep(delay)
        delay = min(delay * 1.5, 3.0)  # few requests: the hub keeps answering the others
    raise HubError(f"{name}'s server was not ready after {timeout:.0f} s")


def warm_servers(
    names: list[str],
    *,
    api_url: str,
    token: str,
    parallel: int = 4,
    timeout: float = 180.0,
    on_done: Callable[[str, str], None] | None = None,
) -> WarmReport:
    """Start the servers of ``names``, ``parallel`` at a time; ``on_done(name, outcome)``
    after each (``started``, ``running`` or ``failed``). Failures are reported, not raised,
    so one broken account does not keep the rest of the class cold."""
    if parallel < 1:
        raise HubError(f"--parallel must be at least 1, not {parallel}")
    api = _Api(api_url, token, timeout=30.0)
    status, detail = api("GET", "/user")  # a reachable hub and a valid token, before any start
    if status >= 400:
        raise HubError(f"the hub's API refused the automation token ({status}: {detail})")
    report = WarmReport()

    def one(name: str) -> None:
        try:
            outcome, seconds = _warm_one(api, name, timeout)
        except HubError as exc:
            report.failed[name] = str(exc)
            outcome = "failed"
        else:
            (report.started if outcome == "started" else report.running).append(name)
            report.seconds[name] = seconds
        if on_done is not None:
            on_done(name, outcome)

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, names))
    return report
