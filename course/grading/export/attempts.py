"""One result per learner across the attempts of a variant assessment (its retakes).

Every attempt is an nbgrader assignment of its own (``course.grading.variants.retake``) with its
own submissions and grades; :func:`pick` chooses the one that counts per learner by a stated
policy (``best``, ``last`` or ``first``), for ``course.grading.export.results.collect_attempts``
and the class report.
"""

from __future__ import annotations

from typing import Any, Literal

from course.errors import GradingError

__all__ = ["POLICIES", "TAKEN", "Policy", "pick", "policy_words"]

Policy = Literal["best", "last", "first"]
POLICIES: tuple[Policy, ...] = ("best", "last", "first")
#: Statuses of an attempt the learner did not hand in.
TAKEN = frozenset({"missing"})


def _rank(row: dict[str, Any]) -> tuple[bool, bool, float]:
    graded = row["status"] not in ("missing", "ungraded", "invalid", "error")
    return (graded, bool(row["passed"]), float(row["score"]))


def pick(rows: list[tuple[int, dict[str, Any]]], policy: Policy) -> tuple[int, dict[str, Any]]:
    """The attempt that counts, of ``(attempt, row)`` pairs in attempt order.

    ``first``/``last``: the first/last attempt the learner handed in; ``best``: a graded pass
    before a fail, then the higher score, then the earlier attempt. With nothing handed in,
    the first attempt's row (``missing``).
    """
    if policy not in POLICIES:
        raise GradingError(f"unknown attempts policy {policy!r}; valid: {', '.join(POLICIES)}")
    taken = [(n, row) for n, row in rows if row["status"] not in TAKEN]
    if not taken:
        return rows[0]
    if policy == "first":
        return taken[0]
    if policy == "last":
        return taken[-1]
    return max(taken, key=lambda item: (*_rank(item[1]), -item[0]))


def policy_words(policy: Policy, count: int) -> str:
    """How the export states its policy, e.g. ``best of 2 attempts``."""
    return f"{policy} of {count} attempt{'s' if count != 1 else ''}"
