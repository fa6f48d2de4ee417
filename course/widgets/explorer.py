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
from course.widgets.shared_models import SharedLayout, build, layout

__all__ = ["AnkleExplorer"]


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

    The browser switches views, layers and labels itself (:class:`DiagramView`'s explore
    mode follows the View menu and check boxes); Python sends each view's picture once, the
    first on display and the others when the browser asks (the learner's pointer or focus
    enters the explorer), and keeps the text current.
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
        self._view_box = build(
            w.Dropdown,
            options=[(ui_text(f"views.{v}"), v) for v in VIEWS],
            value=view,
            description=ui_text("explorer.view"),
        )
        self._layer_boxes = {
            layer: build(
                w.Checkbox,
                value=layer in chosen,
                description=ui_text(f"layers.{layer}"),
                indent=False,
                layout=layout(width="auto"),
            )
            for layer in LAYERS
        }
        self._labels_box = build(
            w.Checkbox, value=labels, description=ui_text("explorer.labels"), indent=False
        )
        self._search_box = build(
            w.Text,
            description=ui_text("explorer.search"),
            placeholder=ui_text("explorer.search_placeholder"),
            continuous_update=False,
        )
        self._search_button = build(w.Button, description=ui_text("explorer.search_button"))
        self._message = LivePart(self.canvas, "live_before")  # above the picture
        layer_row = build(
            w.HBox,
            children=[
                build(w.Label, value=ui_text("explorer.layers")),
                *self._layer_boxes.values(),
            ],
            layout=layout(flex_flow="row wrap"),
        )
        self.add_class("ankle-reflow")
        super().__init__(
            children=[
                build(w.HBox, children=[self._view_box, self._labels_box]),
                layer_row,
                build(w.HBox, children=[self._search_box, self._search_button]),
                self.canvas,
            ],
            **kwargs,
        )
        self.canvas.controls = {
            "view": self._view_box.model_id,
            "options": list(VIEWS),
            "layers": {layer: box.model_id for layer, box in self._layer_boxes.items()},
            "labels": self._labels_box.model_id,
        }
        self.canvas.on_msg(self._on_canvas_msg)
        self._syncing = False
        self.set_trait("view", view)
        self.set_trait("layers", chosen)
        self._refresh_view()
        self._view_box.observe(self._on_view_box, "value")
        for box in self._layer_boxes.values():
            box.observe(self._on_layer_box, "value")
        self._labels_box.observe(self._on_labels_box, "value")
        self._search_box.observe(self._on_search, "value")
        self._search_button.on_click(lambda _b: self.find(self._search_box.value))
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
        if isinstance(content, dict) and content.get("type") == "views":
            self._send_views(VIEWS)

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
        self._syncing = True
        try:
            self._view_box.value = self.view
            for layer, box in self._layer_boxes.items():
                box.value = layer in self.layers
        finally:
            self._syncing = False

    def _on_view_box(self, change: Any) -> None:
        if not self._syncing:
            self.view = change["new"]

    def _on_layer_box(self, _change: Any) -> None:
        if not self._syncing:
            self.layers = tuple(layer for layer, box in self._layer_boxes.items() if box.value)

    def _on_labels_box(self, change: Any) -> None:
        self._labels = bool(change["new"])
        self._refresh_view()

    def _on_search(self, change: Any) -> None:
        if change["new"].strip():
            self.find(change["new"])

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
