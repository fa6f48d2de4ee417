"""The safety marking layer: points, the pass mark and critical items.

A learner who would massage an ankle with a red flag must not pass: a critical item (a
scenario whose key stops the massage or keeps it from starting, or with a red flag) answered
with a decision that lets the massage go on (PROCEED, PROCEED_WITH_CAUTION or AVOID_AREA, the
decisions below REFER) fails the assessment whatever the points total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course.grading.items.bank import MASSAGE_DECISIONS, Gradeable
from course.grading.marking.submission import NOT_SIMPLE

#: Statuses of a submission that was graded (possibly with problems worth a look).
GRADED = frozenset({"graded", "flagged", "tampered"})
#: Statuses of a submission that was marked but never passes until the instructor has looked:
#: a variant assessment's notebook that showed another learner's cases.
HELD = frozenset({"variant-mismatch"})


@dataclass(frozen=True)
class Mark:
    """The marked result of one submission."""

    score: float
    max_score: float
    percent: float
    passed: bool
    critical_misses: tuple[str, ...]


def critical_misses(critical: Iterable[str], answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Critical items whose answer would let a massage go ahead (or cannot be read).

    An answer that is not a simple value cannot be read, so on a critical item it counts as a
    miss whatever the points: a red flag is never given the benefit of the doubt.
    """
    return tuple(
        sorted(
            i
            for i in critical
            if answers.get(i) in MASSAGE_DECISIONS or answers.get(i) == NOT_SIMPLE
        )
    )


def answer_key(bank: Any, student: str) -> dict[str, Gradeable]:
    """The key the static marker uses for ``student``: grade cell id -> :class:`Gradeable`.

    A fixed item bank gives every learner its own key (``ItemBank.gradeables``); a variant
    bank the key of ``student``'s own variant, regenerated from their id.
    """
    from course.grading.marking.banks import key_of

    return key_of(bank, student)


def item_score(gradeable: Gradeable, answer: Any, max_score: float) -> float:
    """The points of one graded cell from the answer written in its item's answer cell.

    ``max_score`` when the literal answer has the key's type and equals it (what the hidden
    test ``type(q) is str and q == KEY`` / ``q is True`` checks for a literal), else 0. A
    picture question (kind ``structure``) scores with any name ``course.content.anatomy.find()``
    resolves to the marked structure.
    """
    if gradeable.kind == "structure":
        from course.grading.diagram_items import names_structure

        right = names_structure(answer, str(gradeable.key))
    else:
        right = type(answer) is type(gradeable.key) and answer == gradeable.key
    return max_score if right else 0.0


def mark(
    *,
    score: float,
    max_score: float,
    pass_percent: float,
    critical: Iterable[str],
    answers: Mapping[str, Any],
    status: str,
) -> Mark:
    """Mark a submission: it passes with enough points, no critical miss and a gradable status
    (a :data:`HELD` one keeps its points and misses but does not pass)."""
    counted = status in GRADED or status in HELD
    misses = critical_misses(critical, answers) if counted else ()
    score = score if counted else 0.0
    raw = 100.0 * score / max_score if max_score else 0.0
    passed = status in GRADED and not misses and raw >= pass_percent
    return Mark(
        score=score,
        max_score=max_score,
        percent=round(raw, 1),
        passed=passed,
        critical_misses=misses,
    )
