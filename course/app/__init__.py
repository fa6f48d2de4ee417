"""``ankle-course app``: the anatomy explorer, the safety scenario explorer and safety practice
as a Voila app.

For people who should not see code: Voila runs :data:`APP_NOTEBOOK` and shows only its text and
widgets. The notebook's code cells call :func:`anatomy_explorer`, :func:`scenario_explorer` and
:func:`practice` (and nothing else), so the app shows exactly the widgets the lessons use.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

__all__ = [
    "APP_NOTEBOOK",
    "anatomy_explorer",
    "notice",
    "practice",
    "scenario_explorer",
    "voila_command",
]

APP_NOTEBOOK = Path(__file__).resolve().parent / "explorer.ipynb"


def notice() -> Any:
    """The course's "education, not diagnosis" notice, as Markdown for the page."""
    from course.content.loader import load_content

    markdown = import_module("IPython.display").Markdown
    return markdown(f"**{load_content().disclaimer}**")


def anatomy_explorer() -> Any:
    """The course's interactive ankle atlas (``course.widgets.AnkleExplorer``)."""
    return import_module("course.widgets").AnkleExplorer()


def scenario_explorer() -> Any:
    """The safety scenario explorer of lesson 05 (decision and reasons from ``course.safety``)."""
    return import_module("course.lesson").scenario_explorer()


def practice() -> Any:
    """Safety practice until mastered (lessons 05 and 06), kept in the learner's progress."""
    return import_module("course.lesson").practice()


def voila_command(
    *,
    port: int | None = None,
    ip: str = "127.0.0.1",
    base_url: str | None = None,
    open_browser: bool = True,
    token: str | None = None,
    python: str | None = None,
    notebook: Path = APP_NOTEBOOK,
    extra: Sequence[str] = (),
) -> list[str]:
    """The ``voila`` command that serves the app: sources stripped, no tracebacks; localhost
    unless ``ip`` says otherwise. ``extra`` Voila options come last (they may override)."""
    import sys

    command = [
        python or sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--Voila.ip={ip}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--template=lab",
        "--theme=light",
    ]
    if base_url is not None:
        command.append(f"--Voila.base_url={base_url}")
    if port is not None:
        command.append(f"--port={port}")
    if not open_browser:
        command.append("--no-browser")
    if token:
        command.append(f"--token={token}")
    command.extend(extra)
    return command
