"""An LMS room: what each end-to-end LTI module (tests/test_lti_hub*.py) runs its tests in.

The independent LMS of tests/lti_platform.py serving the module's people on 127.0.0.1; a hub
set up from the LMS's PLATFORM.json (and a roster, where the module has one), started on local
ports and told to the LMS; the grader's release of an assessment; and, at the end of the module,
the hub stopped and torn down (``hub_harness.stop_and_tear_down``). Each module's own room is a
subclass holding the stages it has reached (so each test can run on its own).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hub_harness import HubProcess, run_as, stop_and_tear_down

from course.hub.setup import SetupOptions, hub_paths, load_state, setup_hub
from tests.lti_platform import Person, Platform, PlatformServer

__all__ = ["LmsRoom", "open_room"]


@dataclass
class LmsRoom:
    base: Path
    prefix: str
    server: PlatformServer
    people: dict[str, Person]
    hub: HubProcess | None = None

    @property
    def hub_dir(self) -> Path:
        return self.base / "hub"

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def account(self, who: str) -> str:
        return f"{self.prefix}{who}"

    def admin_token(self) -> str:
        return (hub_paths(self.hub_dir)["secrets"] / "admin_token").read_text().strip()

    def set_up(self, courses: dict[str, str], roster: str | None = None, **lms: Any) -> None:
        """``ankle-course hub setup`` from the LMS's PLATFORM.json (its LMS courses
        ``courses``, and ``lms`` options such as ``frame_ancestors``) and the ``roster`` CSV."""
        platform_json = self.base / "PLATFORM.json"
        platform_json.write_text(json.dumps(self.server.platform_json(courses=courses, **lms)))
        roster_csv = None
        if roster is not None:
            roster_csv = self.base / "roster.csv"
            roster_csv.write_text(roster, encoding="utf-8")
        setup_hub(
            SetupOptions(
                roster=roster_csv,
                lti=platform_json,
                hub_dir=self.hub_dir,
                prefix=self.prefix,
                home_base=self.base / "home",
            )
        )

    def start(self, hub: HubProcess | None = None) -> HubProcess:
        """Start ``hub`` (a plain one when none is given) and tell the LMS the tool's URLs."""
        hub = hub or HubProcess(hub_dir=self.hub_dir)
        hub.start()
        self.hub = hub
        self.platform.tool_login_url = f"{hub.url}/hub/lti13/oauth_login"
        self.platform.tool_launch_url = f"{hub.url}/hub/lti13/oauth_callback"
        self.platform.tool_jwks_url = f"{hub.url}/hub/lti13/jwks"  # the LMS fetches the key
        return hub

    def release(self, assignment: str) -> None:
        """The first course's grader releases ``assignment``, as in its formgrader's terminal."""
        state = load_state(self.hub_dir)
        assert state is not None
        course = state.courses[0]
        done = run_as(
            course["grader"],
            "bash",
            "-c",
            f"ankle-course grade --course-dir . release {assignment} && "
            f"nbgrader release_assignment {assignment}",
            cwd=Path(course["course_dir"]),
        )
        assert done.returncode == 0, done.stdout + done.stderr


R = TypeVar("R", bound=LmsRoom)


@contextmanager
def open_room(
    kind: type[R], name: str, letter: str, context: str, people: dict[str, Person]
) -> Iterator[R]:
    """A ``kind`` room (its folder ``/tmp/ankle-<name>-*``, its accounts
    ``ac_<letter><random>_<who>``) with the LMS serving ``people`` in the LMS course
    ``context``; stopped and torn down at the end."""
    if os.geteuid() != 0:  # pragma: no cover - CI and the dev machines run as root
        pytest.fail("the hub tests create Unix users and must run as root")
    base = Path(tempfile.mkdtemp(prefix=f"ankle-{name}-"))
    os.chmod(base, 0o755)
    server = PlatformServer(Platform(context_id=context, members=list(people.values())))
    server.__enter__()
    room = kind(base, f"ac_{letter}{secrets.token_hex(3)}_", server, people)
    try:
        yield room
    finally:
        try:
            stop_and_tear_down(room)
        finally:  # the LMS's PLATFORM.json, the TLS files, what the probes wrote
            shutil.rmtree(base, ignore_errors=True)
