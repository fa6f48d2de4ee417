"""A variant item bank (``kind: variants``): its models, loading and checks.

The generation of a learner's variant from it is :mod:`course.grading.variants.generate`.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from course.errors import GradingError
from course.grading.items.bank import STOP_DECISIONS, read_bank
from course.grading.variants.retake import read_link
from course.safety.situation import Situation

__all__ = [
    "CAPITALISED",
    "PERSON_FIELDS",
    "Case",
    "DiagramSpec",
    "Name",
    "Option",
    "Slot",
    "StoryBank",
    "VariantBank",
    "VariantItem",
    "critical",
    "is_variant_bank",
    "load_variant_bank",
    "with_attempt",
]

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
PERSON_FIELDS = ("who", "they", "their", "them", "is", "was", "has", "does", "s")
CAPITALISED = ("who", "they", "their")
"""Person fields a story may also use capitalised (``They``)."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Model):
    """One choice of a story placeholder and the situation fields it sets."""

    text: str
    set: dict[str, Any] = Field(default_factory=dict)


class Case(_Model):
    """A story template of one rule family and the situation it describes."""

    id: Name
    family: Name
    story: str
    situation: dict[str, Any] = Field(default_factory=dict)
    choose: dict[Name, tuple[Option, ...]] = Field(default_factory=dict)

    def combinations(self) -> Iterator[dict[str, Option]]:
        """Every combination of the case's options (one per placeholder)."""
        names = sorted(self.choose)
        for picked in itertools.product(*(self.choose[n] for n in names)):
            yield dict(zip(names, picked, strict=True))

    def situation_for(self, picked: Mapping[str, Option]) -> Situation:
        fields = dict(self.situation)
        for option in picked.values():
            fields.update(option.set)
        return Situation(**fields)


class Slot(_Model):
    """One place of the blueprint: a rule family, critical or not, with a refer question."""

    family: Name
    critical: bool
    ask_refer: bool = False


class DiagramSpec(_Model):
    """A graded picture question: a view drawn with ``layers``, one of ``structures`` marked."""

    view: str
    layers: tuple[str, ...] = Field(min_length=1)
    structures: tuple[str, ...] = Field(min_length=1)


class StoryBank(_Model):
    """What every bank of stories holds: the people and settings the stories tell of, and the
    templates (``cases``, their ids unique). The graded :class:`VariantBank` and the practice
    bank (:mod:`course.practice.bank`) are story banks."""

    people: tuple[dict[str, str], ...] = Field(min_length=1)
    settings: tuple[str, ...] = Field(min_length=1)
    cases: tuple[Case, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _stories(self) -> StoryBank:
        for index, person in enumerate(self.people):
            if set(person) != set(PERSON_FIELDS):
                raise ValueError(
                    f"people[{index}]: needs exactly the keys {', '.join(PERSON_FIELDS)}"
                )
        ids = [case.id for case in self.cases]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate case ids: {', '.join(duplicates)}")
        return self


class VariantBank(StoryBank):
    """A variant assessment: blueprint, families, templates and scoring."""

    schema_version: Literal[1]
    assignment: str
    title: str
    kind: Literal["variants"]
    seed: int
    pass_percent: float = Field(ge=0, le=100)
    points: float = Field(gt=0)
    refer_points: float = Field(1.0, gt=0)
    diagram_points: float = Field(1.0, gt=0)
    intro: str
    families: dict[Name, tuple[str, ...]]
    blueprint: tuple[Slot, ...] = Field(min_length=1)
    diagrams: tuple[DiagramSpec, ...] = ()
    #: Which attempt the variants are for: part of every learner's seed from attempt 2 on (a
    #: retake gets new stories with the same blueprint). Set by a retake's link file
    #: (``kind: retake``), not written in a bank.
    attempt: int = Field(1, ge=1)

    @model_validator(mode="after")
    def _shape(self) -> VariantBank:
        for where, family in [(f"case {c.id}", c.family) for c in self.cases] + [
            (f"blueprint[{i}]", s.family) for i, s in enumerate(self.blueprint)
        ]:
            if family not in self.families:
                raise ValueError(
                    f"{where}: unknown family {family!r}; known: {', '.join(self.families)}"
                )
        return self

    #: Answers are literals, read and never run (as in the fixed assessments).
    execute: Literal[False] = False

    @cached_property
    def made(self) -> dict[str, tuple[VariantItem, ...]]:
        """The variants generated so far, by learner id (a variant never changes)."""
        return {}

    @cached_property
    def retakes(self) -> dict[int, VariantBank]:
        """The same bank for other attempts, made so far (see :func:`with_attempt`)."""
        return {}

    @cached_property
    def eligible(self) -> tuple[tuple[Case, ...], ...]:
        """For each blueprint slot, the cases that fit it under the current policy."""
        return _check(self)

    # --- what the marking layer asks of any item bank ----------------------------------------

    @property
    def is_scenario(self) -> bool:
        return True

    # Its graded cells and points come from generating variants, a layer above this module:
    # course.grading.marking.banks.gradeables_of and max_score_of (for either kind of bank).


@dataclass(frozen=True)
class VariantItem:
    """One item of a learner's variant (instructor side: it knows the situation)."""

    id: str
    kind: Literal["scenario", "diagram"]
    family: str
    text: str
    points: float
    situation: Situation | None = None
    case: str = ""
    ask_refer: bool = False
    critical: bool = False
    refer_points: float = 0.0
    view: str = ""
    layers: tuple[str, ...] = ()
    structure: str = ""

    #: The right answer: ``assess()``'s decision for the situation, or the marked structure.
    key: str = ""
    #: ``assess()``'s refer flag (None for a picture question).
    refer: bool | None = None


# --- loading and checking --------------------------------------------------------------------


def is_variant_bank(course_dir: Path, assignment: str) -> bool:
    """True when the assignment's item bank says ``kind: variants``."""
    path = (course_dir / "source" / f"{assignment}.yaml").resolve()
    try:
        stat = path.stat()
    except OSError:
        return False
    return _is_variant(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _is_variant(path: Path, _mtime: int, _size: int) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("kind") in ("variants", "retake")


def with_attempt(bank: VariantBank, attempt: int) -> VariantBank:
    """The same bank for another attempt (its own variants: nothing generated is shared)."""
    if attempt == bank.attempt:
        return bank
    if attempt not in bank.retakes:
        bank.retakes[attempt] = VariantBank.model_validate(
            {**bank.model_dump(), "attempt": attempt}
        )
    return bank.retakes[attempt]


def load_variant_bank(course_dir: Path, assignment: str) -> VariantBank:
    """Read, validate and check a variant item bank; :class:`GradingError` names the problem."""
    path = (course_dir / "source" / f"{assignment}.yaml").resolve()
    if not path.is_file():
        raise GradingError(f"no item bank for assignment {assignment!r}: {path} does not exist")
    link = read_link(course_dir, assignment)
    if link is not None:
        if read_link(course_dir, link.of) is not None:
            raise GradingError(f"{path}: {link.of!r} is itself a retake; link the first attempt")
        return with_attempt(load_variant_bank(course_dir, link.of), link.attempt)
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size, assignment)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int, _size: int, assignment: str) -> VariantBank:
    bank = read_bank(path, VariantBank, assignment)
    try:
        bank.eligible  # noqa: B018 - check the templates against the policy now
    except GradingError as exc:
        raise GradingError(f"{path}: {exc}") from None
    return bank


