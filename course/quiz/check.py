"""Check self-check answers: pure functions, no widgets, no kernel."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.content.anatomy import get as get_structure
from course.content.loader import load_content
from course.content.text import text
from course.quiz.models import (
    FindOnDiagram,
    MultipleSelect,
    OrderSteps,
    Question,
    ScenarioDecision,
    SingleChoice,
    TrueFalse,
)

if TYPE_CHECKING:
    from course.safety import Reason

__all__ = ["Result", "check", "correct_answer", "feedback"]


@dataclass(frozen=True)
class Result:
    """The outcome of one answer: ``score`` runs from 0 to 1; ``correct`` means a full score."""

    question: str
    correct: bool
    score: float
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    in_place: int | None = None


def check(question: Question, answer: Any) -> Result:
    """Check ``answer`` against ``question``.

    Answers by type: single choice, an option; multiple select, a collection of options;
    true/false, a bool; order the steps, the steps in the learner's order; find on the diagram,
    a structure id; scenario decision, a decision name (or a ``course.safety.Decision``).
    ``ValueError`` when the answer is not a well-formed answer to this question.
    """
    if isinstance(question, SingleChoice):
        _one_of(answer, question.options)
        return _all_or_nothing(question, answer == question.answer)
    if isinstance(question, TrueFalse):
        if not isinstance(answer, bool):
            raise ValueError("a true/false answer must be True or False")
        return _all_or_nothing(question, answer is question.answer)
    if isinstance(question, MultipleSelect):
        return _check_multiple(question, answer)
    if isinstance(question, OrderSteps):
        return _check_order(question, answer)
    if isinstance(question, FindOnDiagram):
        if not isinstance(answer, str):
            raise ValueError("a find-on-the-diagram answer is a structure id")
        get_structure(answer)
        return _all_or_nothing(question, answer == question.structure)
    if isinstance(question, ScenarioDecision):
        value = getattr(answer, "value", answer)
        _one_of(value, tuple(load_content().decisions))
        return _all_or_nothing(question, value == question.answer)
    raise TypeError(f"not a self-check question: {type(question).__name__}")


def _one_of(answer: Any, options: Sequence[str]) -> None:
    if not isinstance(answer, str) or answer not in options:
        raise ValueError(f"{answer!r} is not one of the options: {', '.join(options)}")


def _all_or_nothing(question: Question, right: bool) -> Result:
    return Result(question.id, right, 1.0 if right else 0.0)


def _check_multiple(question: MultipleSelect, answer: Any) -> Result:
    if isinstance(answer, str) or not isinstance(answer, Collection):
        raise ValueError("a multiple-select answer is a collection of options")
    chosen = set(answer)
    for option in chosen:
        _one_of(option, question.options)
    right = set(question.answers)
    missed = tuple(a for a in question.answers if a not in chosen)
    extra = tuple(o for o in question.options if o in chosen and o not in right)
    score = max(0.0, (len(right) - len(missed) - len(extra)) / len(right))
    return Result(question.id, not missed and not extra, score, missed=missed, extra=extra)


def _check_order(question: OrderSteps, answer: Any) -> Result:
    if isinstance(answer, str) or not isinstance(answer, Sequence):
        raise ValueError("an order-the-steps answer is the list of steps in your order")
    if sorted(answer) != sorted(question.steps):
        raise ValueError("the answer must list every step exactly once")
    in_place = sum(1 for mine, right in zip(answer, question.steps, strict=True) if mine == right)
    total = len(question.steps)
    return Result(question.id, in_place == total, in_place / total, in_place=in_place)


def _reasons(question: ScenarioDecision) -> tuple[Reason, ...]:
    from course.safety import Situation, assess

    return assess(Situation.model_validate(question.situation)).reasons


def correct_answer(question: Question) -> str:
    """The right answer in words, for feedback and the instructor guide."""
    if isinstance(question, SingleChoice):
        return question.answer
    if isinstance(question, TrueFalse):
        return text("quiz.true") if question.answer else text("quiz.false")
    if isinstance(question, MultipleSelect):
        return "; ".join(question.answers)
    if isinstance(question, OrderSteps):
        return " → ".join(question.steps)
    if isinstance(question, FindOnDiagram):
        return get_structure(question.structure).name
    label = load_content().decisions[question.answer].label
    return f"{label} ({question.answer})"


def feedback(question: Question, result: Result, reveal: bool = False) -> tuple[str, ...]:
    """Plain-language feedback lines: verdict, what was off, then the hint or the explanation.

    A right answer (or ``reveal``) shows the explanation; a wrong one shows the hint.
    """
    lines: list[str] = []
    if result.correct:
        lines.append(text("quiz.correct"))
    elif result.score > 0 and isinstance(question, MultipleSelect | OrderSteps):
        lines.append(text("quiz.partly", score=result.score))
    else:
        lines.append(text("quiz.incorrect"))
    if result.missed:
        lines.append(text("quiz.missed", count=len(result.missed)))
    if result.extra:
        lines.append(text("quiz.extra", count=len(result.extra)))
    if isinstance(question, OrderSteps) and result.in_place is not None and not result.correct:
        lines.append(text("quiz.in_place", count=result.in_place, total=len(question.steps)))
    if result.correct or reveal:
        if reveal and not result.correct:
            lines.append(text("quiz.answer_was", answer=correct_answer(question)))
        lines.append(question.explanation)
        if isinstance(question, ScenarioDecision):
            lines.extend(reason.text for reason in _reasons(question))
    else:
        lines.append(question.hint)
    return tuple(lines)
