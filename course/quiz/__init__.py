"""The self-check engine: questions as data, answers checked in pure Python, instant feedback.

Questions live in ``course/content/selfcheck/<lesson>.yaml``. This package is separate from the
graded assessments (``grading/``) and shares no items with them. The widgets are imported
lazily, so checking answers needs no ipywidgets.
"""

from __future__ import annotations

from typing import Any

from course.quiz.bank import Bank, load_bank
from course.quiz.check import Result, check, correct_answer, feedback
from course.quiz.models import (
    FindOnDiagram,
    MultipleSelect,
    OrderSteps,
    Question,
    ScenarioDecision,
    SingleChoice,
    TrueFalse,
)

__all__ = [
    "Bank",
    "FindOnDiagram",
    "MultipleSelect",
    "OrderSteps",
    "Question",
    "Result",
    "ScenarioDecision",
    "SingleChoice",
    "TrueFalse",
    "check",
    "correct_answer",
    "feedback",
    "load_bank",
    "questions",
    "self_check",
]


def questions(lesson_id: str) -> tuple[Question, ...]:
    """The self-check questions of a lesson."""
    return load_bank().for_lesson(lesson_id)


def self_check(lesson_id: str) -> Any:
    """The lesson's self-check widget; every answer is recorded in your progress file."""
    from course.widgets.self_check import SelfCheck

    return SelfCheck(lesson_id)
