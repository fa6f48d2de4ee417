"""The practice templates (``course/content/practice.yaml``): their models.

A template is a story of one rule family with placeholders, the situation it describes, and
``choose`` lists whose options set more of the situation. Reading and checking the file is
:mod:`course.practice.loader`'s; filling a template, :mod:`course.practice.stories`'.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from course.grading.variants.bank import (
    CAPITALISED,
    PERSON_FIELDS,
    Case,
    Name,
    Option,
    StoryBank,
)

__all__ = [
    "CAPITALISED",
    "FILE",
    "PERSON_FIELDS",
    "Family",
    "Option",
    "PracticeBank",
    "Template",
]

FILE = "practice.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Template(Case):
    """A story template of one rule family and the situation it describes: the graded
    bank's :class:`~course.grading.variants.bank.Case`, plus the phrases that state each fact."""

    spans: dict[str, str] = Field(default_factory=dict)
    """For each field of ``situation``: the phrase of the story that states it."""


class Family(_Model):
    """A rule family: the learner's name for it and the policy's rules it holds."""

    name: str
    rules: tuple[str, ...] = Field(min_length=1)


class PracticeBank(StoryBank):
    """Every practice template, the families, and the people and settings of the stories
    (checked as in every :class:`~course.grading.variants.bank.StoryBank`)."""

    schema_version: Literal[1]
    families: dict[Name, Family]
    cases: tuple[Template, ...] = Field(min_length=1)

    def templates(self, family: str) -> tuple[Template, ...]:
        """The templates of one family, in file order."""
        return tuple(case for case in self.cases if case.family == family)
