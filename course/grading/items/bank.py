"""Item banks of the graded assessments, read from the instructor's course directory.

The YAML item banks (``<course>/source/<assignment>.yaml``) hold the questions and the answer
keys. This module only knows their shape; it ships no item and no key.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from course.errors import GradingError
from course.safety import Decision

ItemId = Annotated[str, Field(pattern=r"^[a-z][0-9]{2}$")]

#: Decisions that let a massage go on (AVOID_AREA too: the massage continues around the area),
#: the ones below REFER in the policy's ordering. A critical item answered with one is missed.
MASSAGE_DECISIONS = frozenset(d.value for d in Decision if d < Decision.REFER)
#: Decisions that stop a massage or keep it from starting, the ones above REFER: an item whose
#: key is one of them is critical (as is every item with a red flag).
STOP_DECISIONS = frozenset(d.value for d in Decision if d > Decision.REFER)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScenarioItem(_Model):
    """A safety scenario: a story, the situation it describes and the policy's decision."""

    id: ItemId
    title: str
    story: str
    situation: dict[str, Any]
    answer: str
    ask_refer: bool = False
    refer: bool | None = None

    @model_validator(mode="after")
    def _refer_key(self) -> ScenarioItem:
        if self.ask_refer and self.refer is None:
            raise ValueError(f"{self.id}: ask_refer is true but no refer key is given")
        return self


class Picture(_Model):
    """A picture question's diagram: a ``course.diagrams`` view and its layers."""

    view: str
    layers: tuple[str, ...] = Field(min_length=1)


class ChoiceItem(_Model):
    """A multiple-choice question on anatomy or technique, or a picture question.

    A picture question (``picture`` set, no ``options``) shows the view with the structure
    ``answer`` marked and asks which it is: any name ``course.anatomy.find()`` resolves to it
    is right.
    """

    id: ItemId
    prompt: str
    options: tuple[str, ...] = ()
    answer: str
    explanation: str
    source: tuple[str, ...] = Field(min_length=1)
    from_content: dict[str, Any] | None = None
    picture: Picture | None = None

    @model_validator(mode="after")
    def _answer_is_option(self) -> ChoiceItem:
        if self.picture is not None:
            if self.options:
                raise ValueError(f"{self.id}: a picture question is answered by a name: no options")
            return self
        if len(self.options) < 2:
            raise ValueError(f"{self.id}: a choice question needs at least two options")
        if self.answer not in self.options:
            raise ValueError(f"{self.id}: the answer {self.answer!r} is not one of the options")
        return self


class Gradeable(_Model):
    """One graded cell of the notebook: what it checks and how many points it carries."""

    grade_id: str
    item_id: str
    variable: str
    kind: Literal["decision", "refer", "choice", "structure"]
    points: float
    key: str | bool


class ItemBank(_Model):
    """A whole assessment: its items, points and pass mark."""

    schema_version: Literal[1]
    assignment: str
    title: str
    kind: Literal["decision", "choice"]
    pass_percent: float = Field(ge=0, le=100)
    points: float = Field(gt=0)
    refer_points: float = Field(1.0, gt=0)
    #: True for an assessment whose answers are code that must run to be marked: each
    #: learner's kernel then runs in the sandbox (``course.grading.sandbox.run``). False (both of
    #: today's assessments): answers are literals, read and never run.
    execute: bool = False
    intro: str
    items: tuple[ScenarioItem, ...] | tuple[ChoiceItem, ...]

    def all_items(self) -> tuple[ScenarioItem | ChoiceItem, ...]:
        return tuple(self.items)

    @model_validator(mode="after")
    def _unique_ids(self) -> ItemBank:
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate item ids: {', '.join(duplicates)}")
        wrong = [
            item.id for item in self.items if isinstance(item, ScenarioItem) != self.is_scenario
        ]
        if wrong:
            raise ValueError(f"items {', '.join(wrong)} do not match kind {self.kind!r}")
        return self

    @property
    def is_scenario(self) -> bool:
        return self.kind == "decision"

    @cached_property
    def gradeables(self) -> tuple[Gradeable, ...]:
        """Every graded cell, in notebook order (grade id == answer variable name)."""
        cells: list[Gradeable] = []
        for item in self.items:
            kind: Literal["decision", "choice", "structure"] = (
                "decision" if self.is_scenario else "choice"
            )
            if isinstance(item, ChoiceItem) and item.picture is not None:
                kind = "structure"
            cells.append(
                Gradeable(
                    grade_id=item.id,
                    item_id=item.id,
                    variable=item.id,
                    kind=kind,
                    points=self.points,
                    key=item.answer,
                )
            )
            if isinstance(item, ScenarioItem) and item.ask_refer:
                assert item.refer is not None
                name = f"{item.id}_refer"
                cells.append(
                    Gradeable(
                        grade_id=name,
                        item_id=item.id,
                        variable=name,
                        kind="refer",
                        points=self.refer_points,
                        key=item.refer,
                    )
                )
        return tuple(cells)

    @property
    def max_score(self) -> float:
        return sum(g.points for g in self.gradeables)

    def item(self, item_id: str) -> ScenarioItem | ChoiceItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def answer_options(bank: Any, gradeable: Gradeable) -> tuple[Any, ...]:
    """The well-formed answers of a graded cell: the decisions, True/False or the options."""
    if gradeable.kind == "refer":
        return (True, False)
    if gradeable.kind == "decision":
        from course.content.loader import load_content

        return tuple(load_content().decisions)
    if gradeable.kind == "structure":
        from course.grading.wellformed import STRUCTURE_NAME

        return STRUCTURE_NAME
    item = bank.item(gradeable.item_id)
    assert isinstance(item, ChoiceItem)
    return item.options


def item_bank_path(course_dir: Path, assignment: str) -> Path:
    """Where the item bank of ``assignment`` lives in a course directory."""
    return course_dir / "source" / f"{assignment}.yaml"


_Bank = TypeVar("_Bank", bound=BaseModel)


def read_bank(path: Path, model: type[_Bank], assignment: str) -> _Bank:
    """The bank in the YAML file ``path`` as ``model`` (a fixed or a variant bank), which must
    name ``assignment``; :class:`GradingError` names the file and the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        bank = model.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).strip().splitlines()
        detail = " ".join(first[:3]) if first else type(exc).__name__
        raise GradingError(f"{path}: invalid item bank: {detail}") from None
    named = getattr(bank, "assignment", None)
    if named != assignment:
        raise GradingError(f"{path}: names assignment {named!r}, expected {assignment!r}")
    return bank


def load_item_bank(course_dir: Path, assignment: str) -> ItemBank:
    """Read and validate an item bank; :class:`GradingError` names the file and the problem."""
    path = item_bank_path(course_dir, assignment)
    if not path.is_file():
        raise GradingError(f"no item bank for assignment {assignment!r}: {path} does not exist")
    return read_bank(path, ItemBank, assignment)


def critical_items(bank: ItemBank) -> frozenset[str]:
    """Ids of the critical scenario items: the key stops the massage or keeps it from starting
    (a decision above REFER: STOP, DO_NOT_MASSAGE, SEEK_URGENT_CARE), or a red flag fires."""
    if not bank.is_scenario:
        return frozenset()
    from course.content.loader import load_content
    from course.safety import Situation, assess

    red = {rule.id for rule in load_content().rules if rule.red_flag}
    critical = set()
    for item in bank.items:
        assert isinstance(item, ScenarioItem)
        fired = {reason.rule for reason in assess(Situation(**item.situation)).reasons}
        if fired & red or item.answer in STOP_DECISIONS:
            critical.add(item.id)
    return frozenset(critical)
