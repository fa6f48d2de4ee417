"""``ankle-course hub setup --lti PLATFORM.json``: the LMS part of a class set-up.

The LMS courses named in PLATFORM.json's ``courses`` become hub courses (the same course
folder, grader account, groups and exchange as a roster's ``course`` column), empty until
people launch; the checked platform settings go to ``HUB_DIR/lti/`` and the tool's key pair
is made (:mod:`course.lti.keys`). Everything is recorded in ``state.json`` for teardown.
"""

from __future__ import annotations

import os
from pathlib import Path

from course.errors import HubSetupError, LtiConfigError
from course.hub.config import role_folder
from course.hub.courses import COURSES_FOLDER, CoursePlan, course_group, grader_name
from course.hub.state import HubState
from course.lti.config import PlatformConfig, load_platform
from course.lti.frame import write_frame_config
from course.lti.keys import ensure_tool_key
from course.lti.provision import write_home_base
from course.lti.settings import AUTHENTICATOR, platform_path
from course.lti.store import FOLDER

__all__ = ["AUTHENTICATOR", "install_lti", "lms_course_plans", "read_platform"]


def read_platform(path: Path) -> PlatformConfig:
    try:
        return load_platform(path)
    except LtiConfigError as exc:
        raise HubSetupError(str(exc)) from None


def lms_course_plans(
    courses: list[str], prefix: str, hub_dir: Path, exchange_root: Path
) -> list[CoursePlan]:
    """Plans of the LMS's courses (no members yet), as :func:`course.hub.courses.plan_courses`
    makes them for a roster's."""
    return [
        CoursePlan(
            course_id=course,
            grader=grader_name(prefix, course),
            group=course_group(prefix, course),
            course_dir=str(hub_dir / COURSES_FOLDER / course),
            exchange_dir=str(exchange_root / course),
        )
        for course in dict.fromkeys(courses)
    ]


def install_lti(state: HubState, platform: PlatformConfig, home_base: Path) -> None:
    """Write HUB_DIR/lti/ (root only) and make the tool's key when absent."""
    hub_dir = Path(state.hub_dir)
    folder = hub_dir / FOLDER
    if not folder.exists():
        folder.mkdir(mode=0o700)
        state.created_paths.append(str(folder))
    os.chmod(folder, 0o700)
    path = platform_path(hub_dir)
    path.write_text(platform.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    write_home_base(hub_dir, home_base)
    ensure_tool_key(hub_dir)
    jupyter = role_folder(state)
    if not jupyter.exists():
        jupyter.mkdir(mode=0o755)
        state.created_paths.append(str(jupyter))
    write_frame_config(jupyter, platform)
