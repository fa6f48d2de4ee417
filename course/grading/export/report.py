"""A table of every learner's status, and one line per problem."""

from __future__ import annotations

from typing import Any

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


def report(course: Course, assignment: str, console: Console) -> list[dict[str, Any]]:
    """Print the status table of ``assignment``; returns its rows."""
    from course.content.loader import load_content

    rows = collect(course, assignment)
    table = Table(title=f"{assignment}: {len(rows)} learners")
    for name in ("student", "status", "score", "percent", "passed", "critical misses"):
        table.add_column(name, justify="right" if name in ("score", "percent") else "left")
    for row in rows:
        table.add_row(
            row["student_id"],
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
