"""Practice for people: the story with its deciding facts marked, the feedback, and the mastery
table and chart (what the widget, the dashboard and ``ankle-course progress`` show).

Words come from ``course/content/study.yaml`` (``practice.*``); matplotlib is imported only
when the chart is drawn.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from course.content.loader import load_content
from course.content.text import text, texts
from course.display import Block, html_table, plain_table
from course.practice.session import Feedback, Mastery
from course.practice.stories import Span

if TYPE_CHECKING:
    from course.display import StaticFigure

__all__ = [
    "feedback_html",
    "feedback_lines",
    "marked_story",
    "mastery_chart",
    "mastery_rows",
    "mastery_table",
]

# Okabe-Ito: bluish green for mastered, orange (hatched) for not yet.
_MASTERED: dict[str, Any] = {"color": "#009E73", "hatch": ""}
_NOT_YET: dict[str, Any] = {"color": "#E69F00", "hatch": "//"}


def marked_story(story: str, spans: Sequence[Span]) -> str:
    """The story as HTML with the ``spans`` in ``<mark>`` (overlaps merged)."""
    merged: list[list[int]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    out, at = [], 0
    for start, end in merged:
        out.append(html.escape(story[at:start]))
        out.append(f"<mark>{html.escape(story[start:end])}</mark>")
        at = end
    out.append(html.escape(story[at:]))
    return "".join(out)


def _label(decision: str) -> str:
    if decision not in load_content().decisions:
        return text("practice.dont_know")
    return f"{load_content().decisions[decision].label} ({decision})"


def feedback_lines(feedback: Feedback) -> list[str]:
    """The feedback as lines of plain text: verdict, key, reasons, deciding facts, mastery."""
    if feedback.dont_know:
        lines = [text("practice.dont_know_feedback")]
    else:
        lines = [text("practice.right" if feedback.right else "practice.wrong")]
        answer = _label(feedback.answered)
        if feedback.answered_refer is not None and feedback.case.asks_refer:
            refer_words = text(
                "practice.answer_yes" if feedback.answered_refer else "practice.answer_no"
            )
            answer = f"{answer}; {refer_words}"
        lines.append(text("practice.your_answer", answer=answer))
    refer = text("practice.refer_yes" if feedback.refer else "practice.refer_no")
    if feedback.case.asks_refer:
        lines.append(text("practice.key_refer", decision=_label(feedback.key.value), refer=refer))
    else:
        lines.append(text("practice.key", decision=_label(feedback.key.value)))
    lines.append(text("practice.family_line", family=feedback.case.family_name))
    lines.append(text("practice.why"))
    lines.extend(f"• {explanation}" for _rule, explanation in feedback.reasons)
    names: dict[str, str] = texts("scenario.fields")
    if feedback.deciding:
        facts = "; ".join(names[f] for f in feedback.deciding)
        lines.append(text("practice.deciding", facts=facts))
    else:
        lines.append(text("practice.deciding_none"))
    if feedback.mastered and feedback.right:
        lines.append(text("practice.mastered_now", family=feedback.case.family_name))
    if feedback.ready:
        lines.append(text("practice.ready"))
    return lines


def feedback_html(feedback: Feedback) -> str:
    """The feedback as HTML (first line bold, reasons as a list)."""
    lines = feedback_lines(feedback)
    why = text("practice.why")
    head, rest = lines[0], lines[1:]
    parts = [f"<p><strong>{html.escape(head)}</strong></p>"]
    items: list[str] = []
    for line in rest:
        if line.startswith("• "):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        parts.append(f"<p>{html.escape(line)}</p>" if line != why else f"<p>{html.escape(why)}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def mastery_rows(rows: Sequence[Mastery]) -> list[list[str]]:
    """The mastery table as rows of cells."""
    return [
        [
            row.name,
            text("practice.critical_yes" if row.critical else "practice.critical_no"),
            text("practice.mastered_yes" if row.mastered else "practice.mastered_no"),
            f"{row.streak} / 3",
            str(row.right),
            str(row.wrong),
        ]
        for row in rows
    ]


def readiness(rows: Sequence[Mastery]) -> str:
    """ "Ready for the graded assessment", or how many critical families are left."""
    left = sum(1 for r in rows if r.critical and not r.mastered)
    if not left:
        return text("practice.ready")
    word = texts("practice.families_word")[0 if left == 1 else 1]
    return text("practice.not_ready", left=left, left_word=word)


def mastery_table(rows: Sequence[Mastery]) -> Block:
    """The mastery table and the readiness line, as HTML and plain text."""
    columns = texts("practice.columns")
    cells = mastery_rows(rows)
    line = readiness(rows)
    heading = text("practice.table_heading")
    return Block(
        f"<h4>{html.escape(heading)}</h4>{html_table(columns, cells, stacked=True)}"
        f"<p><strong>{html.escape(line)}</strong></p>",
        f"{heading}\n{plain_table(columns, cells)}\n{line}",
    )


def mastery_chart(rows: Sequence[Mastery]) -> StaticFigure:
    """Bars of right-first-time answers in a row per family (3 = mastered), with alt text;
    drawn once per state of practice (as the progress chart)."""
    return _mastery_chart(tuple(rows))


@lru_cache(maxsize=8)
def _mastery_chart(rows: tuple[Mastery, ...]) -> StaticFigure:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from course.display import render

    figure = Figure(figsize=(7.5, 0.4 * len(rows) + 1.2))
    axes = figure.add_subplot()
    for index, row in enumerate(rows):
        style = _MASTERED if row.mastered else _NOT_YET
        axes.barh(index, max(row.streak, 0.05), 0.6, edgecolor="black", **style)
    critical = text("practice.chart_critical")
    names = [f"{r.name} ({critical})" if r.critical else r.name for r in rows]
    axes.set_yticks(list(range(len(rows))), names)
    handles = [
        Patch(facecolor=style["color"], hatch=style["hatch"], edgecolor="black", label=text(label))
        for style, label in (
            (_MASTERED, "practice.mastered_yes"),
            (_NOT_YET, "practice.mastered_no"),
        )
    ]
    axes.legend(handles=handles, loc="lower right")
    axes.invert_yaxis()
    axes.set_xlim(0, 3)
    axes.set_xticks([0, 1, 2, 3])
    axes.axvline(3, color="black", linewidth=1)
    axes.set_xlabel(text("practice.chart_axis"))
    axes.set_title(text("practice.chart_title"))
    figure.tight_layout()
    alt = text(
        "practice.chart_alt",
        rows=" ".join(
            text(
                "practice.chart_alt_row",
                family=name,
                streak=r.streak,
                mastered=text("practice.chart_alt_mastered") if r.mastered else "",
            )
            for r, name in zip(rows, names, strict=True)
        ),
    )
    return render(figure, alt)
