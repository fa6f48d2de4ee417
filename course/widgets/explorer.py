"""AnkleExplorer: views, layers, search and an info panel over the SVG diagram."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import ipywidgets as w
import traitlets

from course.content.text import ui_text
from course.diagrams.browser import explorer_svg, label_geometry
from course.diagrams.draw import check_layers, visible_ids
from course.diagrams.geometry import VIEWS, check_view, load_view
from course.diagrams.palette import LAYERS
from course.diagrams.render import render_png
from course.diagrams.spatial import arrow_moves, overview, spatial_descriptions
from course.diagrams.text import alt_text
from course.widgets.diagram import DiagramView, LivePart
from course.widgets.fallback import StaticPicture
from course.widgets.logic import accessible_names, info_html, info_panels, search
from course.widgets.shared_models import SharedLayout

__all__ = ["AnkleExplorer"]

_MAX_SEARCH = 200  # characters of a search the explorer reads


@lru_cache(maxsize=1)
def _controls() -> dict[str, Any]:
    """The text of the explorer's own controls (diagram.js draws them), from ``ui.yaml``."""
    return {
        "view": ui_text("explorer.view"),
        "options": [[v, ui_text(f"views.{v}")] for v in VIEWS],
        "layers_label": ui_text("explorer.layers"),
        "layers": [[layer, ui_text(f"layers.{layer}")] for layer in LAYERS],
        "labels": ui_text("explorer.labels"),
        "search": ui_text("explorer.search"),
        "search_placeholder": ui_text("explorer.search_placeholder"),
        "search_button": ui_text("explorer.search_button"),
    }


@lru_cache(maxsize=8)
def _view_data(view: str) -> tuple[str, dict[str, str], dict[str, str], dict[str, Any]]:
    """What the browser needs to show ``view`` with any layers: computed once per view."""
    return (
        explorer_svg(view),
        accessible_names(view, LAYERS),
        info_panels(view, LAYERS),
        label_geometry(view),
    )


@lru_cache(maxsize=96)
def _spatial(view: str, layers: tuple[str, ...]) -> dict[str, Any]:
    """The canvas's spatial traits for ``view`` with ``layers``: arrow-key map, where each
    structure lies, the overview; and ``spatial_key``, the pair they hold for."""
    count = len(visible_ids(load_view(view), layers))
    return {
        "moves": arrow_moves(view, layers),
        "descriptions": spatial_descriptions(view, layers),
        "overview": overview(view, count),
        "spatial_key": f"{view}|{','.join(sorted(layers))}",
    }


