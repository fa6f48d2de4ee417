"""The learner's progress as a table and a chart (what ``ProgressSummary`` and the CLI show)."""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

from matplotlib.figure import Figure

from course.content.text import text, texts
from course.display import StaticFigure, render
from course.progress.store import LessonProgress

__all__ = ["progress_chart", "progress_table_html", "table_rows"]

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
    """A horizontal bar chart: sections opened and self-check questions right, per lesson.

    Drawn once per state of progress (the welcome lesson's Run All redraws it otherwise: half
    a CPU-second of matplotlib for the same picture)."""
    return _progress_chart(tuple(rows))


@lru_cache(maxsize=8)
def _progress_chart(rows: tuple[LessonProgress, ...]) -> StaticFigure:
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
