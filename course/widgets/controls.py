"""Small accessible controls (anywidget) that ipywidgets does not offer.

``LiveText``: a live region that exists before its content changes. ``StepNav``: Previous /
Next buttons that keep the focus at either end, a view switch with radio semantics, and an
announcement of the new position. Front-end code lives in ``static/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from course.widgets.frontend import module
from course.widgets.shared_models import SharedLayout

__all__ = ["LiveText", "StepNav"]


class LiveText(SharedLayout, anywidget.AnyWidget):
    """``html`` shown in a ``role=status`` region created at the first render.

    ``hidden_visually`` keeps the region for screen readers only.
    """

    _esm = module("live.js")
    html = traitlets.Unicode("").tag(sync=True)
    role = traitlets.Enum(("status", "alert"), "status").tag(sync=True)
    politeness = traitlets.Enum(("polite", "assertive"), "polite").tag(sync=True)
    hidden_visually = traitlets.Bool(False).tag(sync=True)

    @property
    def value(self) -> str:
        """The HTML shown (the name ``ipywidgets.HTML`` uses)."""
        return str(self.html)

    @value.setter
    def value(self, new: str) -> None:
        self.html = new


class StepNav(SharedLayout, anywidget.AnyWidget):
    """Previous / Next and a view switch; ``on_step`` receives -1 or +1 from the browser.

    ``views`` is a list of ``[label, value]`` pairs; ``view`` the chosen value (synced both
    ways). ``status`` is announced (visually hidden live region).
    """

    _esm = module("nav.js")
    labels = traitlets.Dict().tag(sync=True)
    at_first = traitlets.Bool(False).tag(sync=True)
    at_last = traitlets.Bool(False).tag(sync=True)
    views = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    view = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, on_step: Callable[[int], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_step = on_step
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        step = {"previous": -1, "next": 1}.get(str(content.get("action")))
        if step is not None:
            self.step(step)

    def step(self, offset: int) -> None:
        """What the Previous (-1) or Next (+1) button does; nothing beyond either end."""
        if (offset < 0 and self.at_first) or (offset > 0 and self.at_last):
            return
        if self._on_step is not None:
            self._on_step(offset)
