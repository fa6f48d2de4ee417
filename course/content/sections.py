"""The sections of each learner notebook (``content/sections.yaml``)."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field

from course.content.loader import load_content
from course.content.models import Id, Text, _Record
from course.content.records import parse_records, read_yaml
from course.content.resources import content_dir
from course.errors import ContentError

__all__ = ["Section", "all_sections", "section", "sections"]

_FILE = "sections.yaml"


class Section(_Record):
    """A section of a lesson notebook."""

    id: Id
    title: Text
    minutes: Annotated[int, Field(ge=1)]


@cache
def all_sections() -> dict[str, tuple[Section, ...]]:
    """Every lesson's sections, validated against ``lessons.yaml``."""
    data = read_yaml(content_dir() / _FILE)
    raw = data.get("lessons")
    if not isinstance(raw, dict):
        raise ContentError(_FILE, "-", "lessons", "expected a mapping of lesson id to sections")
    lessons = {lesson.id: lesson for lesson in load_content().lessons}
    result: dict[str, tuple[Section, ...]] = {}
    for lesson_id in raw:
        if lesson_id not in lessons:
            raise ContentError(_FILE, repr(lesson_id), "-", "unknown lesson")
        parsed = parse_records(raw, f"{_FILE} ({lesson_id})", lesson_id, Section)
        minutes = sum(s.minutes for s in parsed)
        if minutes != lessons[lesson_id].minutes:
            raise ContentError(
                _FILE,
                repr(lesson_id),
                "minutes",
                f"sections add up to {minutes}, the lesson takes {lessons[lesson_id].minutes}",
            )
        result[lesson_id] = tuple(parsed)
    missing = [lesson_id for lesson_id in lessons if lesson_id not in result]
    if missing:
        raise ContentError(_FILE, repr(missing[0]), "-", "lesson has no sections")
    return {lesson_id: result[lesson_id] for lesson_id in lessons}


def sections(lesson_id: str) -> tuple[Section, ...]:
    """The sections of a lesson, in order; ``ValueError`` for an unknown lesson."""
    load_content().lesson(lesson_id)
    return all_sections()[lesson_id]


def section(lesson_id: str, section_id: str) -> tuple[int, Section]:
    """The 1-based position and the section; ``ValueError`` listing the valid ids otherwise."""
    found = sections(lesson_id)
    for number, candidate in enumerate(found, start=1):
        if candidate.id == section_id:
            return number, candidate
    valid = ", ".join(s.id for s in found)
    raise ValueError(f"unknown section {section_id!r} of {lesson_id}; valid: {valid}")
