"""The safety policy as data: ``course/content/safety.yaml`` read into validated records.

``content.loader`` takes the policy from here (``CourseContent.decisions/rules/disclaimer``),
and :mod:`course.safety.engine` evaluates it. This module reads its file through the generic
:mod:`course.content.records` helpers and never imports ``course.content.loader``, so the two
packages do not import each other in a circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Self

from pydantic import model_validator

from course.content.models import Movement, RuleId, Source, Sources, Text, _Record
from course.content.records import check_sources, load_sources, parse_records, read_yaml
from course.content.resources import content_dir
from course.errors import ConditionError, ContentError
from course.safety.conditions import compile_condition, is_otherwise
from course.safety.decisions import DECISION_ORDER, DecisionName
from course.safety.situation import SITUATION_FIELDS

__all__ = [
    "POLICY_FILE",
    "DecisionInfo",
    "HandsPressure",
    "HandsRule",
    "Policy",
    "SafetyRule",
    "load_policy",
    "parse_policy",
]

POLICY_FILE = "safety.yaml"


class DecisionInfo(_Record):
    """What a safety decision means for the learner."""

    id: DecisionName
    label: Text
    meaning: Text
    source: Sources


class SafetyRule(_Record):
    """One row of the reference's section 4 table, with its condition as data."""

    id: RuleId
    condition: Text
    when: dict[str, Any]
    decision: DecisionName
    refer: bool
    red_flag: bool
    explanation: Text
    source: Sources


HandsPressure = Literal["as_taught", "light", "none"]
"""The pressure a decision allows on every step: as taught, light, or no massage at all."""


class HandsRule(_Record):
    """What the hands do after the safety check gave ``decision`` (``safety.yaml`` ``hands``)."""

    decision: DecisionName
    pressure: HandsPressure
    leave_out: tuple[Movement, ...] = ()
    around_area: bool = False
    summary: Text
    step: Text | None = None
    left_out_step: Text | None = None
    source: Sources

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.pressure == "none":
            if self.leave_out or self.around_area or self.step or self.left_out_step:
                raise ValueError(
                    "pressure: none means no massage: no leave_out, around_area, step or "
                    "left_out_step"
                )
            return self
        changes = self.pressure == "light" or self.around_area
        if changes != (self.step is not None):
            raise ValueError(
                "step: needed exactly when the decision changes the kept steps "
                "(pressure light, or around_area)"
            )
        if bool(self.leave_out) != (self.left_out_step is not None):
            raise ValueError("left_out_step: needed exactly when leave_out names a movement")
        return self


@dataclass(frozen=True)
class Policy:
    """The decisions (least to most severe), the rules in table order, the disclaimer, and
    what the hands do under each decision."""

    decisions: Mapping[str, DecisionInfo]
    rules: tuple[SafetyRule, ...]
    disclaimer: str
    hands: Mapping[str, HandsRule]


@cache
def load_policy() -> Policy:
    """The packaged policy, validated (cached)."""
    directory: Path = content_dir()
    return parse_policy(read_yaml(directory / POLICY_FILE), load_sources(directory))


def parse_policy(data: Mapping[str, Any], sources: Mapping[str, Source]) -> Policy:
    """Validate ``safety.yaml``'s mapping; ``ContentError`` names file, record and field."""
    file = POLICY_FILE
    decision_records = parse_records(data, file, "decisions", DecisionInfo)
    if tuple(d.id for d in decision_records) != DECISION_ORDER:
        raise ContentError(
            file,
            "-",
            "decisions",
            f"must list every decision, least to most severe: {DECISION_ORDER}",
        )
    rules = parse_records(data, file, "rules", SafetyRule)
    catch_alls = [r.id for r in rules if is_otherwise(r.when)]
    if len(catch_alls) != 1:
        raise ContentError(
            file, "-", "rules", f"need exactly one {{otherwise: true}} rule, got {catch_alls}"
        )
    for rule in rules:
        check_sources(file, repr(rule.id), rule.source, sources)
        try:
            compile_condition(rule.when, SITUATION_FIELDS)
        except ConditionError as exc:
            raise ContentError(file, repr(rule.id), "when", str(exc)) from None
        if rule.red_flag and DECISION_ORDER.index(rule.decision) < DECISION_ORDER.index(
            "DO_NOT_MASSAGE"
        ):
            raise ContentError(
                file, repr(rule.id), "red_flag", "a red-flag rule must not allow massage"
            )
    disclaimer = data.get("disclaimer")
    if not isinstance(disclaimer, str) or "education" not in disclaimer:
        raise ContentError(file, "-", "disclaimer", "must say the course is education")
    return Policy(
        decisions=MappingProxyType({d.id: d for d in decision_records}),
        rules=rules,
        disclaimer=disclaimer,
        hands=MappingProxyType(_parse_hands(data, sources)),
    )


def _parse_hands(data: Mapping[str, Any], sources: Mapping[str, Source]) -> dict[str, HandsRule]:
    """One ``hands`` record per decision, in the decisions' order; no massage from REFER up."""
    file = POLICY_FILE
    records = parse_records(data, file, "hands", HandsRule, id_field="decision")
    if tuple(h.decision for h in records) != DECISION_ORDER:
        raise ContentError(
            file,
            "-",
            "hands",
            f"need one record per decision, least to most severe: {DECISION_ORDER}",
        )
    refer = DECISION_ORDER.index("REFER")
    for index, record in enumerate(records):
        check_sources(file, repr(record.decision), record.source, sources)
        if (record.pressure == "none") != (index >= refer):
            raise ContentError(
                file,
                repr(record.decision),
                "pressure",
                "must be none exactly for the decisions that stop or forbid the massage "
                "(REFER and above)",
            )
    return {record.decision: record for record in records}
