"""``grade report A --items`` and ``--html DIR``: the item analysis as a table and a web page."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from course.errors import GradingError
from course.grading.analysis.items import (
    Analysis,
    analyse,
    responses_fixed,
    responses_variants,
)

__all__ = ["analysis_for", "print_items", "write_html"]

#: Discrimination below this is worth a look (a common rule of thumb in item analysis).
LOW_DISCRIMINATION = 0.2


def analysis_for(course_dir: Path, assignment: str, rows: Sequence[Mapping[str, Any]]) -> Analysis:
    """The item analysis of ``rows`` (from ``collect``): per item, or per rule family for a
    variant assessment (each learner's variant regenerated from their id)."""
    from course.grading.items.bank import ScenarioItem, load_item_bank
    from course.grading.variants.bank import is_variant_bank, load_variant_bank
    from course.safety.decisions import DECISION_ORDER

    graded = [r for r in rows if r.get("status") in ("graded", "flagged", "tampered")]
    if is_variant_bank(course_dir, assignment):
        vbank = load_variant_bank(course_dir, assignment)
        return analyse(
            assignment,
            rows,
            responses_variants(vbank, graded),
            pass_percent=vbank.pass_percent,
            by="rule family",
            labels={"diagram": "picture questions"},
            decisions=DECISION_ORDER,
            order=[*vbank.families, "diagram"],
        )
    bank = load_item_bank(course_dir, assignment)
    labels = {
        item.id: f"{item.id} {item.title}" if isinstance(item, ScenarioItem) else item.id
        for item in bank.items
    }
    return analyse(
        assignment,
        rows,
        responses_fixed(bank, graded),
        pass_percent=bank.pass_percent,
        by="item",
        labels=labels,
        decisions=DECISION_ORDER,
        order=[item.id for item in bank.items],
    )


def _d(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def print_items(analysis: Analysis, console: Console) -> None:
    """One row per item or rule family."""
    table = Table(
        title=f"{analysis.assignment}: item analysis of {analysis.learners} graded learners"
    )
    table.add_column(analysis.by, no_wrap=True)
    for name in ("answered", "% right", "discrimination"):
        table.add_column(name, justify="right")
    table.add_column("most common wrong answer")
    table.add_column("critical misses", justify="right")
    for unit in analysis.units:
        wrong = f"{unit.common_wrong} ({unit.common_wrong_count})" if unit.common_wrong else "-"
        low = unit.discrimination is not None and unit.discrimination < LOW_DISCRIMINATION
        table.add_row(
            unit.label + (" *" if unit.critical else ""),
            f"{unit.answered}/{unit.responses}",
            f"{unit.percent_right:.1f}",
            _d(unit.discrimination) + (" !" if low else ""),
            wrong,
            str(unit.critical_misses) if unit.critical else "-",
        )
    console.print(table)
    console.print(
        "* critical. discrimination = share right in the top 27 % of scores minus the bottom "
        f"27 %; ! below {LOW_DISCRIMINATION} is worth a look (a misleading story, or a rule the "
        "class has not learnt).",
        markup=False,
        highlight=False,
    )


def write_html(analysis: Analysis, directory: Path) -> Path:
    """Write ``directory/index.html`` and its three figures; returns the page's path."""
    from course.content.loader import load_content
    from course.grading.analysis.figures import confusion_matrix, percent_right, score_distribution
    from course.safety.decisions import DECISION_ORDER

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradingError(f"cannot create {directory}: {exc.strerror or exc}") from None
    if not directory.is_dir():
        raise GradingError(f"cannot write the report to {directory}: not a folder")
    charts = [
        score_distribution(analysis),
        percent_right(analysis),
        confusion_matrix(analysis, DECISION_ORDER),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Item analysis: {html.escape(analysis.assignment)}</title>",
        "<style>body{font-family:sans-serif;max-width:92rem;margin:2rem auto;padding:0 1rem}"
        ".figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}"
        "td.n{text-align:right}figure{margin:1.5rem 0}</style></head><body>",
        f"<h1>Item analysis: {html.escape(analysis.assignment)}</h1>",
        f"<p>{_summary(analysis)}</p>",
    ]
    try:
        parts.append('<div class="figures">')
        for chart in charts:
            chart.figure.savefig(directory / chart.name, dpi=100)
            parts.append(
                f'<figure><img src="{chart.name}" alt="{html.escape(chart.alt)}" '
                f'style="max-width:100%"><figcaption>{html.escape(chart.caption)}</figcaption>'
                "</figure>"
            )
        parts.append("</div>")
        parts += [_table(analysis), f"<p><em>{html.escape(load_content().disclaimer)}</em></p>"]
        parts.append("</body></html>")
        page = directory / "index.html"
        page.write_text("\n".join(parts) + "\n", encoding="utf-8")
    except OSError as exc:
        raise GradingError(
            f"cannot write the report to {directory}: {exc.strerror or exc}"
        ) from None
    return page


def _summary(analysis: Analysis) -> str:
    n = analysis.learners
    passed = sum(analysis.passed)
    critical = sum(analysis.failed_critical)
    mean = sum(analysis.percents) / n if n else 0.0
    return html.escape(
        f"{n} graded learners, mean score {mean:.1f} %, {passed} passed, {critical} failed on a "
        f"critical item. One row per {analysis.by}. Discrimination is the share right in the top "
        f"27 % of scores minus the share right in the bottom 27 %."
    )


def _table(analysis: Analysis) -> str:
    head = (
        f"<table><thead><tr><th>{html.escape(analysis.by)}</th><th>answered</th><th>% right</th>"
        "<th>discrimination</th><th>most common wrong answer</th><th>critical misses</th>"
        "</tr></thead><tbody>"
    )
    rows = []
    for u in analysis.units:
        wrong = f"{u.common_wrong} ({u.common_wrong_count})" if u.common_wrong else "-"
        rows.append(
            "<tr>"
            f"<td>{html.escape(u.label)}{' (critical)' if u.critical else ''}</td>"
            f'<td class="n">{u.answered}/{u.responses}</td>'
            f'<td class="n">{u.percent_right:.1f}</td>'
            f'<td class="n">{_d(u.discrimination)}</td>'
            f"<td>{html.escape(wrong)}</td>"
            f'<td class="n">{u.critical_misses if u.critical else "-"}</td>'
            "</tr>"
        )
    return head + "".join(rows) + "</tbody></table>"
