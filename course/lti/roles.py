"""LTI roles (the ``roles`` claim of a launch, or a member's roles in the LMS roster) to the
course's roles on the hub.

* Learner -> ``learner``; TeachingAssistant (a context role, or the Instructor sub-role
  ``Instructor#TeachingAssistant``) -> ``ta``; Instructor and ContentDeveloper -> ``instructor``.
* An LMS (institution or system) administrator gets nothing extra: only their role in the
  course counts. No launch ever makes a hub admin.
* The highest course role wins (instructor > ta > learner); no course role at all -> ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["course_role"]

_CONTEXT = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_SUB = "http://purl.imsglobal.org/vocab/lis/v2/membership/"

# LTI 1.3 (section A.2.3): context roles, full URIs or the simple names NRPS may send
_BY_NAME = {
    "Learner": "learner",
    "Instructor": "instructor",
    "ContentDeveloper": "instructor",
    "TeachingAssistant": "ta",
    "Mentor": None,
    "Administrator": None,  # a course administrator in the LMS: not a teacher of this course
    "Manager": None,
    "Member": None,
}
_RANK = {"learner": 1, "ta": 2, "instructor": 3}


def _one(role: str) -> str | None:
    if role.startswith(_SUB):  # e.g. .../membership/Instructor#TeachingAssistant
        principal, _, sub = role[len(_SUB) :].partition("#")
        if sub == "TeachingAssistant" or principal == "TeachingAssistant":
            return "ta"
        return _BY_NAME.get(principal) if principal == "Learner" else None
    if role.startswith(_CONTEXT):
        return _BY_NAME.get(role[len(_CONTEXT) :])
    if "/" not in role and "#" not in role:  # a simple name (deprecated, still sent)
        return _BY_NAME.get(role)
    return None  # institution or system roles (e.g. .../institution/person#Administrator)


def course_role(roles: Iterable[str]) -> str | None:
    """The course role of someone with these LTI roles (``None``: no role in the course)."""
    found = [r for r in map(_one, roles) if r is not None]
    return max(found, key=_RANK.__getitem__) if found else None
