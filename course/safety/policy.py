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
from typing import Any

from course.content.models import RuleId, Source, Sources, Text, _Record
from course.content.records import check_sources, load_sources, parse_records, read_yaml
from course.content.resources import content_dir
from course.errors import ConditionError, ContentError
from course.safety.conditions import compile_condition, is_otherwise
from course.safety.decisions import DECISION_ORDER, DecisionName
from course.safety.situation import SITUATION_FIELDS

__all__ = [
    "POLICY_FILE",
    "DecisionInfo",
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


@dataclass(frozen=True)
class Policy:
    """The decisions (least to most severe), the rules in table order and the disclaimer."""

    decisions: Mapping[str, DecisionInfo]
    rules: tuple[SafetyRule, ...]
    disclaimer: str


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
    )
