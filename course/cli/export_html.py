"""``ankle-course export-html DIR``: the lessons as static HTML, for reading offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from course.cli.output import guarded, out

__all__ = ["export_html"]


@guarded
def export_html(
    directory: Annotated[Path, typer.Argument(help="Folder for the HTML files.")],
    timeout: Annotated[int, typer.Option(help="Seconds allowed per notebook cell.", min=1)] = 120,
) -> None:
    """Render the lessons to static HTML for reading offline (diagrams as images)."""
    from course.content.text import text
    from course.export_html import export_html as export

    files = export(directory, timeout=timeout)
    out().print(text("export.written", count=len(files) - 1, path=directory), markup=False)
