"""Learner-facing words, looked up by dotted key in a content file.

``study.yaml`` holds the words of the lesson helpers, quizzes and progress; ``ui.yaml`` those
of the diagrams and widgets (``course.content.text.ui_text``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from course.content.records import read_yaml
from course.content.resources import content_dir
from course.errors import ContentError

if TYPE_CHECKING:
    from course.content.models import Technique

__all__ = ["file_text", "lookup", "study", "technique_amount", "text", "texts", "ui_text"]

_STUDY = "study.yaml"
_UI = "ui.yaml"


@cache
def _words(file: str) -> dict[str, Any]:
    return read_yaml(content_dir() / file)


def study() -> dict[str, Any]:
    """The whole ``study.yaml`` mapping (validated for its schema version)."""
    return _words(_STUDY)


def lookup(file: str, key: str) -> Any:
    """The node at a dotted ``key`` of a content file; ``ContentError`` when missing."""
    node: Any = _words(file)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ContentError(file, "-", key, "missing text")
        node = node[part]
    return node


def file_text(file: str, key: str, **values: Any) -> str:
    """The string at a dotted ``key`` of a content file, formatted with ``values``."""
    node = lookup(file, key)
    if not isinstance(node, str):
        raise ContentError(file, "-", key, "expected a string")
    return node.format(**values) if values else node


def text(key: str, **values: Any) -> str:
    """The text at a dotted ``key`` of ``study.yaml`` (e.g. ``"quiz.correct"``)."""
    return file_text(_STUDY, key, **values)


def texts(key: str) -> Any:
    """A list or mapping of texts at a dotted ``key`` of ``study.yaml``."""
    return lookup(_STUDY, key)


def ui_text(key: str, **values: object) -> str:
    """The text at a dotted ``key`` of ``ui.yaml`` (diagrams and widgets)."""
    return file_text(_UI, key, **values)


def technique_amount(technique: Technique) -> str:
    """How long or how often: the hold range, the repetitions, or a dash."""
    if technique.hold_seconds is not None:
        low, high = technique.hold_seconds
        return text("lesson.hold", low=low, high=high)
    return technique.repetitions or "—"
