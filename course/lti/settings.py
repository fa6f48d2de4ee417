"""The LTI part of a hub folder: ``HUB_DIR/lti/platform.json`` (the checked PLATFORM.json,
root only), the tool's key in ``HUB_DIR/secrets/`` and the store ``HUB_DIR/lti/lti.sqlite``.
Written by ``ankle-course hub setup --lti``; read by the hub, ``hub lti-config``, ``hub
sync-roster`` and ``grade passback``.
"""

from __future__ import annotations

from pathlib import Path

from course.errors import LtiConfigError
from course.hub.courses import CoursePlan
from course.hub.state import load_state
from course.lti.config import PlatformConfig, load_platform
from course.lti.keys import ToolKey, load_tool_key
from course.lti.store import FOLDER

__all__ = ["AUTHENTICATOR", "course_dir_of", "course_plan", "load_lti", "platform_path"]

AUTHENTICATOR = "course.lti.authenticator.CourseLTIAuthenticator"
PLATFORM_FILE = "platform.json"


def platform_path(hub_dir: Path) -> Path:
    return hub_dir / FOLDER / PLATFORM_FILE


def load_lti(hub_dir: Path) -> tuple[PlatformConfig, ToolKey]:
    """The hub's platform settings and the tool's key; one line when LTI is not set up."""
    path = platform_path(hub_dir)
    if not path.exists():
        raise LtiConfigError(
            f"{hub_dir} is not connected to an LMS: run `ankle-course hub setup --lti "
            "PLATFORM.json` first"
        )
    return load_platform(path), load_tool_key(hub_dir)


def course_plan(hub_dir: Path, course: str) -> CoursePlan:
    state = load_state(hub_dir)
    if state is None:
        raise LtiConfigError(f"{hub_dir} has no class set up (no state.json)")
    for record in state.courses:
        if record.get("course_id") == course:
            return CoursePlan.from_record(record)
    known = ", ".join(str(r.get("course_id")) for r in state.courses) or "none"
    raise LtiConfigError(f"no course {course!r} on this hub (courses: {known})")


def course_dir_of(hub_dir: Path, course: str) -> Path:
    return Path(course_plan(hub_dir, course).course_dir)
