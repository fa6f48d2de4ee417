"""TechniqueDemo: a technique drawn on the ankle, stepping through the routine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import traitlets

from course.content.text import ui_text
from course.diagrams.overlays import overlay_for, technique_views
from course.diagrams.render import render_technique_png, render_technique_svg
from course.diagrams.text import technique_alt_text
from course.widgets.controls import StepNav
from course.widgets.diagram import DiagramView
from course.widgets.fallback import StaticPicture
from course.widgets.logic import (
    routine,
    routine_step,
    technique_announcement,
    technique_details_html,
)
from course.widgets.shared_models import SharedLayout, build

__all__ = ["TechniqueDemo"]

_STRING_KEYS = (
    "play",
    "playing",
    "played",
    "hold_start",
    "hold_running",
    "hold_ready",
    "hold_done",
)


class TechniqueDemo(StaticPicture, SharedLayout, w.VBox):  # type: ignore[misc]
    """Traits: ``technique`` (id), ``view`` (one of the technique's views), ``playing``."""

    technique = traitlets.Unicode("effleurage")
    view = traitlets.Unicode("")
    playing = traitlets.Bool(False)
    alt_text = traitlets.Unicode("")

    def __init__(self, technique: str = "effleurage", view: str | None = None, **kw: Any) -> None:
        routine_step(technique, 0)  # ValueError listing the valid ids
        self.canvas = DiagramView(
            mode="technique",
            strings={k: ui_text(f"technique.{k}") for k in _STRING_KEYS},
        )
        self.nav = StepNav(
            on_step=self._step,
            labels={k: ui_text(f"technique.{k}") for k in ("previous", "next", "view")},
        )
        self._details = build(w.HTML)
        super().__init__(children=[self.nav, self.canvas, self._details], **kw)
        self._syncing = False
        self._ready = False  # the trait observers draw nothing until both traits are set
        self.set_trait("technique", technique)
        self.set_trait("view", overlay_for(technique, view).view)
        self._ready = True
        self._refresh()
        self.nav.observe(self._on_view_buttons, "view")
        self.canvas.observe(self._on_canvas_playing, "playing")

    @traitlets.validate("technique")
    def _valid_technique(self, proposal: Any) -> str:
        return routine_step(proposal["value"], 0)

    @traitlets.observe("technique")
    def _on_technique(self, change: Any) -> None:
        views = technique_views(change["new"])
        if self.view not in views:
            self.set_trait("view", views[0])  # its observer draws the new picture
        elif self._ready:
            self._refresh()

    @traitlets.observe("view")
    def _on_view(self, change: Any) -> None:
        overlay_for(self.technique, change["new"])  # ValueError listing the valid views
        if self._ready:
            self._refresh()

    @traitlets.observe("playing")
    def _on_playing(self, change: Any) -> None:
        self.canvas.playing = change["new"]

    def _on_canvas_playing(self, change: Any) -> None:
        self.playing = change["new"]

    def _on_view_buttons(self, change: Any) -> None:
        if not self._syncing and change["new"]:
            self.view = change["new"]

    def _refresh(self) -> None:
        from course.content.loader import load_content

        t = load_content().technique(self.technique)
        with self.canvas.hold_sync():
            self.canvas.svg = render_technique_svg(self.technique, self.view)
            self.canvas.names = {}
            self.canvas.order = []
            self.canvas.hold = list(t.hold_seconds) if t.hold_seconds else []
            self.canvas.label = technique_alt_text(self.technique, self.view)
            self.canvas.playing = False
        self.alt_text = technique_alt_text(self.technique, self.view)
        self._details.value = technique_details_html(self.technique)
        ids = routine()
        views = technique_views(self.technique)
        self._syncing = True
        try:
            with self.nav.hold_sync():
                self.nav.at_first = self.technique == ids[0]
                self.nav.at_last = self.technique == ids[-1]
                self.nav.views = [[ui_text(f"views.{v}"), v] for v in views]
                self.nav.view = self.view
                self.nav.status = technique_announcement(self.technique, self.view)
        finally:
            self._syncing = False

    def _step(self, offset: int) -> None:
        self.technique = routine_step(self.technique, offset)

    def next(self) -> None:
        self.technique = routine_step(self.technique, 1)

    def previous(self) -> None:
        self.technique = routine_step(self.technique, -1)

    def play(self) -> None:
        """Animate the strokes (in the browser); ``playing`` turns False when done."""
        self.playing = True

    def static_png(self) -> bytes:
        return render_technique_png(self.technique, self.view)

    def static_alt(self) -> str:
        return self.alt_text

    def static_heading(self) -> str:
        return ui_text("technique.steps")

    def static_items(self) -> Sequence[str]:
        from course.content.loader import load_content
        from course.safety.hands import technique_changes

        t = load_content().technique(self.technique)
        changes = [
            f"{ui_text('technique.under_decision', decision=decision.lower())}: {change}"
            for decision, change in technique_changes(t)
        ]
        return [*t.steps, *t.cautions, *changes]
