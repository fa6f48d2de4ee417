"""``ProgressSummary``: completion per lesson, self-check scores and practice mastery per rule
family, each as a table and a chart."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from course.content.text import text
from course.practice.present import mastery_chart, mastery_table
from course.practice.session import Practice
from course.progress.store import ProgressStore
from course.progress.summary import progress_chart, progress_table_html
from course.widgets.controls import LiveText
from course.widgets.fallback import StaticFallback
from course.widgets.shared_models import SharedLayout, build

__all__ = ["ProgressSummary"]


class ProgressSummary(StaticFallback, SharedLayout, widgets.VBox):  # type: ignore[misc]
    """The learner's progress: a table, a chart and a Refresh button."""

    def __init__(self, store: ProgressStore | None = None, **kwargs: Any) -> None:
        self.store = store or ProgressStore()
        self._table = build(widgets.HTML)
        self._chart = build(widgets.HTML)
        self._mastery = build(widgets.HTML)
        self._mastery_chart = build(widgets.HTML)
        # no icon: ipywidgets puts the icon font's glyph into the button's accessible name
        self._refresh = build(
            widgets.Button,
            description=text("progress.refresh"),
            tooltip=text("progress.refresh"),
        )
        self._refresh.on_click(lambda _button: self.refresh(announce=True))
        self._where = build(widgets.HTML)
        self._announce = LiveText(hidden_visually=True)
        super().__init__(
            [
                build(widgets.HTML, value=f"<h3>{html.escape(text('progress.heading'))}</h3>"),
                self._table,
                self._chart,
                self._mastery,
                self._mastery_chart,
                self._refresh,
                self._announce,
                self._where,
            ],
            **kwargs,
        )
        self.add_class("ankle-reflow")  # wraps at 320 px, Refresh keeps a border in high contrast
        self.refresh()

    def refresh(self, announce: bool = False) -> None:
        """Re-read the progress file and redraw (``announce``: say so to screen readers)."""
        self.rows = self.store.summary()
        self._table.value = progress_table_html(self.rows)
        self.figure = progress_chart(self.rows)
        self._chart.value = self.figure.html()
        self.mastery = Practice(None, self.store).table()
        self._mastery.value = mastery_table(self.mastery).html
        self._mastery_chart.value = mastery_chart(self.mastery).html()
        where = text("progress.file", path=self.store.path)
        self._where.value = f"<small>{html.escape(where)}</small>"
        if announce:
            started = sum(1 for row in self.rows if row.questions_tried or row.sections_opened)
            self._announce.html = html.escape(
                text("progress.updated", started=started, total=len(self.rows))
            )

    def static_html(self) -> str:
        """What the widget shows, as plain HTML (for HTML export and terminals)."""
        parts = (self._table, self._chart, self._mastery, self._mastery_chart, self._where)
        return "".join(str(part.value) for part in parts)
