"""``ankle-course progress [--reset [--yes]]``: the progress summary in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from course.cli.output import guarded, out, warn

__all__ = ["progress"]


@guarded
def progress(
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete your progress file (asks first).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --reset: do not ask.")] = False,
) -> None:
    """Show your progress per lesson (sections opened, self-check scores)."""
    import warnings

    from rich.table import Table

    from course.content.text import text, texts
    from course.progress.store import ProgressStore, ProgressWarning
    from course.progress.summary import table_rows

    console = out()
    store = ProgressStore()
    if reset:
        if not store.path.exists():
            console.print(text("progress.reset_nothing", path=store.path), markup=False)
            return
        if not yes and not typer.confirm(text("progress.reset_prompt", path=store.path)):
            console.print(text("progress.reset_kept"), markup=False)
            raise typer.Exit(1)
        store.reset()  # ProgressError: one line, from @guarded
        console.print(text("progress.reset_done", path=store.path), markup=False)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProgressWarning)
        rows = store.summary()
    for warning in caught:
        warn(str(warning.message))
    table = Table(title=text("progress.heading"))
    for column in texts("progress.columns"):
        table.add_column(column)
    for cells in table_rows(rows):
        table.add_row(*cells)
    console.print(table)
    console.print(text("progress.file", path=store.path), markup=False)
    console.print(text("progress.disclaimer_note"), markup=False)
