"""The widgets' front-end files, kept as anywidget recommends: one ES module and one stylesheet
per widget in ``static/`` (``NAME.js`` and ``NAME.css``); both reach the page as ``_esm``.

anywidget loads one ES module per widget and there is no bundler, so the helpers every course
widget needs (``static/shared.js``: the JupyterLab key guard, ``prefixIds``, ``fmt``, ``say``,
``saveAfterPaint`` and ``adoptStyle``) are prepended to each widget's own module here instead
of being copied into each file. A helper only one widget needs (``static/labels.js``, the
label placement of the diagram, and ``static/explorer_controls.js``, the explorer's own
controls) is prepended to that widget's module alone (``HELPERS``).

The stylesheet is not anywidget's ``_css``: anywidget writes a widget's ``<style>`` again for
every model created, with the same text, and each write makes the browser match every rule of
the page again (twelve times per Run All of lesson 01, about 40 ms; issue 25). The module puts
it on the page itself (``adoptStyle``), once, and again only when its text differs. Stylesheets
are joined like modules: the stacked data table (``static/table.css``, for
:func:`course.display.html_table` with ``stacked=True``) is added to the stylesheets of the
widgets that show one (``STYLE_HELPERS``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

__all__ = ["HELPERS", "STATIC", "STYLE_HELPERS", "module", "style_id", "stylesheet"]

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
    """The ES module for ``_esm``: ``static/shared.js``, its ``HELPERS``, a line that puts the
    widget's stylesheet (:func:`stylesheet` of ``NAME.css``) on the page, then ``static/NAME``."""
    parts = [
        (STATIC / part).read_text(encoding="utf-8")
        for part in ("shared.js", *HELPERS.get(name, ()))
    ]
    css = Path(name).with_suffix(".css").name
    parts.append(f"adoptStyle({json.dumps(style_id(css))}, {json.dumps(stylesheet(css))});")
    parts.append((STATIC / name).read_text(encoding="utf-8"))
    return "\n".join(parts)


def style_id(name: str) -> str:
    """The id of the page's ``<style>`` element holding the stylesheet ``name``."""
    return f"ankle-course-{Path(name).stem}-css"


def stylesheet(name: str) -> str:
    """The text of the stylesheet ``static/NAME``, followed by the helper stylesheets that
    ``STYLE_HELPERS`` names for it."""
    paths = [STATIC / name, *(STATIC / helper for helper in STYLE_HELPERS.get(name, ()))]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"the widget stylesheet is missing: {path}")
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)
