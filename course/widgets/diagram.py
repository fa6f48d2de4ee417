"""The one browser-side diagram widget (anywidget); fallbacks: :mod:`course.widgets.fallback`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from course.widgets.frontend import module
from course.widgets.shared_models import SharedLayout

__all__ = ["DiagramView", "LivePart"]


class DiagramView(SharedLayout, anywidget.AnyWidget):
    """An SVG diagram whose structures are focusable, labelled buttons.

    Hover, selection highlight and keyboard moves happen in the browser; only ``selected``
    travels back to Python. Arrow keys follow ``moves`` (nearest structure that way), each
    structure is described by ``descriptions`` and the diagram by ``overview``. ``mode`` is
    ``explore`` (info panel), ``quiz`` (no names shown) or ``technique`` (Play and hold-timer
    controls).

    Explore mode with ``views`` (view name to an SVG with every layer and label) shows
    ``views[view]`` with ``layers`` and labels (``show_labels``), placing labels from
    ``geometry`` (:mod:`course.diagrams.browser`). With ``controls`` (the words of the
    explorer's View menu and its ``options``, the layer check boxes, the labels box and the
    search field) the browser draws those controls itself (``static/explorer_controls.js``,
    plain HTML, no widget models) and sets ``view``, ``layers`` and ``show_labels`` from
    them, so a view change or layer toggle needs no kernel round trip; a search is the custom
    message ``{"type": "find", "text": ...}``. It asks for the other views (custom message
    ``{"type": "views"}``) when the pointer or the focus first enters the explorer. There
    ``spatial_key`` (``view|layers``, layers sorted) names the view and layers
    ``moves``/``descriptions``/``overview`` were computed for; until Python's answer for a
    new view or layer set arrives, the arrow keys go to the nearest shown structure by the
    label anchors of ``geometry``.

    ``live_before`` and ``live_after`` (HTML; None, the default, for none) are visible live
    regions above and below the picture, created at the first render (:class:`LivePart` gives
    them ``LiveText``'s interface): one model fewer per message for the browser to build.
    """

    _esm = module("diagram.js")
    svg = traitlets.Unicode("").tag(sync=True)
    names = traitlets.Dict().tag(sync=True)
    order = traitlets.List(traitlets.Unicode()).tag(sync=True)
    info = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    marks = traitlets.Dict().tag(sync=True)
    mode = traitlets.Enum(("explore", "quiz", "technique"), "explore").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    strings = traitlets.Dict().tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    hold = traitlets.List(traitlets.Int()).tag(sync=True)
    descriptions = traitlets.Dict().tag(sync=True)
    """Where each structure lies, in words (read when it is focused)."""
    overview = traitlets.Unicode("").tag(sync=True)
    """One paragraph on the view and how to move in it (read when the diagram is entered)."""
    moves = traitlets.Dict().tag(sync=True)
    """Structure id -> {left|right|up|down: structure id}: where each arrow key goes."""
    spatial_key = traitlets.Unicode("").tag(sync=True)
    """Explore mode: ``view|layers`` the three traits above hold (empty: always current)."""
    views = traitlets.Dict().tag(sync=True)
    view = traitlets.Unicode("").tag(sync=True)
    layers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    show_labels = traitlets.Bool(True).tag(sync=True)
    geometry = traitlets.Dict().tag(sync=True)
    desc = traitlets.Unicode("").tag(sync=True)
    controls = traitlets.Dict().tag(sync=True)
    live_before = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    live_after = traitlets.Unicode(None, allow_none=True).tag(sync=True)


class LivePart:
    """A live region of a :class:`DiagramView` (``live_before`` or ``live_after``) used like a
    :class:`~course.widgets.controls.LiveText`: ``html`` (and ``value``) is its HTML."""

    def __init__(self, canvas: DiagramView, trait: str) -> None:
        if trait not in ("live_before", "live_after"):
            raise ValueError(f"not a live region of DiagramView: {trait!r}")
        self._canvas, self._trait = canvas, trait
        if getattr(canvas, trait) is None:
            setattr(canvas, trait, "")

    @property
    def html(self) -> str:
        return str(getattr(self._canvas, self._trait) or "")

    @html.setter
    def html(self, new: str) -> None:
        setattr(self._canvas, self._trait, new)

    def observe(self, handler: Callable[[dict[str, Any]], None], names: str = "html") -> None:
        """Call ``handler`` with each change of ``html`` (``value``), as ``LiveText.observe``."""
        if names not in ("html", "value"):
            raise ValueError(f"a live region has only html (value), not {names!r}")
        self._canvas.observe(lambda change: handler({**change, "name": names}), self._trait)

    @property
    def value(self) -> str:
        return self.html

    @value.setter
    def value(self, new: str) -> None:
        self.html = new