class AnkleExplorer(StaticPicture, SharedLayout, w.VBox):  # type: ignore[misc]
    """Explore the ankle: pick a view and layers; click, Tab/arrows + Enter, or search.

    Traits: ``view`` (one of lateral, medial, posterior, dorsal), ``layers`` (tuple of layer
    names), ``selected`` (a structure id or None), ``alt_text`` (kept current).

    The browser draws the View menu, the layer and labels check boxes and the search field
    itself and switches views, layers and labels at once (:class:`DiagramView`'s explore
    mode, ``controls``); Python sends each view's picture once, the first on display and the
    others when the browser asks (the learner's pointer or focus enters the explorer), runs
    the searches, and keeps the text current.
    """

    view = traitlets.Unicode("lateral")
    layers = traitlets.Tuple()
    selected = traitlets.Unicode(None, allow_none=True)
    alt_text = traitlets.Unicode("")
    message = traitlets.Unicode("")

    def __init__(
        self,
        view: str = "lateral",
        layers: Iterable[str] | None = None,
        selected: str | None = None,
        labels: bool = True,
        **kwargs: Any,
    ) -> None:
        check_view(view)
        chosen = check_layers(layers)
        self._labels = labels
        self.canvas = DiagramView(mode="explore", label=ui_text("explorer.diagram"), live_before="")
        self._message = LivePart(self.canvas, "live_before")  # above the picture
        self.add_class("ankle-reflow")
        super().__init__(children=[self.canvas], **kwargs)
        # the View menu, the layer check boxes, the labels box and the search field are the
        # canvas's own (diagram.js): plain HTML controls, no widget models of their own
        self.canvas.controls = dict(_controls())
        self.canvas.on_msg(self._on_canvas_msg)
        self.set_trait("view", view)
        self.set_trait("layers", chosen)
        self._refresh_view()
        self.canvas.observe(self._on_canvas_choice, ["view", "layers", "show_labels"])
        self.canvas.observe(self._on_canvas_selected, "selected")
        if selected is not None:
            self.selected = selected
        self._message.html = ""  # nothing to announce until the learner changes something

    # --- trait validation and reactions ------------------------------------------------
    @traitlets.validate("view")
    def _valid_view(self, proposal: Any) -> str:
        return check_view(proposal["value"])

    @traitlets.validate("layers")
    def _valid_layers(self, proposal: Any) -> tuple[str, ...]:
        return check_layers(proposal["value"])

    @traitlets.validate("selected")
    def _valid_selected(self, proposal: Any) -> str | None:
        sid = proposal["value"] or None
        if sid is None:
            return None
        ids = self.visible_ids
        if sid not in ids:
            raise ValueError(
                f"structure {sid!r} is not shown in the {self.view} view with these layers; "
                f"valid: {', '.join(ids)}"
            )
        return str(sid)

    @property
    def visible_ids(self) -> tuple[str, ...]:
        return visible_ids(load_view(self.view), self.layers)

    @traitlets.observe("view", "layers")
    def _on_view_or_layers(self, _change: Any) -> None:
        self._refresh_view()
        # the picture changed: say what is shown now (a search overrides this with its result)
        self._message.html = html.escape(
            ui_text(
                "explorer.showing",
                view=ui_text(f"views.{self.view}"),
                count=len(self.visible_ids),
            )
        )

    @traitlets.observe("selected")
    def _on_selected(self, change: Any) -> None:
        sid = change["new"]
        if self.canvas.selected != (sid or ""):
            self.canvas.selected = sid or ""
        self.alt_text = alt_text(self.view, self.layers, () if sid is None else (sid,))

    def _send_views(self, views: Iterable[str]) -> None:
        """Send the pictures (and names, panels, label geometry) of ``views`` not sent yet."""
        missing = [v for v in views if v not in self.canvas.views]
        if not missing:
            return
        pictures, names = dict(self.canvas.views), dict(self.canvas.names)
        panels, geometry = dict(self.canvas.info), dict(self.canvas.geometry)
        panels.setdefault("", info_html(None))
        for view in missing:
            pictures[view], view_names, view_panels, geometry[view] = _view_data(view)
            names.update(view_names)
            panels.update(view_panels)
        with self.canvas.hold_sync():
            self.canvas.names = names
            self.canvas.info = panels
            self.canvas.geometry = geometry
            self.canvas.views = pictures

    def _on_canvas_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "views":
            self._send_views(VIEWS)
        elif content.get("type") == "find" and isinstance(content.get("text"), str):
            text = content["text"][:_MAX_SEARCH]
            if text.strip():
                self.find(text)

    def _refresh_view(self) -> None:
        self._send_views((self.view,))
        ids = self.visible_ids
        if self.selected is not None and self.selected not in ids:
            self.selected = None
        with self.canvas.hold_sync():
            self.canvas.view = self.view
            self.canvas.layers = list(self.layers)
            self.canvas.show_labels = self._labels
            self.canvas.order = list(ids)
            self.canvas.desc = alt_text(self.view, self.layers)
            for trait, value in _spatial(self.view, tuple(self.layers)).items():
                setattr(self.canvas, trait, value)
        self.alt_text = alt_text(
            self.view, self.layers, () if self.selected is None else (self.selected,)
        )

    def _on_canvas_choice(self, change: Any) -> None:
        """The learner changed the View menu, a layer or the labels box (in the browser)."""
        if change["name"] == "show_labels":
            if bool(change["new"]) != self._labels:
                self._labels = bool(change["new"])
                self._refresh_view()
            return
        try:
            if change["name"] == "view":
                self.view = change["new"]
            else:
                self.layers = tuple(change["new"])
        except (traitlets.TraitError, ValueError):  # no such view or layer: show the valid ones
            self._refresh_view()

    def _on_canvas_selected(self, change: Any) -> None:
        sid = change["new"] or None
        if sid != self.selected:
            self.selected = sid

    # --- public API ---------------------------------------------------------------------
    def find(self, text: str) -> str | None:
        """Select the structure a name or synonym means, switching view or layer if needed."""
        result = search(text, self.view, self.layers)
        if result.structure_id is not None:
            with self.hold_trait_notifications():
                self.view = result.view
                self.layers = result.layers
            self.selected = result.structure_id
        self.message = result.message
        self._message.html = html.escape(result.message)
        return result.structure_id

    @property
    def info_html(self) -> str:
        """The info panel's HTML for the current selection."""
        return info_html(self.selected)

    # --- static fallback ------------------------------------------------------------------
    def static_png(self) -> bytes:
        highlighted = () if self.selected is None else (self.selected,)
        return render_png(self.view, self.layers, highlighted, "all" if self._labels else "none")

    def static_alt(self) -> str:
        return self.alt_text

    def static_items(self) -> Sequence[str]:
        return list(accessible_names(self.view, self.layers).values())
