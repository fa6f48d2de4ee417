"""Retakes of a variant assessment, and one result per learner across the attempts.

nbgrader keeps one submission, one grade and one feedback per learner and assignment name, so
attempt N (N >= 2) of ``safety_cases`` is an nbgrader assignment of its own,
``safety_cases_attemptN``, whose bank is a link (``kind: retake``) to the first one's: the
same blueprint and notebook cells, new stories (the attempt is part of each learner's seed).
Every attempt keeps its own submissions and grades; :func:`pick` chooses the one that counts
per learner by a stated policy (``best``, ``last`` or ``first``), for
``course.grading.export.collect_attempts``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

from course.errors import GradingError
from course.grading.course import Course
from course.grading.retake_link import read_link, retake_name
from course.grading.variant_bank import is_variant_bank, load_variant_bank

__all__ = [
    "POLICIES",
    "Policy",
    "attempts_of",
    "pick",
    "policy_words",
    "prepare_retake",
    "retake_name",
]

Policy = Literal["best", "last", "first"]
POLICIES: tuple[Policy, ...] = ("best", "last", "first")
TAKEN = frozenset({"missing"})


def attempts_of(course_dir: Path, assignment: str) -> list[tuple[int, str]]:
    """``(attempt, nbgrader assignment)`` of every attempt prepared so far, first to last."""
    found = [(1, assignment)]
    source = course_dir / "source"
    for path in sorted(source.glob(f"{assignment}_attempt*.yaml")):
        link = read_link(course_dir, path.stem)
        if link is not None and link.of == assignment:
            found.append((link.attempt, path.stem))
    return sorted(found)


def prepare_retake(course: Course, assignment: str, attempt: int) -> str:
    """Write the link and the source notebook of ``attempt``; returns its assignment name."""
    from course.grading.build import Built, notebook_path, render, write
    from course.grading.build_cells import regions

    if attempt < 2:
        raise GradingError(f"--attempt {attempt}: a retake is attempt 2 or later")
    if read_link(course.root, assignment) is not None:
        raise GradingError(f"{assignment!r} is itself a retake: name the first attempt")
    if not is_variant_bank(course.root, assignment):
        raise GradingError(
            f"{assignment!r} is not a variant assessment (kind: variants): a retake of it would "
            "ask every learner the same questions again"
        )
    load_variant_bank(course.root, assignment)  # the bank is valid
    name = retake_name(assignment, attempt)
    path = course.root / "source" / f"{name}.yaml"
    link = read_link(course.root, name) if path.exists() else None
    if path.exists() and link is None:
        raise GradingError(f"{path} exists and is not a retake link: move it away first")
    if link is None:
        data = {"schema_version": 1, "kind": "retake", "of": assignment, "attempt": attempt}
        header = (
            f"# Retake link: attempt {attempt} of {assignment} (written by ankle-course grade "
            "release --attempt).\n# Same blueprint, new stories: the attempt is in the seed.\n"
        )
        try:
            path.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        except OSError as exc:
            raise GradingError(f"cannot write {path}: {exc.strerror or exc}") from None
    built = Built(
        name, notebook_path(course.root, name), render(course.root, name, regions(course.config))
    )
    write(built)
    return name


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
