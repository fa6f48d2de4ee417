"""``ankle-course progress [--reset [--yes]]``: the progress summary in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["progress"]


def progress(
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete your progress file (asks first).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --reset: do not ask.")] = False,
) -> None:
    """Show your progress per lesson (sections opened, self-check scores)."""
    import warnings

    from rich.console import Console
    from rich.table import Table

    from course.content.text import text, texts
    from course.progress.store import ProgressStore, ProgressWarning
    from course.progress.widget import table_rows

    out = Console(soft_wrap=True)
    store = ProgressStore()
    if reset:
        if not store.path.exists():
            out.print(text("progress.reset_nothing", path=store.path), markup=False)
            return
        if not yes and not typer.confirm(text("progress.reset_prompt", path=store.path)):
            out.print(text("progress.reset_kept"), markup=False)
            raise typer.Exit(1)
        try:
            store.reset()
        except OSError as exc:
            Console(stderr=True, soft_wrap=True).print(f"ankle-course: error: {exc}", markup=False)
            raise typer.Exit(2) from None
        out.print(text("progress.reset_done", path=store.path), markup=False)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProgressWarning)
        rows = store.summary()
    for warning in caught:
        Console(stderr=True, soft_wrap=True).print(
            f"ankle-course: warning: {warning.message}", markup=False
        )
    table = Table(title=text("progress.heading"))
    for column in texts("progress.columns"):
        table.add_column(column)
    for cells in table_rows(rows):
        table.add_row(*cells)
    out.print(table)
    out.print(text("progress.file", path=store.path), markup=False)
    out.print(text("progress.disclaimer_note"), markup=False)
