"""The learner's local progress: sections opened and self-check attempts per lesson.

The file lives under the Jupyter data directory, or at ``$ANKLE_COURSE_PROGRESS``. The
widget (:class:`ProgressSummary`) is imported lazily so the store stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from course.progress.store import (
        ENV_VAR,
        Attempt,
        LessonProgress,
        ProgressStore,
        ProgressWarning,
        default_path,
    )
    from course.widgets.progress import ProgressSummary

_FROM_STORE = frozenset(
    {"ENV_VAR", "Attempt", "LessonProgress", "ProgressStore", "ProgressWarning", "default_path"}
)

__all__ = [
    "ENV_VAR",
    "Attempt",
    "LessonProgress",
    "ProgressStore",
    "ProgressSummary",
    "ProgressWarning",
    "default_path",
    "summary",
]


def summary() -> Any:
    """A :class:`ProgressSummary` widget of the default progress file."""
    from course.widgets.progress import ProgressSummary

    return ProgressSummary()


def __getattr__(name: str) -> Any:
    """Load the store and the widget on first use, so ``import course.progress`` is free."""
    if name in _FROM_STORE:
        from course.progress import store

        return getattr(store, name)
    if name == "ProgressSummary":
        from course.widgets.progress import ProgressSummary

        return ProgressSummary
    raise AttributeError(f"module 'course.progress' has no attribute {name!r}")
