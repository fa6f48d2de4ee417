"""A table of every learner's status, and one line per problem."""

from __future__ import annotations

from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from course.grading.course import Course
from course.grading.export.results import collect


def problem_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per learner with a problem: ``student: status: problem; problem``."""
    return [
        f"{row['student_id']}: {row['status']}: {'; '.join(row['problems'])}"
        for row in rows
        if row["problems"]
    ]


def refusal_lines(course: Course, assignment: str) -> list[str]:
    """One line per inbound entry that collect refused (hand-made, hostile or unreadable)."""
    from course.hub.refusals import read_refusals

    return [
        f"{r.student}: refused at collect: {r.entry}: {r.reason}"
        for r in read_refusals(course.root, assignment)
    ]


def report(
    course: Course,
    assignment: str,
    console: Console,
    attempts: Literal["best", "last", "first"] | None = None,
) -> list[dict[str, Any]]:
    """Print the status table of ``assignment`` (``attempts``: one row per learner across the
    retakes, the attempt the policy picks); returns its rows."""
    from course.content.loader import load_content

    title = f"{assignment}: "
    if attempts is None:
        rows = collect(course, assignment)
    else:
        from course.grading.export.attempts import policy_words
        from course.grading.export.results import collect_attempts
        from course.grading.variants.retake import attempts_of

        course.check_assignment(assignment)
        rows = collect_attempts(course, assignment, attempts)
        title += f"{policy_words(attempts, len(attempts_of(course.root, assignment)))}, "
    table = Table(title=f"{title}{len(rows)} learners")
    columns = ["student", "status", "score", "percent", "passed", "critical misses"]
    if attempts is not None:
        columns.insert(1, "attempt")
    for name in columns:
        table.add_column(name, justify="right" if name in ("score", "percent") else "left")
    for row in rows:
        table.add_row(
            row["student_id"],
            *([_attempt_cell(row)] if attempts is not None else []),
            row["status"],
            f"{row['score']:g}/{row['max_score']:g}",
            f"{row['percent']:.1f}",
            "yes" if row["passed"] else "no",
            ", ".join(row["critical_misses"]) or "-",
        )
    console.print(table)
    for line in [*problem_lines(rows), *refusal_lines(course, assignment)]:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    console.print(load_content().disclaimer, style="italic")
    return rows


def _attempt_cell(row: dict[str, Any]) -> str:
    """Which attempt counts, of those handed in ("-" when none was)."""
    return f"{row['attempt']} of {row['attempts']}" if row["attempts"] else "-"
