"""``ankle-course validate``: every check of the course data, in one place."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

# (label, "module:function"): each function loads and validates one kind of course data and
# raises ValueError (naming file, record and field) when it is wrong. Imported lazily.
VALIDATORS: tuple[tuple[str, str], ...] = (
    ("content", "course.content.loader:load_content"),
    ("anatomy names", "course.content.anatomy:ambiguous_names"),
    ("lesson sections", "course.content.sections:all_sections"),
    ("self-check questions", "course.quiz.bank:load_bank"),
    ("diagram geometry and technique overlays", "course.validate:check_diagrams"),
)


def check_diagrams() -> None:
    """Load every view's geometry and every technique overlay (matplotlib is imported)."""
    from course.diagrams.geometry import VIEWS, load_view
    from course.diagrams.overlays import load_overlays

    for view in VIEWS:
        load_view(view)
    load_overlays()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one validator."""

    label: str
    ok: bool
    message: str


def _resolve(target: str) -> Callable[[], object]:
    module_name, _, attr = target.partition(":")
    function: Callable[[], object] = getattr(importlib.import_module(module_name), attr)
    return function


def run_checks() -> list[CheckResult]:
    """Run every validator; a failing one does not stop the others."""
    results = []
    for label, target in VALIDATORS:
        try:
            _resolve(target)()
        except ValueError as exc:
            results.append(CheckResult(label, False, str(exc)))
        else:
            results.append(CheckResult(label, True, "ok"))
    return results
