"""Learner-facing words of the lesson helpers, quizzes and progress (``content/study.yaml``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from course._resources import content_dir
from course.loader import ContentError, read_yaml

__all__ = ["study", "text", "texts"]

_FILE = "study.yaml"


@cache
def study() -> dict[str, Any]:
    """The whole ``study.yaml`` mapping (validated for its schema version)."""
    return read_yaml(content_dir() / _FILE)


def _lookup(key: str) -> Any:
    node: Any = study()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ContentError(_FILE, "-", key, "missing text")
        node = node[part]
    return node


def text(key: str, **values: Any) -> str:
    """The text at a dotted ``key`` (e.g. ``"quiz.correct"``), formatted with ``values``."""
    node = _lookup(key)
    if not isinstance(node, str):
        raise ContentError(_FILE, "-", key, "expected a string")
    return node.format(**values) if values else node


def texts(key: str) -> Any:
    """A list or mapping of texts at a dotted ``key``."""
    return _lookup(key)
