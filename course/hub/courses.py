"""The courses of a hub: the plan of each course and the configuration written for it. Pure
functions: nothing here touches the system (:mod:`course.hub.course_setup` creates what these
plans describe).

A hub of one course (a roster without course or role columns) is a roster of one course too:
:func:`one_course_plan` gives its one :class:`CoursePlan`, kept by the instructor account (the
course folder in the instructor's home, the exchange area open to the hub, formgrader in the
instructor's own JupyterLab), and setup makes it with the same steps as every other course.

This is nbgrader's documented pattern for several classes on one JupyterHub
(nbgrader docs, "Using nbgrader with JupyterHub", example "Multiple Classes"): each course has

* a **grader account** (``PREFIX`` + ``grader-`` + course) that owns the course folder
  ``HUB_DIR/courses/<course>/`` (the nbgrader course directory, with its own sqlite gradebook)
  and runs the course's **formgrader as a JupyterHub service** named after the course, at
  ``/services/<course>/formgrader``;
* a JupyterHub group ``formgrade-<course>`` (its instructors and TAs) whose role grants
  ``access:services!service=<course>``, and a group ``nbgrader-<course>`` (its learners);
* its own exchange area ``exchange/<course>/`` (nbgrader's layout: ``inbound``, ``outbound``,
  ``feedback``), owned by the grader and open only to the course's **Unix group**
  (``PREFIX`` + ``course-`` + course), so a learner of another course gets ``PermissionError``.

Account names built here contain ``-``, which a roster id never gives (ids fold to ``a-z``,
``0-9`` and ``_``), so they cannot clash with a person's account.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from course.errors import HubSetupError
from course.hub.config import CHECKED_COLLECT, PRIVATE_SUBMIT, nbgrader_text, python_literal
from course.hub.roster import GRADER_INFIX, STAFF_ROLES, Roster

__all__ = [
    "COURSES_FOLDER",
    "CoursePlan",
    "course_dir_config",
    "course_group",
    "formgrade_group",
    "grader_name",
    "grader_nbgrader_config",
    "hub_course_config",
    "learner_group",
    "merge_plans",
    "one_course_plan",
    "person_nbgrader_config",
    "plan_courses",
]

COURSES_FOLDER = "courses"  # HUB_DIR/courses/<course>: each course's nbgrader folder
GROUP_INFIX = "course-"
FORMGRADER_URL = "/formgrader"


def grader_name(prefix: str, course: str) -> str:
    """The Unix account that owns a course's folder and runs its formgrader."""
    return prefix + GRADER_INFIX + course


def course_group(prefix: str, course: str) -> str:
    """The Unix group of everyone in a course: it alone may enter ``exchange/<course>``."""
    return prefix + GROUP_INFIX + course


def formgrade_group(course: str) -> str:
    """The JupyterHub group whose members may open the course's formgrader (nbgrader's name)."""
    return f"formgrade-{course}"


def learner_group(course: str) -> str:
    """The JupyterHub group of the course's learners (nbgrader's name)."""
    return f"nbgrader-{course}"


@dataclass(frozen=True)
class CoursePlan:
    """One course on the hub: who is in it and where its things live."""

    course_id: str
    grader: str  # who keeps the course folder and collects: on a hub of one course, its instructor
    group: str  # the Unix group that alone may enter the exchange area; "" on a hub of one course
    course_dir: str
    exchange_dir: str
    members: dict[str, str] = field(default_factory=dict)  # account name -> role

    def with_role(self, *roles: str) -> list[str]:
        return [name for name, role in self.members.items() if role in roles]

    @property
    def learners(self) -> list[str]:
        return self.with_role("learner")

    @property
    def staff(self) -> list[str]:
        return self.with_role(*STAFF_ROLES)

    def record(self) -> dict[str, Any]:
        """The plan as recorded in ``state.json`` and ``hub.json``."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> CoursePlan:
        return cls(
            course_id=str(record["course_id"]),
            grader=str(record["grader"]),
            group=str(record["group"]),
            course_dir=str(record["course_dir"]),
            exchange_dir=str(record["exchange_dir"]),
            members={str(k): str(v) for k, v in dict(record.get("members", {})).items()},
        )


def plan_courses(
    roster: Roster, prefix: str, hub_dir: Path, exchange_root: Path
) -> list[CoursePlan]:
    """One plan per course of the roster, in the roster's order."""
    return [
        CoursePlan(
            course_id=course,
            grader=grader_name(prefix, course),
            group=course_group(prefix, course),
            course_dir=str(hub_dir / COURSES_FOLDER / course),
            exchange_dir=str(exchange_root / course),
            members=roster.members(course),
        )
        for course in roster.courses()
    ]


def one_course_plan(
    course_id: str, instructor: str, course_dir: str, exchange_root: Path, learners: list[str]
) -> CoursePlan:
    """The one course of a hub without course columns: kept by ``instructor`` in ``course_dir``
    (the instructor's home), its exchange area open to the hub (no course group)."""
    members = dict.fromkeys(learners, "learner") | {instructor: "instructor"}
    return CoursePlan(
        course_id=course_id,
        grader=instructor,
        group="",
        course_dir=course_dir,
        exchange_dir=str(exchange_root / course_id),
        members=members,
    )


