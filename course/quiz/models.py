"""Typed, immutable self-check questions (``course/content/selfcheck/*.yaml``)."""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from course.content.models import Id, Sources, Text, View, _Record
from course.safety.decisions import DecisionName

QuestionType = Literal[
    "single_choice",
    "multiple_select",
    "true_false",
    "order_steps",
    "find_on_diagram",
    "scenario_decision",
]


class _Question(_Record):
    id: Id
    prompt: Text
    hint: Text
    explanation: Text
    checks: Sources
    """The guide (or reference) section the question checks, as source citations."""


def _unique(values: tuple[str, ...], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} must be unique")


class SingleChoice(_Question):
    """Pick the one right option."""

    type: Literal["single_choice"]
    options: Annotated[tuple[Text, ...], Field(min_length=3)]
    answer: Text

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Self:
        _unique(self.options, "options")
        if self.answer not in self.options:
            raise ValueError("answer must be one of the options")
        return self


class MultipleSelect(_Question):
    """Tick every right option."""

    type: Literal["multiple_select"]
    options: Annotated[tuple[Text, ...], Field(min_length=3)]
    answers: Annotated[tuple[Text, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _answers_are_options(self) -> Self:
        _unique(self.options, "options")
        _unique(self.answers, "answers")
        missing = [a for a in self.answers if a not in self.options]
        if missing:
            raise ValueError(f"answers must be options; not an option: {missing[0]!r}")
        if len(self.answers) == len(self.options):
            raise ValueError("at least one option must be wrong")
        return self


class TrueFalse(_Question):
    """Decide whether the statement in the prompt is true."""

    type: Literal["true_false"]
    answer: bool


class OrderSteps(_Question):
    """Put the steps (listed here in the right order) in order."""

    type: Literal["order_steps"]
    steps: Annotated[tuple[Text, ...], Field(min_length=3)]

    @model_validator(mode="after")
    def _unique_steps(self) -> Self:
        _unique(self.steps, "steps")
        return self

    def shuffled(self) -> tuple[str, ...]:
        """The steps in a fixed, never-correct starting order (seeded by the question id)."""
        steps = list(self.steps)
        rng = random.Random(self.id)
        while tuple(steps) == self.steps:
            rng.shuffle(steps)
        return tuple(steps)


class FindOnDiagram(_Question):
    """Find a structure on a diagram view (answered with ``FindOnDiagramQuiz``)."""

    type: Literal["find_on_diagram"]
    view: View
    structure: Id


class ScenarioDecision(_Question):
    """Decide what the safety policy says for a situation (checked by ``course.safety``)."""

    type: Literal["scenario_decision"]
    situation: dict[str, Any]
    answer: DecisionName


Question = SingleChoice | MultipleSelect | TrueFalse | OrderSteps | FindOnDiagram | ScenarioDecision

QUESTION_MODELS: dict[str, type[Question]] = {
    "single_choice": SingleChoice,
    "multiple_select": MultipleSelect,
    "true_false": TrueFalse,
    "order_steps": OrderSteps,
    "find_on_diagram": FindOnDiagram,
    "scenario_decision": ScenarioDecision,
}
