"""``ankle-course validate``: every check of the course data, reported by file, record, field."""

from __future__ import annotations

import typer

from course.cli.output import err, guarded, out

__all__ = ["validate"]


@guarded
def validate() -> None:
    """Check every course data file; report problems by file, record and field."""
    from course.validate import run_checks

    failed = False
    for result in run_checks():
        mark = "[green]ok[/green]" if result.ok else "[red]FAILED[/red]"
        out().print(f"{mark} {result.label}")
        if not result.ok:
            failed = True
            err().print(f"  {result.message}", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)
    from course.content.loader import load_content

    content = load_content()
    out().print(
        f"{len(content.structures)} structures, {len(content.techniques)} techniques, "
        f"{len(content.rules)} safety rules, {len(content.lessons)} lessons"
    )
