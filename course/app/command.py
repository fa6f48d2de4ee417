"""The ``ankle-course app`` command (imported by ``course.cli``; starts Voila on demand)."""

from __future__ import annotations

import subprocess
from typing import Annotated

import typer

__all__ = ["app"]


def app(
    port: Annotated[
        int | None, typer.Option(help="Port for the app (default: Voila's 8866).", min=1, max=65535)
    ] = None,
    browser: Annotated[bool, typer.Option(help="Open a web browser.")] = True,
    token: Annotated[
        str | None, typer.Option(help="Require this token in the URL (default: none).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the command only.")] = False,
) -> None:
    """Open the anatomy explorer and the safety scenario explorer as an app (no code shown)."""
    from course.app import APP_NOTEBOOK, voila_command

    if not APP_NOTEBOOK.is_file():
        from course.cli import fail

        fail(f"the app notebook is missing: {APP_NOTEBOOK}")
    command = voila_command(port=port, open_browser=browser, token=token)
    if dry_run:
        typer.echo(" ".join(command))
        return
    try:
        raise typer.Exit(subprocess.call(command, cwd=APP_NOTEBOOK.parent))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
