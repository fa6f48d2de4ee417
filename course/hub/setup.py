"""``ankle-course hub setup`` and ``teardown``: accounts, exchange and configuration for a class.

Layout under the hub folder (``--hub-dir``, default ``/srv/ankle-course``)::

    hub.json            settings read by deploy/hub/jupyterhub_config.py (no secrets)
    state.json          what setup created, so that teardown removes exactly that (root, 0600)
    secrets/            root 0700: cookie secret, proxy and admin-service tokens, passwords
    runtime/            root 0700: the hub's database, pid files and logs
    jupyter/hub_learner the learners' JupyterLab config folder (course.roles), 0755
    exchange/           the nbgrader exchange (1777, like /tmp); exchange/COURSE is the
                        instructor's, with inbound/ (3733), outbound/ (0755), feedback/ (0711)
    courses/COURSE/     with a roster of several courses (course/role columns): each course's
                        nbgrader folder and gradebook, its grader account's (0700); the
                        course's exchange/COURSE is the grader's, open to the course's Unix
                        group only (0750), and its formgrader is a hub service
                        (course.hub.courses, course.hub.course_setup)

A roster without course or role columns is a roster of one course, kept by the instructor
account instead of a grader account: its course folder is in the instructor's home and its
formgrader in the instructor's JupyterLab. Both kinds of hub make their courses with the same
steps (:func:`course.hub.course_setup.setup_course`, ``write_configs``).

Every learner and the instructor is a Unix user with a private group, a 0700 home and no login
shell. The instructor's course folder (a copy of the course's nbgrader folder) lives in the
instructor's home, so no learner can read ``source/`` (the solutions) or the gradebook; the
folder it was copied from (``grading/`` in a checkout) is closed to other users too, and so is
the checkout's ``.git`` (the keys are in its history), until teardown.

Setup changes the mode of folders it creates only; an existing folder it would use must already
have the mode it needs. Everything it makes is recorded in ``state.json`` as it goes; if a step
fails, what this run made is removed again (teardown removes the rest).
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.errors import HubSetupError, RosterError
from course.hub import system
from course.hub.accounts import check_learner_runtime, check_names, record_password
from course.hub.config import (
    ADMIN_SERVICE,
    LESSONS_FOLDER,
    role_folder,
    server_config,
    write_learner_role,
    write_secrets,
    write_settings,
)
from course.hub.course_setup import (
    INBOUND_MODE,
    check_courses,
    course_groups_of,
    grader_accounts,
    join_course_groups,
    setup_course,
    write_configs,
)
from course.hub.courses import (
    CoursePlan,
    merge_plans,
    one_course_plan,
    plan_courses,
)
from course.hub.folders import (
    check_folders,
    close_to_others,
    course_private_paths,
    default_course_source,
    folder_problem,
    make_dir,
    runtime_paths,
)
from course.hub.roster import Learner, Roster, check_prefix, read_class_roster
from course.hub.state import (
    PASSWORDS_FILE,
    STATE_FILE,
    HubState,
    TeardownReport,
    forget_passwords,
    hub_paths,
    load_state,
    roll_back,
    save_state,
    undo,
)
from course.lti.setup import AUTHENTICATOR, install_lti, lms_course_plans, read_platform

__all__ = [
    "ADMIN_SERVICE",
    "DEFAULT_COURSE_ID",
    "DEFAULT_HUB_DIR",
    "INBOUND_MODE",
    "LESSONS_FOLDER",
    "HubSetupError",
    "HubState",
    "SetupOptions",
    "SetupReport",
    "TeardownReport",
    "check_learner_runtime",
    "check_names",
    "close_to_others",
    "course_private_paths",
    "folder_problem",
    "forget_passwords",
    "hub_paths",
    "load_state",
    "server_config",
    "setup_hub",
    "teardown_hub",
]

DEFAULT_HUB_DIR = Path("/srv/ankle-course")
DEFAULT_COURSE_ID = "ankle-course"


@dataclass(frozen=True)
class SetupOptions:
    roster: Path | None  # None: no roster (people arrive from the LMS, with ``lti``)
    hub_dir: Path = DEFAULT_HUB_DIR
    course_source: Path | None = None
    prefix: str = "ac_"
    instructor: str = "instructor"
    course_id: str = DEFAULT_COURSE_ID
    exchange_root: Path | None = None
    home_base: Path | None = None
    db_url: str | None = None
    passwords: bool = True
    authenticator: str = "pam"
    lti: Path | None = None  # PLATFORM.json: people log in from the school's LMS (course.lti)


@dataclass
class SetupReport:
    state: HubState
    new_users: list[str]
    passwords_file: Path | None
    traverse_grants: list[str]
    new_grants: list[str] = field(default_factory=list)
    # for each new traverse grant: the names inside that other users may open by path
    exposed: dict[str, list[str]] = field(default_factory=dict)
    closed: list[str] = field(default_factory=list)


def _learner(record: dict[str, str]) -> Learner:
    return Learner(
        roster_id=record["roster_id"],
        name=record["name"],
        first_name=record.get("first_name", ""),
        last_name=record.get("last_name", ""),
        email=record.get("email", ""),
    )


@dataclass
class _Plan:
    """What one run sets up, worked out (and checked) before anything is created."""

    roster: Roster
    accounts: list[tuple[str, str]]  # (account, where it comes from), in creation order
    comments: dict[str, str]  # account -> its role, for the account's comment field
    courses: list[CoursePlan]  # a roster of one course: one, kept by the instructor account


def _new_state(options: SetupOptions, prefix: str, hub_dir: Path, by_course: bool) -> HubState:
    home_base = (options.home_base or Path("/home")).resolve()
    instructor = "" if by_course else prefix + options.instructor
    return HubState(
        hub_dir=str(hub_dir),
        course_id="" if by_course else options.course_id,
        prefix=prefix,
        hub_group=prefix + "hub",
        instructor=instructor,
        exchange_root=str((options.exchange_root or hub_dir / "exchange").resolve()),
        course_dir="" if by_course else str(home_base / instructor / options.course_id),
    )


def _plan(
    options: SetupOptions, roster: Roster, state: HubState, lms_courses: tuple[str, ...] = ()
) -> _Plan:
    hub_dir = Path(state.hub_dir)
    people = [(p.name, p.describe()) for p in roster.people]
    expected = "" if roster.by_course else options.prefix + options.instructor
    if state.prefix != options.prefix or state.instructor != expected:
        kind = f"instructor {state.instructor}" if state.instructor else "several courses"
        raise HubSetupError(f"{hub_dir} was set up for {kind}; run teardown first")
    if not roster.by_course:
        instructor = state.instructor
        for person in roster.people:
            if person.name == instructor:
                raise HubSetupError(
                    f"{person.describe()} gives {instructor}, the instructor's account name"
                )
        origin = f"the instructor account (--instructor {options.instructor})"
        comments = {name: "learner" for name, _ in people} | {instructor: "instructor"}
        learners = [*state.learner_names, *(p.name for p in roster.people)]
        course = one_course_plan(
            state.course_id,
            instructor,
            state.course_dir,
            Path(state.exchange_root),
            list(dict.fromkeys(learners)),
        )
        return _Plan(roster, [(instructor, origin), *people], comments, [course])
    if options.db_url is not None:
        raise HubSetupError(
            "--db-url is for a roster of one course; with course or role columns each course "
            "has its own gradebook in HUB_DIR/courses/<course>/"
        )
    if options.instructor != SetupOptions.instructor:
        raise HubSetupError(
            "--instructor is for a roster of one course; with course or role columns the "
            "roster names each course's instructors (role instructor)"
        )
    new = plan_courses(roster, state.prefix, hub_dir, Path(state.exchange_root))
    # the LMS courses of PLATFORM.json: made now, their people arrive at launch
    new += lms_course_plans(
        [c for c in lms_courses if c not in roster.courses()],
        state.prefix,
        hub_dir,
        Path(state.exchange_root),
    )
    courses = merge_plans(state.courses, new)
    # the account's comment (GECOS) field: e.g. "instructor spring-a / ta spring-b"
    comments = {
        name: " / ".join(f"{p.members[name]} {p.course_id}" for p in courses if name in p.members)
        for name, _ in people
    }
    comments |= {plan.grader: f"grader {plan.course_id}" for plan in courses}
    return _Plan(roster, [*people, *grader_accounts(courses)], comments, courses)


def setup_hub(options: SetupOptions) -> SetupReport:
    """Create (or extend, when run again with a longer roster) the class environment.

    Everything that can be checked is checked before anything is created. If a later step fails
    (including the check that a learner can run the course's Python), what this run created is
    removed again and the state is as before; the error says so. The arguments and files are
    checked first, so that a mistake in them is reported even to a user who is not root yet.
    """
    platform = read_platform(options.lti) if options.lti else None
    try:
        prefix = check_prefix(options.prefix)
        roster = (
            read_class_roster(options.roster, prefix, options.course_id)
            if options.roster is not None
            else Roster((), (), by_course=True)
        )
    except RosterError as exc:
        raise HubSetupError(str(exc)) from None
    if options.roster is None and platform is None:
        raise HubSetupError("give --students ROSTER.csv, --lti PLATFORM.json or both")
    if platform is not None and not roster.by_course:
        raise HubSetupError(
            "--lti needs a roster with course or role columns (or no roster): LMS courses are "
            "courses of the hub (docs/lti.md)"
        )
    source = (options.course_source or default_course_source()).resolve()
    if not (source / "source").is_dir():
        raise HubSetupError(f"{source} is not an nbgrader course folder (no source/ inside)")
    system.require_root()
    hub_dir = options.hub_dir.resolve()
    home_base = (options.home_base or Path("/home")).resolve()
    previous = load_state(hub_dir)
    state = previous or _new_state(options, prefix, hub_dir, roster.by_course)
    plan = _plan(options, roster, state, tuple(platform.courses.values()) if platform else ())
    check_names(plan.accounts, state.hub_group, state)
    check_courses(plan.courses, state)
    for name, origin in plan.accounts:
        if name not in state.created_users and (home_base / name).exists():
            raise HubSetupError(
                f"{origin}: {home_base / name} already exists; it would become a home"
            )
    check_folders(state, hub_dir)

    before = copy.deepcopy(state)
    new_users: list[str] = []
    passwords: list[tuple[str, str]] = []
    new_grants: list[str] = []
    closed: list[str] = []
    paths = hub_paths(hub_dir)
    # grader accounts (no hub login, no password): the keepers who are not people of the course
    graders = {c.grader for c in plan.courses if c.grader not in c.members}
    try:
        make_dir(hub_dir, 0o755, state)
        save_state(state)
        # the answer keys and the gradebook in the folder we copy from: learners are local users
        closed = close_to_others(course_private_paths(source), state)
        for name in ("secrets", "runtime"):
            make_dir(paths[name], 0o700, state)
        save_state(state)
        if not home_base.exists():
            make_dir(home_base, 0o755, state)
        if state.hub_group not in state.created_groups:
            system.create_group(state.hub_group)
            state.created_groups.append(state.hub_group)
        join_course_groups(state, plan.courses)
        save_state(state)
        for name, _origin in plan.accounts:
            if name in state.created_users:
                continue
            home = home_base / name
            groups = [state.hub_group, *course_groups_of(name, plan.courses)]
            comment = f"ankle-course {plan.comments[name]}"
            system.create_user(name, home=home, groups=groups, comment=comment)
            state.created_users.append(name)
            state.created_paths.append(str(home))
            new_users.append(name)
            save_state(state)
            if options.passwords and platform is None and name not in graders:
                password = secrets.token_urlsafe(12)
                system.set_password(name, password)
                passwords.append((name, password))
                record_password(paths["secrets"] / PASSWORDS_FILE, name, password)
        known = {learner["name"] for learner in state.learners}
        for person in roster.people:
            if person.name not in known:
                record = asdict(person)
                del record["row"]  # the row of this roster file only
                state.learners.append(record)
        if roster.by_course:  # recorded courses get a formgrader service each (hub.json)
            state.courses = [course.record() for course in plan.courses]
        save_state(state)

        hub_gid = system.grp_gid(state.hub_group)
        reachable = [*runtime_paths(), Path(state.exchange_root).parent, home_base]
        for folder in system.needs_traverse(reachable):
            if str(folder) not in state.traverse_grants:
                system.grant_traverse(folder, hub_gid)
                state.traverse_grants.append(str(folder))
                new_grants.append(str(folder))
                save_state(state)

        # like /tmp: anyone may write (nbgrader checks this), nobody may remove others' entries;
        # an existing folder is used only when it already is so (never made world-writable here)
        make_dir(Path(state.exchange_root), 0o1777, state)
        everyone = [_learner(record) for record in state.learners]
        for course in plan.courses:
            setup_course(state, course, source, everyone)
            save_state(state)
        write_configs(state, plan.courses, everyone)
        make_dir(role_folder(state), 0o755, state)
        write_learner_role(state)
        write_secrets(state, options.db_url)
        if platform is not None:
            install_lti(state, platform, home_base)
        write_settings(state, AUTHENTICATOR if platform else options.authenticator)
        save_state(state)
        check_learner_runtime(_someone(state))
    except BaseException as exc:
        outcome = roll_back(before, state, had_state=previous is not None)
        if isinstance(exc, HubSetupError | system.HubSystemError | OSError):
            raise HubSetupError(f"{exc}; {outcome}") from None
        raise

    return SetupReport(
        state=state,
        new_users=new_users,
        passwords_file=paths["secrets"] / PASSWORDS_FILE if passwords else None,
        traverse_grants=list(state.traverse_grants),
        new_grants=new_grants,
        exposed={folder: system.open_to_others(Path(folder)) for folder in new_grants},
        closed=closed,
    )


def _someone(state: HubState) -> str:
    """An account to check the course's Python with: a learner, else any account made."""
    if state.learners:
        return state.learner_names[0]
    return state.instructor or state.created_users[0]


def teardown_hub(hub_dir: Path) -> TeardownReport:
    """Stop the class's processes (by PID) and remove every user, group and folder setup made;
    give the folders setup closed to other users their modes back."""
    system.require_root()
    hub_dir = hub_dir.resolve()
    state = load_state(hub_dir)
    if state is None:
        raise HubSetupError(f"{hub_dir} has no {STATE_FILE}: nothing that setup created")
    pid_file = hub_paths(hub_dir)["runtime"] / "jupyterhub.pid"
    if pid_file.exists():
        hub_pid = int(pid_file.read_text().strip() or 0)
        if hub_pid and system.pid_alive(hub_pid):
            raise HubSetupError(f"the hub is still running (PID {hub_pid}); stop it first")
    report = undo(state)
    state_file = hub_paths(hub_dir)["state"]
    if state_file.exists():
        # the hub folder existed before setup: leave it, forget the state
        state_file.unlink()
    return report