def _family_of_rules(bank: VariantBank) -> dict[str, str]:
    from course.safety import rules

    policy = [rule.id for rule in rules()]
    family: dict[str, str] = {}
    for name, members in bank.families.items():
        for rule in members:
            if rule in family:
                raise GradingError(f"rule {rule!r} is in two families: {family[rule]}, {name}")
            family[rule] = name
    missing = [rule for rule in policy if rule not in family]
    if missing:
        raise GradingError(
            f"the policy's rule(s) {', '.join(missing)} belong to no family: add them to families"
        )
    return family


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _allowed_placeholders() -> set[str]:
    return set(PERSON_FIELDS) | {n.capitalize() for n in CAPITALISED} | {"setting"}


def critical(situation: Situation) -> bool:
    """Critical as in the fixed assessment: the key is above REFER, or a red flag fires."""
    from course.content.loader import load_content
    from course.safety import assess

    result = assess(situation)
    red = {rule.id for rule in load_content().rules if rule.red_flag}
    return result.decision.value in STOP_DECISIONS or any(r.rule in red for r in result.reasons)


def _case_profile(case: Case, family_of: Mapping[str, str]) -> tuple[str, bool, bool] | None:
    """(decision, refer, critical) shared by every combination of the case, or None when the
    key is not decided by the case's own family. Raises when the combinations disagree."""
    from course.safety import assess

    allowed = _allowed_placeholders() | set(case.choose)
    for text in [case.story, *(o.text for opts in case.choose.values() for o in opts)]:
        unknown = _placeholders(text) - allowed
        if unknown:
            raise GradingError(f"case {case.id}: unknown placeholder(s) {sorted(unknown)}")
    profiles = set()
    attributable = True
    for picked in case.combinations():
        try:
            situation = case.situation_for(picked)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "situation"
            raise GradingError(
                f"case {case.id}: invalid situation: {where}: {first['msg']}"
            ) from None
        result = assess(situation)
        deciding = {
            r.rule for r in result.reasons if _rule_decision(r.rule) == result.decision.value
        }
        attributable &= all(family_of.get(rule) == case.family for rule in deciding)
        profiles.add((result.decision.value, result.refer, critical(situation)))
    if len(profiles) > 1:
        raise GradingError(
            f"case {case.id}: its options give different keys {sorted(profiles)}; "
            "split it into cases with one key each"
        )
    return profiles.pop() if attributable else None


def _rule_decision(rule_id: str) -> str:
    from course.safety import rules

    return next(rule.decision for rule in rules() if rule.id == rule_id)


def _check(bank: VariantBank) -> tuple[tuple[Case, ...], ...]:
    family_of = _family_of_rules(bank)
    profiles = {case.id: _case_profile(case, family_of) for case in bank.cases}
    eligible = []
    for index, slot in enumerate(bank.blueprint):
        fits = tuple(
            case
            for case in bank.cases
            if case.family == slot.family
            and (profile := profiles[case.id]) is not None
            and profile[2] == slot.critical
        )
        if not fits:
            kind = "critical" if slot.critical else "non-critical"
            raise GradingError(
                f"blueprint[{index}] ({slot.family}, {kind}): no case fits it under the current "
                "safety policy; add a case or change the blueprint"
            )
        eligible.append(fits)
    _check_diagrams(bank)
    return tuple(eligible)


def _check_diagrams(bank: VariantBank) -> None:
    from course.diagrams.draw import check_layers, visible_ids
    from course.diagrams.geometry import load_view

    for index, spec in enumerate(bank.diagrams):
        try:
            view = load_view(spec.view)
            shown = visible_ids(view, check_layers(spec.layers))
        except ValueError as exc:
            raise GradingError(f"diagrams[{index}]: {exc}") from None
        hidden = [sid for sid in spec.structures if sid not in shown]
        if hidden:
            raise GradingError(
                f"diagrams[{index}]: {', '.join(hidden)} not drawn in the {spec.view} view "
                f"with layers {', '.join(spec.layers)}"
            )
