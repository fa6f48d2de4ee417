"""The widgets' front-end files, kept as anywidget recommends: one ES module and one stylesheet
per widget in ``static/``, passed as ``_esm`` and ``_css``.

anywidget loads one ES module per widget and there is no bundler, so the helpers every course
widget needs (``static/shared.js``: the JupyterLab key guard, ``prefixIds`` and ``fmt``) are
prepended to each widget's own module here instead of being copied into each file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["STATIC", "module", "stylesheet"]

STATIC = Path(__file__).resolve().parent / "static"


@cache
def module(name: str) -> str:
    """The ES module for ``_esm``: ``static/shared.js`` followed by ``static/NAME``."""
    shared = (STATIC / "shared.js").read_text(encoding="utf-8")
    return shared + "\n" + (STATIC / name).read_text(encoding="utf-8")


def stylesheet(name: str) -> Path:
    """The stylesheet for ``_css``: ``static/NAME`` (anywidget reads the file)."""
    path = STATIC / name
    if not path.is_file():
        raise FileNotFoundError(f"the widget stylesheet is missing: {path}")
    return path
