"""The widgets' front-end files, kept as anywidget recommends: one ES module and one stylesheet
per widget in ``static/``, passed as ``_esm`` and ``_css``.

anywidget loads one ES module per widget and there is no bundler, so the helpers every course
widget needs (``static/shared.js``: the JupyterLab key guard, ``prefixIds``, ``fmt``, ``say``
and ``saveAfterPaint``) are prepended to each widget's own module here instead of being copied
into each file. A helper only one widget needs (``static/labels.js``, the label placement of
the diagram, and ``static/explorer_controls.js``, the explorer's own controls) is prepended to
that widget's module alone (``HELPERS``). Stylesheets work the same way: the stacked data
table (``static/table.css``, for :func:`course.display.html_table` with ``stacked=True``) is
added to the stylesheets of the widgets that show one (``STYLE_HELPERS``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["HELPERS", "STATIC", "STYLE_HELPERS", "module", "stylesheet"]

STATIC = Path(__file__).resolve().parent / "static"
# Helper modules (no widget, no stylesheet of their own) prepended to one widget's module.
HELPERS: dict[str, tuple[str, ...]] = {"diagram.js": ("labels.js", "explorer_controls.js")}
# Helper stylesheets (no widget of their own) added to one widget's stylesheet: the mastery
# table of PracticeCases (practice.css) and of ProgressSummary (its LiveText loads live.css).
STYLE_HELPERS: dict[str, tuple[str, ...]] = {
    "practice.css": ("table.css",),
    "live.css": ("table.css",),
}


@cache
def module(name: str) -> str:
    """The ES module for ``_esm``: ``static/shared.js``, its ``HELPERS``, then ``static/NAME``."""
    parts = ("shared.js", *HELPERS.get(name, ()), name)
    return "\n".join((STATIC / part).read_text(encoding="utf-8") for part in parts)


def stylesheet(name: str) -> Path | str:
    """The stylesheet for ``_css``: ``static/NAME`` (anywidget reads the file), or, for a
    stylesheet with ``STYLE_HELPERS``, its text followed by theirs."""
    paths = [STATIC / name, *(STATIC / helper for helper in STYLE_HELPERS.get(name, ()))]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"the widget stylesheet is missing: {path}")
    if len(paths) == 1:
        return paths[0]
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)
