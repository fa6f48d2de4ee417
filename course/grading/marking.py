"""The safety marking layer: points, the pass mark and critical red-flag items.

A learner who would massage an ankle with a red flag must not pass: a critical item (a
scenario with a red flag) answered PROCEED or PROCEED_WITH_CAUTION fails the assessment
whatever the points total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course.grading.items import MASSAGE_DECISIONS
from course.grading.submission import NOT_SIMPLE

#: Statuses of a submission that was graded (possibly with problems worth a look).
GRADED = frozenset({"graded", "flagged", "tampered"})
#: Every status, most serious first.
STATUSES = ("error", "invalid", "missing", "tampered", "flagged", "graded")


@dataclass(frozen=True)
class Mark:
    """The marked result of one submission."""

    score: float
    max_score: float
    percent: float
    passed: bool
    critical_misses: tuple[str, ...]


def critical_misses(
    critical: Iterable[str], answers: Mapping[str, Any], zero_items: Iterable[str] = ()
) -> tuple[str, ...]:
    """Critical items whose answer would let a massage go ahead.

    An answer that is not a simple value cannot be read; when its item also scored 0 it may
    have been PROCEED, so it counts as a miss (a red flag is never given the benefit of doubt).
    """
    zero = set(zero_items)
    return tuple(
        sorted(
            i
            for i in critical
            if answers.get(i) in MASSAGE_DECISIONS or (answers.get(i) == NOT_SIMPLE and i in zero)
        )
    )


def mark(
    *,
    score: float,
    max_score: float,
    pass_percent: float,
    critical: Iterable[str],
    answers: Mapping[str, Any],
    status: str,
    zero_items: Iterable[str] = (),
) -> Mark:
    """Mark a submission: it passes with enough points, no critical miss and a gradable status."""
    misses = critical_misses(critical, answers, zero_items) if status in GRADED else ()
    score = score if status in GRADED else 0.0
    raw = 100.0 * score / max_score if max_score else 0.0
    passed = status in GRADED and not misses and raw >= pass_percent
    return Mark(
        score=score,
        max_score=max_score,
        percent=round(raw, 1),
        passed=passed,
        critical_misses=misses,
    )
