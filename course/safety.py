"""The safety decision engine: the reference's section 4 policy, read from content data.

The rules live only in ``course/content/safety.yaml``; this module evaluates them. It imports
no matplotlib, ipywidgets, nbgrader or jupyter module, so it stays quick to import.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache, total_ordering
from typing import Any

from course._conditions import Predicate, compile_condition, is_otherwise
from course.loader import DECISION_ORDER, load_content
from course.models import SafetyRule
from course.situation import SITUATION_FIELDS, Situation

__all__ = ["Assessment", "Decision", "Reason", "Situation", "assess"]


@total_ordering
class Decision(enum.Enum):
    """What to do, least to most severe; members compare by severity."""

    PROCEED = "PROCEED"
    PROCEED_WITH_CAUTION = "PROCEED_WITH_CAUTION"
    AVOID_AREA = "AVOID_AREA"
    REFER = "REFER"
    STOP = "STOP"
    DO_NOT_MASSAGE = "DO_NOT_MASSAGE"
    SEEK_URGENT_CARE = "SEEK_URGENT_CARE"

    @property
    def severity(self) -> int:
        """0 for PROCEED up to 6 for SEEK_URGENT_CARE."""
        return DECISION_ORDER.index(self.value)

    @property
    def allows_massage(self) -> bool:
        """True for PROCEED and PROCEED_WITH_CAUTION."""
        return self in (Decision.PROCEED, Decision.PROCEED_WITH_CAUTION)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.severity < other.severity


@dataclass(frozen=True)
class Reason:
    """A fired rule: its id in the reference table and a plain-language explanation."""

    rule: str
    text: str


@dataclass(frozen=True)
class Assessment:
    """The outcome of :func:`assess`."""

    decision: Decision
    refer: bool
    reasons: tuple[Reason, ...]
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "decision": self.decision.value,
            "refer": self.refer,
            "reasons": [{"rule": r.rule, "text": r.text} for r in self.reasons],
            "disclaimer": self.disclaimer,
        }


@dataclass(frozen=True)
class _CompiledRule:
    rule: SafetyRule
    decision: Decision
    test: Predicate


@cache
def _engine() -> tuple[tuple[_CompiledRule, ...], _CompiledRule, str]:
    content = load_content()
    rules: list[_CompiledRule] = []
    fallback: _CompiledRule | None = None
    for rule in content.rules:
        compiled = _CompiledRule(
            rule, Decision(rule.decision), compile_condition(rule.when, SITUATION_FIELDS)
        )
        if is_otherwise(rule.when):
            fallback = compiled
        else:
            rules.append(compiled)
    assert fallback is not None  # the loader guarantees exactly one catch-all rule
    return tuple(rules), fallback, content.disclaimer


def rules() -> tuple[SafetyRule, ...]:
    """The policy's rules, in the reference table's order."""
    return load_content().rules


def assess(situation: Situation) -> Assessment:
    """Decide what to do for this situation; every fired rule is reported as a reason."""
    if not isinstance(situation, Situation):
        raise TypeError(f"assess() takes a Situation, not {type(situation).__name__}")
    compiled, fallback, disclaimer = _engine()
    values = situation.__dict__
    fired = [r for r in compiled if r.test(values)] or [fallback]
    return Assessment(
        decision=max(r.decision for r in fired),
        refer=any(r.rule.refer for r in fired),
        reasons=tuple(Reason(r.rule.id, r.rule.explanation) for r in fired),
        disclaimer=disclaimer,
    )
