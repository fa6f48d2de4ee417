"""What ``ankle-course grade passback`` prints: the policy across attempts, the scores it
would send (``--dry-run``) or sent, and every learner left out and why."""

from __future__ import annotations

import typer

from course.cli.output import err
from course.lti.ags import PassbackReport

__all__ = ["show_report"]


def show_report(report: PassbackReport, assignment: str, *, dry_run: bool) -> None:
    """Print ``report``; exit 1 when the LMS kept failing (a rerun sends the rest)."""
    if report.stated:
        typer.echo(f"{assignment}: {report.stated}, one score per learner")
    if report.retakes_ignored:
        typer.echo(
            "note: only the first attempt is sent; retakes left out: "
            f"{', '.join(report.retakes_ignored)} (choose with --attempts best|last|first)"
        )
    if dry_run:
        for score in report.planned:
            which = f" (attempt {score.attempt})" if score.attempt is not None else ""
            typer.echo(
                f"would send {score.account}: {score.score_given:g}/"
                f"{score.score_maximum:g} {score.grading_progress}{which}"
            )
    else:
        typer.echo(
            f"{assignment}: sent {len(report.sent)}, unchanged {len(report.unchanged)} "
            f"(line item {report.lineitem})"
        )
    if report.not_graded:
        typer.echo(f"not graded yet (nothing sent): {', '.join(report.not_graded)}")
    if report.never_launched:
        typer.echo(
            "never opened the course from the LMS (no LMS user id, not sent): "
            + ", ".join(report.never_launched)
        )
    if report.unsent:
        err().print(
            f"ankle-course: warning: the LMS kept failing; not sent: "
            f"{', '.join(report.unsent)} (run the command again later)",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
