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
    ("situation labels", "course.validate:check_situation_labels"),
    ("practice cases", "course.practice.loader:validate"),
)


def check_diagrams() -> None:
    """Load every view's geometry and every technique overlay (matplotlib is imported)."""
    from course.diagrams.geometry import VIEWS, load_view
    from course.diagrams.overlays import load_overlays

    for view in VIEWS:
        load_view(view)
    load_overlays()


def check_situation_labels() -> None:
    """Every :class:`~course.safety.Situation` field has its label in ``study.yaml``
    (``scenario.fields``), and a field with fixed values a label per value
    (``scenario.choices``): the scenario explorer shows them."""
    from typing import Literal, get_args, get_origin

    from course.content.text import texts
    from course.errors import ContentError
    from course.safety.situation import Situation

    labels, choices = texts("scenario.fields"), texts("scenario.choices")
    for name, field in Situation.model_fields.items():
        if name not in labels:
            raise ContentError("study.yaml", "scenario", f"fields.{name}", "missing label")
        if get_origin(field.annotation) is Literal:
            missing = [v for v in get_args(field.annotation) if v not in choices.get(name, {})]
            if missing:
                problem = f"missing label for {', '.join(map(repr, missing))}"
                raise ContentError("study.yaml", "scenario", f"choices.{name}", problem)
    extra = sorted(set(labels) - set(Situation.model_fields))
    if extra:
        problem = f"not a Situation field: {', '.join(extra)}"
        raise ContentError("study.yaml", "scenario", "fields", problem)


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
