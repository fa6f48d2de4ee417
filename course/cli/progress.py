"""``ankle-course progress [--reset | --reset-practice] [--yes]``: the progress summary and
the practice mastery per rule family, in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from course.cli.output import guarded, out, warn

if TYPE_CHECKING:
    from course.practice.session import Mastery
    from course.progress.store import ProgressStore

__all__ = ["progress"]


@guarded
def progress(
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete your progress file (asks first).")
    ] = False,
    reset_practice: Annotated[
        bool,
        typer.Option(
            "--reset-practice", help="Start practice afresh; lessons are kept (asks first)."
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With a reset: do not ask.")] = False,
) -> None:
    """Show your progress per lesson and your practice mastery per rule family."""
    import warnings

    from rich.table import Table

    from course.content.text import text, texts
    from course.practice.present import mastery_rows
    from course.practice.schedule import MASTERY_STREAK
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
    if reset_practice:
        _reset_practice(store, yes)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProgressWarning)
        rows = store.summary()
        mastery, ready = _mastery(store)
    for warning in caught:
        warn(str(warning.message))
    table = Table(title=text("progress.heading"))
    for column in texts("progress.columns"):
        table.add_column(column)
    for cells in table_rows(rows):
        table.add_row(*cells)
    console.print(table)
    practice = Table(title=text("practice.table_heading"))
    for column in texts("practice.columns"):
        practice.add_column(column)
    for row, cells in zip(mastery, mastery_rows(mastery), strict=True):
        bar = "█" * row.streak + "░" * (MASTERY_STREAK - row.streak)
        cells[3] = f"{bar} {cells[3]}"  # the chart: a bar per family
        practice.add_row(*cells)
    console.print(practice)
    console.print(ready, markup=False)
    console.print(text("progress.file", path=store.path), markup=False)
    console.print(text("progress.disclaimer_note"), markup=False)


def _mastery(store: ProgressStore) -> tuple[tuple[Mastery, ...], str]:
    from course.practice.present import readiness
    from course.practice.session import Practice

    rows = Practice(None, store).table()
    return rows, readiness(rows)


def _reset_practice(store: ProgressStore, yes: bool) -> None:
    from course.content.text import text
    from course.practice.session import Practice

    console = out()
    if not yes and not typer.confirm(text("practice.reset_prompt", path=store.path)):
        console.print(text("practice.reset_kept"), markup=False)
        raise typer.Exit(1)
    Practice(None, store).reset()
    console.print(text("practice.reset_done"), markup=False)
