"""RoutineChecklist: the whole routine as ticks, safety check first (lesson 06)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from course.content.text import text
from course.widgets.controls import LiveText
from course.widgets.fallback import StaticFallback
from course.widgets.routine_logic import checklist_items
from course.widgets.shared_models import SharedLayout, build, layout

__all__ = ["RoutineChecklist"]


class RoutineChecklist(StaticFallback, SharedLayout, widgets.VBox):  # type: ignore[misc]
    """The routine as ticks: safety check, preparation, techniques in order, when to stop."""

    def __init__(self) -> None:
        self.boxes: list[widgets.Checkbox] = []
        children: list[widgets.Widget] = [
            build(widgets.HTML, value=f"<h3>{html.escape(text('checklist.heading'))}</h3>"),
            build(widgets.HTML, value=f"<p><em>{html.escape(text('checklist.note'))}</em></p>"),
        ]
        self.groups = checklist_items()
        for group in self.groups:
            if group.heading:
                children.append(
                    build(widgets.HTML, value=f"<strong>{html.escape(group.heading)}</strong>")
                )
            for item in group.items:
                box = build(
                    widgets.Checkbox,
                    value=False,
                    description=item,
                    indent=False,
                    layout=layout(width="auto"),
                )
                box.observe(self._ticked, names="value")
                self.boxes.append(box)
                children.append(box)
            if group.notes:
                children.append(build(widgets.HTML, value=_notes_html(group.notes)))
        self.status = LiveText()
        children.append(self.status)
        super().__init__(children)
        self.add_class("ankle-reflow")  # long item labels wrap at 320 px instead of ending in "…"
        self._ticked(None)

    def _ticked(self, _change: Any) -> None:
        done = sum(1 for box in self.boxes if box.value)
        status = text("checklist.done", done=done, total=len(self.boxes))
        self.status.html = f"<p>{html.escape(status)}</p>"

    def static_html(self) -> str:
        """The checklist as plain HTML with empty boxes (for HTML export)."""
        parts = [f"<h3>{html.escape(text('checklist.heading'))}</h3>"]
        for group in self.groups:
            if group.heading:
                parts.append(f"<p><strong>{html.escape(group.heading)}</strong></p>")
            ticks = "".join(f"<li>☐ {html.escape(i)}</li>" for i in group.items)
            parts.append(f"<ul>{ticks}</ul>")
            if group.notes:
                parts.append(_notes_html(group.notes))
        return "".join(parts)


def _notes_html(notes: tuple[str, ...]) -> str:
    """Notes under a step (what each safety result means): a plain list, nothing to tick."""
    return (
        '<ul class="ankle-checklist-notes">'
        + "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        + "</ul>"
    )
