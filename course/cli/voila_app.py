"""The ``ankle-course app`` command (imported by ``course.cli``; starts Voila on demand)."""

from __future__ import annotations

import subprocess
from typing import Annotated

import typer

from course.cli.output import fail

__all__ = ["CONTEXT", "app"]

# options the command does not know are Voila's own, passed through (``--Voila.x=y``)
CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def app(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option(help="Port for the app (default: Voila's 8866).", min=1, max=65535)
    ] = None,
    ip: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="URL prefix behind a proxy, e.g. /course/app/."),
    ] = None,
    browser: Annotated[bool, typer.Option(help="Open a web browser.")] = True,
    token: Annotated[
        str | None, typer.Option(help="Require this token in the URL (default: none).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the command only.")] = False,
) -> None:
    """Open the anatomy and safety scenario explorers and safety practice as an app (no code).

    Any other option is passed to Voila as it is, e.g. --Voila.tornado_settings=... .
    """
    from course.app import APP_NOTEBOOK, voila_command

    if not APP_NOTEBOOK.is_file():
        fail(f"the app notebook is missing: {APP_NOTEBOOK}")
    extra = list(ctx.args)
    stray = [arg for arg in extra if not arg.startswith("--")]
    if stray:
        fail(f"unexpected argument {stray[0]!r} (Voila options start with --)")
    if base_url is not None and not (base_url.startswith("/") and base_url.endswith("/")):
        fail(f"--base-url must start and end with '/', e.g. /course/app/ (got {base_url!r})")
    command = voila_command(
        port=port, ip=ip, base_url=base_url, open_browser=browser, token=token, extra=extra
    )
    if dry_run:
        typer.echo(" ".join(command))
        return
    try:
        raise typer.Exit(subprocess.call(command, cwd=APP_NOTEBOOK.parent))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
