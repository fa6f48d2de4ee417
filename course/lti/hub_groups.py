"""JupyterHub groups and roles of people arriving from the LMS.

A launch's course role becomes JupyterHub groups (the authenticator's ``manage_groups``):
learners in ``nbgrader-C``; TAs and instructors in ``formgrade-C`` (the course's formgrader);
instructors also in ``instructors-C``, the group that holds the course's ``instructor-C`` role
(see and start the course's learners' servers). Nobody is ever a hub admin.
"""

from __future__ import annotations

from typing import Any

from course.hub.courses import formgrade_group, learner_group

__all__ = ["groups_of", "instructors_group", "lti_roles"]


def instructors_group(course: str) -> str:
    """The JupyterHub group holding the course's ``instructor-<course>`` role on an LTI hub."""
    return f"instructors-{course}"


def groups_of(memberships: list[tuple[str, str]]) -> list[str]:
    """JupyterHub groups of someone with these (course, role) pairs."""
    groups = set()
    for course, role in memberships:
        if role == "learner":
            groups.add(learner_group(course))
        else:
            groups.add(formgrade_group(course))
        if role == "instructor":
            groups.add(instructors_group(course))
    return sorted(groups)


def lti_roles(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hub's roles on an LTI hub: ``instructor-C`` held by the group ``instructors-C``
    (membership comes from launches) instead of a list of users; the others unchanged."""
    changed = []
    for role in roles:
        name = str(role["name"])
        if name.startswith("instructor-"):
            role = {k: v for k, v in role.items() if k != "users"}
            role["groups"] = [instructors_group(name.removeprefix("instructor-"))]
        changed.append(role)
    return changed
