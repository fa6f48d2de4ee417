"""``ankle-course lab``: open the course in JupyterLab, starting at the welcome notebook."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from course.cli.output import guarded, out

__all__ = ["lab"]


@guarded
def lab(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Your course folder (default: $ANKLE_COURSE_HOME or ~/ankle-course)."
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port for JupyterLab.", min=1, max=65535)] = None,
    browser: Annotated[bool, typer.Option(help="Open a web browser.")] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Prepare the folder and print the command only.")
    ] = False,
) -> None:
    """Open the course in JupyterLab, starting at the welcome notebook."""
    from course.workspace import default_workspace, lab_command, lab_environment, sync_workspace

    workspace = (directory or default_workspace()).expanduser().resolve()
    report = sync_workspace(workspace)  # WorkspaceError: one line, from @guarded
    if report.copied:
        out().print(f"Copied {len(report.copied)} notebooks into {workspace}")
    for name in report.new_versions:
        out().print(f"Kept your edited notebook; the course's new version is {name}")
    command = lab_command(workspace, port=port, open_browser=browser)
    env = lab_environment(workspace)
    if dry_run:
        config_path = f"JUPYTER_CONFIG_PATH={env['JUPYTER_CONFIG_PATH']}"
        out().print(" ".join([config_path, *command]), markup=False, highlight=False)
        return
    out().print(f"Opening the course in JupyterLab from {workspace} (Ctrl+C to stop)")
    try:
        raise typer.Exit(subprocess.call(command, cwd=workspace, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
