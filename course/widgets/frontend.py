"""The widgets' front-end code: each widget's ES module with the shared helpers in front.

anywidget loads one ES module per widget and there is no bundler, so the helpers every course
widget needs (``static/shared.js``: the JupyterLab key guard and ``prefixIds``) are prepended
to each widget's own module here instead of being copied into each file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def module(name: str) -> str:
    """``static/shared.js`` followed by the widget module ``name`` (relative to this folder)."""
    shared = (_HERE / "static" / "shared.js").read_text(encoding="utf-8")
    return shared + "\n" + (_HERE / name).read_text(encoding="utf-8")
