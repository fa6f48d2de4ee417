"""RoutineChecklist: the whole routine as ticks, safety check first (lesson 06)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from course.content.text import text
from course.widgets.controls import LiveText
from course.widgets.fallback import StaticFallback
from course.widgets.logic import checklist_items

__all__ = ["RoutineChecklist"]

_WIDE = widgets.Layout(width="auto")


class RoutineChecklist(StaticFallback, widgets.VBox):  # type: ignore[misc]
    """The routine as ticks: safety check, preparation, techniques in order, when to stop."""

    def __init__(self) -> None:
        self.boxes: list[widgets.Checkbox] = []
        children: list[widgets.Widget] = [
            widgets.HTML(f"<h3>{html.escape(text('checklist.heading'))}</h3>"),
            widgets.HTML(f"<p><em>{html.escape(text('checklist.note'))}</em></p>"),
        ]
        self.groups = checklist_items()
        for heading, items in self.groups:
            if heading:
                children.append(widgets.HTML(f"<strong>{html.escape(heading)}</strong>"))
            for item in items:
                box = widgets.Checkbox(value=False, description=item, indent=False, layout=_WIDE)
                box.observe(self._ticked, names="value")
                self.boxes.append(box)
                children.append(box)
        self.status = LiveText()
        children.append(self.status)
        super().__init__(children)
        self._ticked(None)

    def _ticked(self, _change: Any) -> None:
        done = sum(1 for box in self.boxes if box.value)
        status = text("checklist.done", done=done, total=len(self.boxes))
        self.status.html = f"<p>{html.escape(status)}</p>"

    def static_html(self) -> str:
        """The checklist as plain HTML with empty boxes (for HTML export)."""
        parts = [f"<h3>{html.escape(text('checklist.heading'))}</h3>"]
        for heading, items in self.groups:
            if heading:
                parts.append(f"<p><strong>{html.escape(heading)}</strong></p>")
            parts.append("<ul>" + "".join(f"<li>☐ {html.escape(i)}</li>" for i in items) + "</ul>")
        return "".join(parts)
