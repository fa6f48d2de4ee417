"""Item analysis: how a class answered each item (fixed assessments) or rule family (variants).

Pure functions over learners' graded rows (``course.grading.export.results.collect``): no gradebook,
no notebook, no plotting here. For every unit (an item, or a rule family in a variant
assessment) it gives how many answered, the percent right, the discrimination (the share
right in the upper scoring group minus the share right in the lower group, each 27 % of the
class, as in classical test theory), the most common wrong answer, and the critical misses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from course.grading.items.bank import ChoiceItem, ItemBank, ScenarioItem, critical_items
from course.grading.marking.score import GRADED, critical_misses
from course.grading.marking.submission import NOT_SIMPLE

__all__ = [
    "NO_ANSWER",
    "OTHER",
    "Analysis",
    "Response",
    "UnitStats",
    "analyse",
    "responses_fixed",
    "responses_variants",
]

#: Column of the confusion matrix for an item left unanswered.
NO_ANSWER = "(no answer)"
#: Column of the confusion matrix for an answer that is not a decision name.
OTHER = "(not a decision)"
#: Share of the class in each of the upper and lower groups (Kelley's 27 %).
GROUP_SHARE = 0.27


@dataclass(frozen=True)
class Response:
    """One learner's answer to one item."""

    student: str
    unit: str
    item: str
    key: str
    answer: Any
    right: bool
    critical: bool
    critical_miss: bool
    decision: bool  # a safety decision item (goes into the confusion matrix)


@dataclass(frozen=True)
class UnitStats:
    """The analysis of one item or rule family."""

    unit: str
    label: str
    responses: int
    answered: int
    percent_right: float
    discrimination: float | None
    common_wrong: str | None
    common_wrong_count: int
    critical_misses: int
    critical: bool


@dataclass
class Analysis:
    """The whole item analysis of an assessment."""

    assignment: str
    by: str  # "item" or "rule family"
    pass_percent: float
    units: list[UnitStats]
    percents: list[float]  # every graded learner's percent score
    passed: list[bool]
    failed_critical: list[bool]
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # key -> answered

    @property
    def learners(self) -> int:
        return len(self.percents)


def _right(key: str | bool, answer: Any, structure: bool = False) -> bool:
    if structure:
        from course.grading.diagram_items import names_structure

        return names_structure(answer, str(key))
    return type(answer) is type(key) and answer == key


def responses_fixed(bank: ItemBank, rows: Iterable[Mapping[str, Any]]) -> list[Response]:
    """Responses of a fixed assessment, one unit per item (refer questions aside)."""
    critical = critical_items(bank)
    out: list[Response] = []
    for row in rows:
        answers = row.get("answers", {})
        misses = set(critical_misses(critical, answers))
        for item in bank.items:
            answer = answers.get(item.id)
            structure = isinstance(item, ChoiceItem) and _is_structure_item(item)
            out.append(
                Response(
                    student=row["student_id"],
                    unit=item.id,
                    item=item.id,
                    key=item.answer,
                    answer=answer,
                    right=_right(item.answer, answer, structure),
                    critical=item.id in critical,
                    critical_miss=item.id in misses,
                    decision=isinstance(item, ScenarioItem),
                )
            )
    return out


def _is_structure_item(item: ChoiceItem) -> bool:
    """A picture question (answered by a structure's name, not an option)."""
    return item.picture is not None


def responses_variants(bank: Any, rows: Iterable[Mapping[str, Any]]) -> list[Response]:
    """Responses of a variant assessment: each learner's variant regenerated, one unit per
    rule family (plus ``diagram`` for the picture questions)."""
    from course.grading.variants.generate import generate

    out: list[Response] = []
    for row in rows:
        answers = row.get("answers", {})
        items = generate(bank, row["student_id"])
        critical = [i.id for i in items if i.critical]
        misses = set(critical_misses(critical, answers))
        for item in items:
            answer = answers.get(item.id)
            out.append(
                Response(
                    student=row["student_id"],
                    unit=item.family,
                    item=item.id,
                    key=item.key,
                    answer=answer,
                    right=_right(item.key, answer, item.kind == "diagram"),
                    critical=item.critical,
                    critical_miss=item.id in misses,
                    decision=item.kind == "scenario",
                )
            )
    return out


def _groups(percents: Mapping[str, float]) -> tuple[set[str], set[str]]:
    """The upper and lower scoring groups (27 % each; ties broken by learner id)."""
    ranked = sorted(percents, key=lambda s: (percents[s], s))
    size = max(1, round(GROUP_SHARE * len(ranked)))
    if len(ranked) < 2:
        return set(), set()
    return set(ranked[-size:]), set(ranked[:size])


def _share_right(responses: Sequence[Response], group: set[str]) -> float | None:
    """Mean over the group's learners of their share right in this unit."""
    per_learner: dict[str, list[bool]] = defaultdict(list)
    for r in responses:
        if r.student in group:
            per_learner[r.student].append(r.right)
    if not per_learner:
        return None
    return sum(sum(v) / len(v) for v in per_learner.values()) / len(per_learner)


def _shown(answer: Any) -> str:
    if answer is None:
        return NO_ANSWER
    if answer == NOT_SIMPLE:
        return "(not a simple answer)"
    return answer if isinstance(answer, str) else repr(answer)


def analyse(
    assignment: str,
    rows: Sequence[Mapping[str, Any]],
    responses: Sequence[Response],
    *,
    pass_percent: float,
    by: str,
    labels: Mapping[str, str] | None = None,
    decisions: Sequence[str] = (),
    order: Sequence[str] = (),
) -> Analysis:
    """Statistics per unit over the learners that were graded; units in ``order`` come first
    in that order, any others after them as first seen."""
    graded = [r for r in rows if r.get("status") in GRADED]
    ids = {r["student_id"] for r in graded}
    percents = {r["student_id"]: float(r["percent"]) for r in graded}
    upper, lower = _groups(percents)
    units: dict[str, list[Response]] = {}
    for response in responses:
        if response.student in ids:
            units.setdefault(response.unit, []).append(response)
    rank = {unit: i for i, unit in enumerate(order)}
    ordered = sorted(units, key=lambda u: rank.get(u, len(rank)))
    stats = []
    for unit in ordered:
        answers = units[unit]
        answered = [r for r in answers if r.answer is not None]
        wrong = Counter(_shown(r.answer) for r in answers if not r.right)
        common = wrong.most_common(1)
        high, low = _share_right(answers, upper), _share_right(answers, lower)
        stats.append(
            UnitStats(
                unit=unit,
                label=(labels or {}).get(unit, unit),
                responses=len(answers),
                answered=len(answered),
                percent_right=round(100.0 * sum(r.right for r in answers) / len(answers), 1),
                discrimination=None if high is None or low is None else round(high - low, 2),
                common_wrong=common[0][0] if common else None,
                common_wrong_count=common[0][1] if common else 0,
                critical_misses=sum(r.critical_miss for r in answers),
                critical=any(r.critical for r in answers),
            )
        )
    confusion: dict[str, Counter[str]] = {}
    for response in responses:
        if response.decision and response.student in ids:
            shown = _shown(response.answer)
            if shown not in decisions and shown != NO_ANSWER:
                shown = OTHER
            confusion.setdefault(response.key, Counter())[shown] += 1
    return Analysis(
        assignment=assignment,
        by=by,
        pass_percent=pass_percent,
        units=stats,
        percents=[float(r["percent"]) for r in graded],
        passed=[bool(r["passed"]) for r in graded],
        failed_critical=[bool(r["critical_misses"]) for r in graded],
        confusion=confusion,
    )
