"""Deep linking (LTI Deep Linking 2.0): what an instructor may add to an LMS course, and the
signed ``LtiDeepLinkingResponse`` that adds it.

The catalogue is the course's lessons (``course/content/lessons.yaml``) and its graded
assessments (the course folder's ``source/``). A chosen item becomes an ``ltiResourceLink``
whose custom parameter names the lesson or the assignment; an assessment also brings a
``lineItem`` (``scoreMaximum`` = its maximum points, ``resourceId`` = the assignment name), so
the LMS makes the gradebook column that grade return (:mod:`course.lti.ags`) fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.errors import LaunchRefusedError
from course.lti.config import PlatformConfig
from course.lti.keys import ToolKey
from course.lti.launch import DL, LTI

__all__ = ["Activity", "catalogue", "content_item", "deep_link_response"]

LESSON = "lesson"
ASSESSMENT = "assessment"
#: the custom parameter that carries the activity to every launch of the link
CUSTOM = {LESSON: "lesson", ASSESSMENT: "assignment"}


@dataclass(frozen=True)
class Activity:
    """One thing an LMS course can link to."""

    kind: str  # LESSON or ASSESSMENT
    name: str  # the lesson id (notebook name) or the assignment name
    title: str
    max_score: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"


def lessons() -> list[Activity]:
    from course.content.loader import load_content

    return [Activity(LESSON, lesson.id, lesson.title) for lesson in load_content().lessons]


def assessments(course_dir: Path) -> list[Activity]:
    """The graded assessments of a course folder (those with an item bank in ``source/``)."""
    from course.grading.marking.banks import load_bank, max_score_of

    found = []
    for bank_file in sorted((course_dir / "source").glob("*.yaml")):
        name = bank_file.stem
        if not (course_dir / "source" / name).is_dir():
            continue
        bank = load_bank(course_dir, name)
        found.append(Activity(ASSESSMENT, name, " ".join(bank.title.split()), max_score_of(bank)))
    return found


def catalogue(course_dir: Path) -> list[Activity]:
    return [*lessons(), *assessments(course_dir)]


def content_item(activity: Activity, launch_url: str) -> dict[str, Any]:
    """The ``ltiResourceLink`` content item of one activity."""
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": activity.title,
        "url": launch_url,
        "custom": {CUSTOM[activity.kind]: activity.name},
    }
    if activity.kind == ASSESSMENT:
        item["lineItem"] = {
            "label": activity.title,
            "scoreMaximum": activity.max_score,
            "resourceId": activity.name,
        }
    return item


def deep_link_response(
    key: ToolKey,
    platform: PlatformConfig,
    *,
    deployment_id: str,
    data: str | None,
    chosen: list[Activity],
    launch_url: str,
) -> str:
    """The signed ``LtiDeepLinkingResponse`` JWT the browser posts back to the LMS."""
    if deployment_id not in platform.deployment_ids:
        raise LaunchRefusedError("This deep-linking request names an unregistered deployment.")
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "azp": platform.client_id,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": deployment_id,
        DL + "content_items": [content_item(a, launch_url) for a in chosen],
    }
    if data is not None:
        claims[DL + "data"] = data
    return key.sign(claims)