def merge_plans(recorded: list[dict[str, Any]], new: list[CoursePlan]) -> list[CoursePlan]:
    """The courses of an earlier run extended by this roster's (new courses, new members).

    A person whose role in a course differs from the earlier run is refused: setup adds, it
    does not change or remove (tear down and set up again for that).
    """
    merged = {plan.course_id: plan for plan in map(CoursePlan.from_record, recorded)}
    for plan in new:
        old = merged.get(plan.course_id)
        if old is None:
            merged[plan.course_id] = plan
            continue
        for name, role in plan.members.items():
            if old.members.get(name, role) != role:
                raise HubSetupError(
                    f"{name} is {old.members[name]} of course {plan.course_id!r} since an earlier "
                    f"setup and {role} in this roster; setup adds people, it does not change "
                    "roles (run teardown and set up again)"
                )
        members = {**old.members, **plan.members}
        merged[plan.course_id] = CoursePlan(**{**old.record(), "members": members})
    return list(merged.values())


def grader_nbgrader_config(plan: CoursePlan, exchange_root: str) -> str:
    """The ``~/.jupyter/nbgrader_config.py`` of the account that keeps the course (a grader
    account, or the instructor of a hub of one course): its course and the checked collect (the
    course folder's own config is loaded after it, from the server's cwd)."""
    return nbgrader_text(
        f"{plan.grader}, who keeps course {plan.course_id}",
        {
            "CourseDirectory.root": plan.course_dir,
            "CourseDirectory.course_id": plan.course_id,
            "Exchange.root": exchange_root,
            "ExchangeFactory.collect": CHECKED_COLLECT,
        },
    )


def course_dir_mark(course_id: str) -> str:
    """The first line of :func:`course_dir_config`: a folder that holds it has it already."""
    return f"# Added by `ankle-course hub setup`: on this hub, this folder is course {course_id}."


def course_dir_config(course_id: str) -> str:
    """Appended (as the folder's owner) to the copied course folder's ``nbgrader_config.py``
    (which names the course ``ankle-course``): on this hub the copy is ``course_id``."""
    return (
        f"\n{course_dir_mark(course_id)}\n"
        f"c.CourseDirectory.course_id = {python_literal(course_id)}\n"
    )


def person_nbgrader_config(
    exchange_root: str, learner_courses: list[str], *, course_in_path: bool = True
) -> str:
    """A person's ``~/.jupyter/nbgrader_config.py``, on either kind of hub.

    With ``course_in_path`` (a hub of courses) fetched assignments go to
    ``~/<course>/<assignment>`` (``path_includes_course``); on a hub of one course to
    ``~/<assignment>``, beside the lessons folder. A learner of one course has it as their
    course: the Assignments tab lists only it. A learner of several lists those they may read
    (the exchange's Unix groups hide the others); staff who learn nothing have no course here
    (they work in the course's formgrader service).
    """
    settings: dict[str, object] = {"Exchange.root": exchange_root}
    if course_in_path:
        settings["Exchange.path_includes_course"] = True
    settings["ExchangeFactory.submit"] = PRIVATE_SUBMIT
    if len(learner_courses) == 1:
        settings["CourseDirectory.course_id"] = learner_courses[0]
    else:  # several (or none): list only those, never a course someone made up
        settings["ExchangeFactory.list"] = "course.hub.exchange.OwnCoursesList"
        settings["OwnCoursesList.courses"] = sorted(learner_courses)
    return nbgrader_text("this person's nbgrader settings", settings)


def hub_course_config(
    courses: list[dict[str, Any]], ports: list[int], command: list[str], path: str
) -> dict[str, Any]:
    """JupyterHub settings for the courses recorded in ``hub.json``: one formgrader service
    per course (on ``ports``, in order), the ``formgrade-``/``nbgrader-`` groups and roles.

    ``command`` starts a single-user server; ``path`` is the services' ``PATH``.
    """
    if len(ports) != len(courses):
        raise ValueError("one port per course")
    services: list[dict[str, Any]] = []
    groups: dict[str, dict[str, list[str]]] = {}
    roles: list[dict[str, Any]] = []
    for record, port in zip(courses, ports, strict=True):
        plan = CoursePlan.from_record(record)
        course = plan.course_id
        services.append(
            {
                "name": course,
                "url": f"http://127.0.0.1:{port}",
                "command": list(command),
                "user": plan.grader,
                "cwd": plan.course_dir,
                "environment": {
                    "PATH": path,
                    "JUPYTERHUB_ROOT_DIR": plan.course_dir,
                    "JUPYTERHUB_DEFAULT_URL": FORMGRADER_URL,
                },
                "oauth_no_confirm": True,  # the hub's own service: no "authorize" page
                "display": True,
                "info": {"description": f"nbgrader formgrader of course {course}"},
            }
        )
        groups[formgrade_group(course)] = {"users": plan.staff}
        groups[learner_group(course)] = {"users": plan.learners}
        roles.append(
            {
                "name": f"formgrade-{course}",
                "description": f"open the formgrader of course {course}",
                "groups": [formgrade_group(course)],
                "scopes": [f"access:services!service={course}", f"read:services!service={course}"],
            }
        )
        learners = f"group={learner_group(course)}"
        roles.append(
            {
                # see the course's learners and start or stop their servers, never open them
                "name": f"instructor-{course}",
                "description": f"the instructors of course {course}",
                "users": plan.with_role("instructor"),
                "scopes": [
                    "admin-ui",
                    f"list:users!{learners}",
                    f"read:users!{learners}",
                    f"servers!{learners}",
                    f"read:servers!{learners}",
                ],
            }
        )
    return {"services": services, "groups": groups, "roles": roles}
