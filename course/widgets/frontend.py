"""The widgets' front-end files, kept as anywidget recommends: one ES module and one stylesheet
per widget in ``static/``, passed as ``_esm`` and ``_css``.

anywidget loads one ES module per widget and there is no bundler, so the helpers every course
widget needs (``static/shared.js``: the JupyterLab key guard, ``prefixIds`` and ``fmt``) are
prepended to each widget's own module here instead of being copied into each file. A helper
only one widget needs (``static/labels.js``, the label placement of the diagram) is prepended
to that widget's module alone (``HELPERS``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["HELPERS", "STATIC", "module", "stylesheet"]

STATIC = Path(__file__).resolve().parent / "static"
# Helper modules (no widget, no stylesheet of their own) prepended to one widget's module.
HELPERS: dict[str, tuple[str, ...]] = {"diagram.js": ("labels.js",)}


@cache
def module(name: str) -> str:
    """The ES module for ``_esm``: ``static/shared.js``, its ``HELPERS``, then ``static/NAME``."""
    parts = ("shared.js", *HELPERS.get(name, ()), name)
    return "\n".join((STATIC / part).read_text(encoding="utf-8") for part in parts)


def stylesheet(name: str) -> Path:
    """The stylesheet for ``_css``: ``static/NAME`` (anywidget reads the file)."""
    path = STATIC / name
    if not path.is_file():
        raise FileNotFoundError(f"the widget stylesheet is missing: {path}")
    return path
