"""``ProgressSummary``: completion per lesson and self-check scores, as a table and a chart."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from course.content.text import text, texts
from course.display import StaticFigure, render
from course.progress.store import LessonProgress, ProgressStore
from course.widgets.controls import LiveText

__all__ = ["ProgressSummary", "progress_chart", "progress_table_html"]

# Okabe-Ito blue and orange, with a hatch so the two bars differ without colour.
_SECTIONS_STYLE: dict[str, Any] = {"color": "#0072B2", "hatch": ""}
_SCORE_STYLE: dict[str, Any] = {"color": "#E69F00", "hatch": "//"}


def _score_cell(row: LessonProgress) -> str:
    if not row.questions_total:
        return text("progress.no_questions")
    if not row.questions_tried:
        return text("progress.not_started")
    return text("progress.score_cell", correct=row.questions_correct, total=row.questions_total)


def table_rows(rows: tuple[LessonProgress, ...]) -> list[list[str]]:
    """The summary as rows of cells (shared by the widget and the terminal)."""
    return [
        [
            row.title,
            f"{len(row.sections_opened)} / {row.sections_total}",
            _score_cell(row),
            str(row.attempts),
            text("progress.minutes", minutes=row.seconds / 60),
        ]
        for row in rows
    ]


def progress_table_html(rows: tuple[LessonProgress, ...]) -> str:
    """An HTML table of the summary."""
    head = "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in texts("progress.columns"))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"
        for cells in table_rows(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def progress_chart(rows: tuple[LessonProgress, ...]) -> StaticFigure:
    """A horizontal bar chart: sections opened and self-check questions right, per lesson."""
    figure = Figure(figsize=(7.5, 0.55 * len(rows) + 1.2))
    axes = figure.add_subplot()
    positions = range(len(rows))
    height = 0.38
    axes.barh(
        [p - height / 2 for p in positions],
        [r.section_share for r in rows],
        height,
        label=text("progress.chart_sections"),
        edgecolor="black",
        **_SECTIONS_STYLE,
    )
    axes.barh(
        [p + height / 2 for p in positions],
        [r.score_share for r in rows],
        height,
        label=text("progress.chart_score"),
        edgecolor="black",
        **_SCORE_STYLE,
    )
    axes.set_yticks(list(positions), [r.title for r in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter("{x:.0%}")
    axes.set_xlabel(text("progress.chart_axis"))
    axes.set_title(text("progress.chart_title"))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=2, frameon=False)
    figure.tight_layout()
    alt = text(
        "progress.chart_alt",
        rows=" ".join(
            text(
                "progress.chart_alt_row",
                lesson=r.title,
                sections=r.section_share,
                score=r.score_share,
            )
            for r in rows
        ),
    )
    return render(figure, alt)


class ProgressSummary(widgets.VBox):  # type: ignore[misc]
    """The learner's progress: a table, a chart and a Refresh button."""

    def __init__(self, store: ProgressStore | None = None, **kwargs: Any) -> None:
        self.store = store or ProgressStore()
        self._table = widgets.HTML()
        self._chart = widgets.HTML()
        # no icon: ipywidgets puts the icon font's glyph into the button's accessible name
        self._refresh = widgets.Button(
            description=text("progress.refresh"),
            tooltip=text("progress.refresh"),
        )
        self._refresh.on_click(lambda _button: self.refresh(announce=True))
        self._where = widgets.HTML()
        self._announce = LiveText(hidden_visually=True)
        super().__init__(
            [
                widgets.HTML(f"<h3>{html.escape(text('progress.heading'))}</h3>"),
                self._table,
                self._chart,
                self._refresh,
                self._announce,
                self._where,
            ],
            **kwargs,
        )
        self.refresh()

    def refresh(self, announce: bool = False) -> None:
        """Re-read the progress file and redraw (``announce``: say so to screen readers)."""
        self.rows = self.store.summary()
        self._table.value = progress_table_html(self.rows)
        self.figure = progress_chart(self.rows)
        self._chart.value = self.figure.html()
        where = text("progress.file", path=self.store.path)
        self._where.value = f"<small>{html.escape(where)}</small>"
        if announce:
            started = sum(1 for row in self.rows if row.questions_tried or row.sections_opened)
            self._announce.html = html.escape(
                text("progress.updated", started=started, total=len(self.rows))
            )

    def static_html(self) -> str:
        """What the widget shows, as plain HTML (for HTML export and terminals)."""
        return str(self._table.value) + str(self._chart.value) + str(self._where.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/html"] = self.static_html()
        return bundle
