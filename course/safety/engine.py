"""The safety decision engine: evaluates the policy of ``course/content/safety.yaml``.

The rules live only in the content (read by :mod:`course.safety.policy`); this module
evaluates them. It imports no matplotlib, ipywidgets, nbgrader or jupyter module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from course.safety.conditions import Predicate, compile_condition, is_otherwise
from course.safety.decisions import Decision
from course.safety.policy import SafetyRule, load_policy
from course.safety.situation import SITUATION_FIELDS, Situation

__all__ = ["Assessment", "Reason", "assess", "rules"]


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
    policy = load_policy()
    rules: list[_CompiledRule] = []
    fallback: _CompiledRule | None = None
    for rule in policy.rules:
        compiled = _CompiledRule(
            rule, Decision(rule.decision), compile_condition(rule.when, SITUATION_FIELDS)
        )
        if is_otherwise(rule.when):
            fallback = compiled
        else:
            rules.append(compiled)
    assert fallback is not None  # the loader guarantees exactly one catch-all rule
    return tuple(rules), fallback, policy.disclaimer


def rules() -> tuple[SafetyRule, ...]:
    """The policy's rules, in the reference table's order."""
    return load_policy().rules


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
