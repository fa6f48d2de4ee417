"""What the hands do after the safety check: the pressure, the steps left out, the area avoided.

The routine's first step is the safety check, and its result decides the pressure of every
step after it. The records live in ``course/content/safety.yaml`` (``hands``, one per
decision, read by :mod:`course.safety.policy`); this module combines them for an assessment
and applies them to a technique. The checklist, the technique cards and demo, the scenario
explorer and ``ankle-course assess`` all use it, so none of them can teach more pressure than
the check allows. Pure functions: techniques are passed in, nothing here imports the loader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from course.content.models import Technique
from course.safety.decisions import DECISION_ORDER
from course.safety.engine import Assessment
from course.safety.policy import HandsPressure, HandsRule, load_policy

__all__ = ["Hands", "Treatment", "hands_for", "hands_for_decision", "technique_changes"]

Treatment = Literal["as_taught", "light", "leave_out", "none"]
"""What happens to one technique: as taught, light pressure only, left out, or no massage."""

_PRESSURE_ORDER: tuple[HandsPressure, ...] = ("none", "light", "as_taught")


@dataclass(frozen=True)
class Hands:
    """The hands guidance of an assessment: the records that apply, most severe first."""

    records: tuple[HandsRule, ...]

    @property
    def massage(self) -> bool:
        """False when the decision stops the massage or keeps it from starting."""
        return self.pressure != "none"

    @property
    def pressure(self) -> HandsPressure:
        """The lowest pressure any applying record allows."""
        return min((r.pressure for r in self.records), key=_PRESSURE_ORDER.index)

    @property
    def leave_out(self) -> frozenset[str]:
        """The movements left out (friction and sustained pressure under caution)."""
        return frozenset(m for r in self.records for m in r.leave_out)

    @property
    def around_area(self) -> bool:
        """True when the massage must go around an area the check named."""
        return any(r.around_area for r in self.records)

    @property
    def summaries(self) -> tuple[str, ...]:
        """What to do, one sentence group per applying decision, most severe first."""
        return tuple(r.summary for r in self.records)

    def treatment(self, technique: Technique) -> Treatment:
        """What happens to ``technique``: as taught, light only, left out, or no massage."""
        if not self.massage:
            return "none"
        if technique.movement in self.leave_out:
            return "leave_out"
        return "light" if self.pressure == "light" else "as_taught"

    def left_out(self, techniques: Iterable[Technique]) -> tuple[Technique, ...]:
        """The techniques of ``techniques`` this guidance leaves out (none without massage)."""
        return tuple(t for t in techniques if self.treatment(t) == "leave_out")

    def to_dict(self, techniques: Iterable[Technique]) -> dict[str, Any]:
        """A JSON-ready view, with every technique's treatment."""
        return {
            "massage": self.massage,
            "pressure": self.pressure,
            "leave_out": sorted(self.leave_out),
            "around_area": self.around_area,
            "what_to_do": list(self.summaries),
            "techniques": [{"technique": t.id, "treatment": self.treatment(t)} for t in techniques],
        }


def hands_for_decision(decision: str) -> Hands:
    """The guidance of one decision on its own (e.g. for a technique card)."""
    return Hands((load_policy().hands[decision],))


def hands_for(assessment: Assessment) -> Hands:
    """What the hands do after ``assessment``.

    A decision that stops or forbids the massage gives its own record only. A decision that
    lets the massage go on (proceed, proceed with caution, avoid the area) gives the records of
    every fired rule's decision, most severe first: avoid the area together with blood thinners
    is around the area *and* light pressure, no friction.
    """
    policy = load_policy()
    top = policy.hands[assessment.decision.value]
    if top.pressure == "none":
        return Hands((top,))
    decision_of = {rule.id: rule.decision for rule in policy.rules}
    fired = {decision_of[reason.rule] for reason in assessment.reasons}
    return Hands(tuple(policy.hands[d] for d in reversed(DECISION_ORDER) if d in fired))


def technique_changes(
    technique: Technique, pressure_only: bool = False
) -> tuple[tuple[str, str], ...]:
    """What each decision that changes the routine does to ``technique``.

    ``(decision label, what changes)`` pairs, least to most severe, for every decision that
    lets the massage go on but changes it (proceed with caution, avoid the area). With
    ``pressure_only``, only the decisions that lower the pressure or leave steps out (the
    checklist states the others once, under the safety check).
    """
    policy = load_policy()
    changes: list[tuple[str, str]] = []
    for decision, record in policy.hands.items():
        if record.step is None:
            continue
        if pressure_only and record.pressure != "light" and not record.leave_out:
            continue
        words = record.left_out_step if technique.movement in record.leave_out else record.step
        assert words is not None  # HandsRule: left_out_step is set whenever leave_out is
        changes.append((policy.decisions[decision].label, words))
    return tuple(changes)
