"""Accounts and course places for people arriving from the LMS, made with the same code that
``ankle-course hub setup --students`` uses for a roster (``course.hub``): a Unix account with a
private group, a 0700 home and no login shell, the course's Unix group, the person's nbgrader
and Jupyter settings and the lessons copied as the person, everything recorded in
``state.json`` so teardown removes it.

Who is who:

* the LMS user id (``sub``, per issuer) maps to one account for good (:mod:`course.lti.store`):
  a new name or e-mail in the LMS changes the details, never the account;
* a new LMS user gets ``PREFIX`` + the roster's safe form of their username claim (``custom``
  ``username``, else ``preferred_username``), or of a digest of their id when the LMS sends no
  username; an account of that name that exists already is refused, never shared. The one
  exception is an account made from a roster (``--students``) that no LMS user has yet, whose
  roster e-mail is the launch's: the roster's person arriving from the LMS;
* the LMS course (context) selects the hub course: first from the store, then from
  PLATFORM.json's ``courses``; an unknown one is refused, or made for an instructor when
  ``allow_instructor_course_creation`` is on.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from course.errors import HubError, LaunchRefusedError, RosterError
from course.hub import system
from course.hub.config import person_files, write_courses, write_user_files
from course.hub.course_setup import copy_course, setup_course
from course.hub.courses import (
    CoursePlan,
    course_group,
    grader_name,
    grader_nbgrader_config,
    person_nbgrader_config,
)
from course.hub.folders import default_course_source
from course.hub.roster import Learner, check_course_id, safe_name
from course.hub.state import HubState, load_state, save_state
from course.lti.config import PlatformConfig
from course.lti.launch import Launch
from course.lti.roles import course_role
from course.lti.store import FOLDER, Context, Identity, Member, Store

__all__ = [
    "Arrival",
    "account_name",
    "course_for",
    "fetch_for",
    "locked",
    "provision",
    "read_home_base",
]

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Arrival:
    """Where a launch lands: the account, its course and role there, whether the account is
    new, and whether the course was made at this launch (the hub must serve it now)."""

    account: str
    course: str
    role: str
    created: bool
    new_course: bool = False


def read_home_base(hub_dir: Path) -> Path:
    path = hub_dir / FOLDER / SETTINGS_FILE
    if path.exists():
        return Path(json.loads(path.read_text(encoding="utf-8"))["home_base"])
    return Path("/home")


def write_home_base(hub_dir: Path, home_base: Path) -> None:
    path = hub_dir / FOLDER / SETTINGS_FILE
    path.write_text(json.dumps({"home_base": str(home_base)}) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)


def account_name(launch: Launch, prefix: str) -> str:
    """The account a new LMS user gets (the roster's safe name of their username claim)."""
    if launch.username:
        try:
            return safe_name(prefix, launch.username)
        except RosterError:
            pass
    digest = hashlib.sha256(f"{launch.issuer}\n{launch.sub}".encode()).hexdigest()[:12]
    return safe_name(prefix, f"lms_{digest}")


@contextmanager
def locked(hub_dir: Path) -> Iterator[None]:
    """One launch at a time changes accounts and ``state.json`` (and never during a setup)."""
    fd = system.open_lock(hub_dir / FOLDER, ".provision.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _plans(state: HubState) -> dict[str, CoursePlan]:
    return {r["course_id"]: CoursePlan.from_record(r) for r in state.courses}


def course_for(
    launch: Launch, role: str, platform: PlatformConfig, store: Store, state: HubState
) -> tuple[str, bool]:
    """The hub course of the launch's LMS course, and whether it must be made now."""
    if not launch.context_id:
        raise LaunchRefusedError("This link does not come from an LMS course (no context).")
    known = store.context(launch.issuer, launch.context_id)
    course = known.course if known else platform.courses.get(launch.context_id)
    if course is not None and course in _plans(state):
        return course, False
    if role == "instructor" and platform.allow_instructor_course_creation:
        return _new_course_name(launch, state), True
    if role == "instructor":
        raise LaunchRefusedError(
            "This LMS course is not connected to a course on the hub, and instructors may not "
            "create courses here. Ask the hub's administrator to add the LMS course id "
            f"{launch.context_id!r} to PLATFORM.json's courses and run setup again."
        )
    raise LaunchRefusedError(
        "This LMS course is not connected to a course on the hub yet. Your instructor can "
        "connect it; please try again later."
    )


def _new_course_name(launch: Launch, state: HubState) -> str:
    digest = hashlib.sha256(f"{launch.issuer}\n{launch.context_id}".encode()).hexdigest()[:8]
    name = f"lms-{digest}"
    problem = check_course_id(name, state.prefix)
    if problem:
        raise LaunchRefusedError(f"A course for this LMS course cannot be made: {problem}.")
    return name


def _claim_account(launch: Launch, state: HubState, store: Store, home_base: Path) -> str:
    """The account a new LMS user gets; refused if the name is someone else's."""
    name = account_name(launch, state.prefix)
    roster = {r["name"]: r for r in state.learners}
    if store.identity_of_account(name) is None and name in roster:
        email = roster[name].get("email", "")
        if email and launch.email and email.lower() == launch.email.lower():
            return name  # the roster's person, arriving from the LMS for the first time
    taken = (
        store.identity_of_account(name) is not None
        or name in roster
        or name in state.created_users
        or system.user_exists(name)
        or system.group_exists(name)
        or name == state.hub_group
        or (home_base / name).exists()
    )
    if taken:
        raise LaunchRefusedError(
            f"The account name {name!r} made from your LMS username is already used on this "
            "hub by someone else. Ask your instructor: the hub's administrator can rename one "
            "of the two."
        )
    return name


def _create_account(name: str, launch: Launch, state: HubState, home_base: Path) -> None:
    home = home_base / name
    system.create_user(name, home=home, groups=[state.hub_group], comment="ankle-course lms")
    state.created_users.append(name)
    state.created_paths.append(str(home))
    first, _, last = launch.name.partition(" ")
    state.learners.append(
        {
            "roster_id": launch.username or launch.sub,
            "name": name,
            "first_name": first,
            "last_name": last,
            "email": launch.email,
        }
    )
    save_state(state)


def _create_course(course: str, state: HubState) -> CoursePlan:
    """A course made at an instructor's launch (when PLATFORM.json allows it)."""
    hub_dir = Path(state.hub_dir)
    plan = CoursePlan(
        course_id=course,
        grader=grader_name(state.prefix, course),
        group=course_group(state.prefix, course),
        course_dir=str(hub_dir / "courses" / course),
        exchange_dir=str(Path(state.exchange_root) / course),
    )
    for name in (plan.grader, plan.group):
        if name not in state.created_users and (
            system.user_exists(name) or system.group_exists(name)
        ):
            raise LaunchRefusedError(f"A course cannot be made: the name {name!r} is taken.")
    system.create_group(plan.group)
    state.created_groups.append(plan.group)
    home = read_home_base(hub_dir) / plan.grader
    system.create_user(
        plan.grader,
        home=home,
        groups=[state.hub_group, plan.group],
        comment=f"ankle-course grader {course}",
    )
    state.created_users.append(plan.grader)
    state.created_paths.append(str(home))
    state.courses.append(plan.record())
    save_state(state)
    write_courses(state)  # hub.json: a restart serves it from configuration
    setup_course(state, plan, default_course_source(), [])
    write_user_files(
        plan.grader, person_files(grader_nbgrader_config(plan, state.exchange_root)), lessons=False
    )
    save_state(state)
    return plan


def _join(state: HubState, account: str, course: str, role: str) -> None:
    """Put ``account`` in ``course`` with ``role`` (state, Unix group, settings, gradebook
    roster)."""
    records = {r["course_id"]: r for r in state.courses}
    record = records[course]
    members = dict(record.get("members", {}))
    if members.get(account) == role:
        return  # already there with this role: nothing to write
    members[account] = role
    record["members"] = members
    save_state(state)
    plans = _plans(state)
    system.add_to_group(account, plans[course].group)
    learning = sorted(c for c, p in plans.items() if p.members.get(account) == "learner")
    text = person_nbgrader_config(state.exchange_root, learning)
    write_user_files(account, person_files(text), lessons=True)
    people = {p["name"]: p for p in state.learners}
    learners = [
        Learner(
            roster_id=people[n].get("roster_id", n),
            name=n,
            first_name=people[n].get("first_name", ""),
            last_name=people[n].get("last_name", ""),
            email=people[n].get("email", ""),
        )
        for n in plans[course].learners
        if n in people
    ]
    plan = plans[course]
    copy_course(default_course_source(), Path(plan.course_dir), learners, plan.grader)


def provision(hub_dir: Path, platform: PlatformConfig, store: Store, launch: Launch) -> Arrival:
    """Make (or find) the launch's account and put it in its course with its role."""
    role = course_role(launch.roles)
    if role is None:
        raise LaunchRefusedError(
            "Your role in this LMS course gives no access to the course on the hub (only "
            "learners, teaching assistants and instructors have one)."
        )
    with locked(hub_dir):
        state = load_state(hub_dir)
        if state is None:
            raise LaunchRefusedError("The hub is not set up for LMS launches yet.")
        home_base = read_home_base(hub_dir)
        course, new_course = course_for(launch, role, platform, store, state)
        identity = store.identity(launch.issuer, launch.sub)
        created = False
        try:
            if new_course:
                _create_course(course, state)
            if identity is None:
                account = _claim_account(launch, state, store, home_base)
                if not system.user_exists(account):
                    _create_account(account, launch, state, home_base)
                    created = True
                store.link(Identity(launch.issuer, launch.sub, account, launch.name, launch.email))
            else:
                account = identity.account
                store.update_details(
                    Identity(launch.issuer, launch.sub, account, launch.name, launch.email)
                )
            store.save_context(
                Context(
                    launch.issuer,
                    launch.context_id,
                    course,
                    launch.context_title,
                    launch.lineitems_url,
                    launch.memberships_url,
                )
            )
            _join(state, account, course, role)
            store.set_member(Member(course, account, role, True))
        except (HubError, OSError) as exc:
            if isinstance(exc, LaunchRefusedError):
                raise
            raise LaunchRefusedError(
                "The hub could not prepare your place in the course; please try again, and "
                "tell your instructor if it keeps failing."
            ) from exc
    return Arrival(account, course, role, created, new_course)


def fetch_for(account: str, course: str, assignment: str) -> bool:
    """Fetch ``assignment`` of ``course`` into the learner's home, as the learner (plain
    ``nbgrader fetch_assignment``); False when it is not released yet or already fetched."""
    import pwd
    import subprocess
    import sys

    entry = pwd.getpwnam(account)
    command = [sys.executable, "-m", "nbgrader", "fetch_assignment", assignment, "--course", course]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=entry.pw_dir,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=os.getgrouplist(account, entry.pw_gid),
        env={
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": entry.pw_dir,
            "LANG": "C.UTF-8",
        },
        timeout=120,
    )
    return result.returncode == 0
