"""The item analysis's figures (matplotlib, no pyplot), each with alt text from the numbers.

Colours are Okabe-Ito and never the only cue: hatches mark critical items and failed
learners, the confusion matrix prints its counts in every cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from course.diagrams.palette import OKABE_ITO
from course.grading.analysis.items import NO_ANSWER, OTHER, Analysis

__all__ = ["Chart", "confusion_matrix", "percent_right", "score_distribution"]


@dataclass(frozen=True)
class Chart:
    """A figure, the file name it is saved under and its text alternative."""

    name: str
    figure: Figure
    alt: str
    caption: str


def score_distribution(analysis: Analysis) -> Chart:
    """Histogram of percent scores, stacked by outcome, with the pass line."""
    fig = Figure(figsize=(7.0, 3.4), dpi=100)
    ax = fig.add_subplot()
    bins = list(range(0, 105, 5))
    groups: dict[str, list[float]] = {
        "passed": [],
        "failed on points": [],
        "failed on a critical item": [],
    }
    for percent, passed, critical in zip(
        analysis.percents, analysis.passed, analysis.failed_critical, strict=True
    ):
        key = (
            "passed" if passed else "failed on a critical item" if critical else "failed on points"
        )
        groups[key].append(min(percent, 99.999))
    colours = [OKABE_ITO["bluish_green"], OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
    hatches = ["", "//", "xx"]
    ax.hist(
        list(groups.values()),
        bins=bins,
        stacked=True,
        label=list(groups),
        color=colours,
        hatch=hatches,
        edgecolor="#333333",
        linewidth=0.5,
    )
    ax.axvline(
        analysis.pass_percent,
        color="#000000",
        linestyle="--",
        linewidth=1.5,
        label=f"pass mark {analysis.pass_percent:g} %",
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (%)")
    ax.set_ylabel("learners")
    ax.set_title(f"{analysis.assignment}: scores of {analysis.learners} learners")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    counts = {name: len(values) for name, values in groups.items()}
    median = sorted(analysis.percents)[len(analysis.percents) // 2] if analysis.percents else 0
    alt = (
        f"Histogram of the scores of {analysis.learners} learners in steps of 5 percent, with a "
        f"dashed line at the pass mark of {analysis.pass_percent:g} percent. Median score "
        f"{median:.0f} percent. " + ", ".join(f"{n} {name}" for name, n in counts.items()) + "."
    )
    return Chart(
        "score_distribution.png", fig, alt, "Score distribution with the pass line (dashed)."
    )


def percent_right(analysis: Analysis) -> Chart:
    """Horizontal bars: percent right per item or rule family; critical ones hatched."""
    units = analysis.units
    height = max(2.6, 0.28 * len(units) + 1.0)
    fig = Figure(figsize=(7.0, height), dpi=100)
    ax = fig.add_subplot()
    labels = [u.label for u in units]
    values = [u.percent_right for u in units]
    positions = list(range(len(units)))[::-1]
    bars = ax.barh(
        positions,
        values,
        color=[OKABE_ITO["vermillion"] if u.critical else OKABE_ITO["blue"] for u in units],
        hatch=["//" if u.critical else "" for u in units],
        edgecolor="#333333",
        linewidth=0.5,
    )
    for bar, unit in zip(bars, units, strict=True):
        d = "-" if unit.discrimination is None else f"{unit.discrimination:+.2f}"
        ax.text(
            min(bar.get_width() + 1, 101),
            bar.get_y() + bar.get_height() / 2,
            f"{unit.percent_right:.0f} %  D {d}",
            va="center",
            fontsize=7,
        )
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("percent right (bars hatched red: critical)")
    ax.set_title(f"Percent right per {analysis.by}")
    fig.tight_layout()
    weakest = sorted(units, key=lambda u: u.percent_right)[:3]
    alt = (
        f"Bar chart of the percent right for each of {len(units)} {analysis.by} units. "
        "Lowest: " + "; ".join(f"{u.label} {u.percent_right:.0f} percent" for u in weakest) + "."
    )
    return Chart(
        "percent_right.png", fig, alt, f"Percent right and discrimination (D) per {analysis.by}."
    )


def confusion_matrix(analysis: Analysis, decisions: tuple[str, ...]) -> Chart:
    """Key decision (rows) against the decision answered (columns), counts in every cell."""
    rows = [d for d in decisions if d in analysis.confusion]
    columns = list(decisions) + [c for c in (OTHER, NO_ANSWER) if _any_column(analysis, c)]
    matrix = [[analysis.confusion[r][c] for c in columns] for r in rows]
    fig = Figure(figsize=(7.4, 0.45 * len(rows) + 2.6), dpi=100)
    ax = fig.add_subplot()
    shares = [[v / max(1, sum(row)) for v in row] for row in matrix]
    ax.imshow(shares, cmap="cividis", vmin=0, vmax=1, aspect="auto")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                light = shares[i][j] < 0.55
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#ffffff" if light else "#000000",
                    fontweight="bold" if rows[i] == columns[j] else "normal",
                )
    ax.set_xticks(
        range(len(columns)), [_short(c) for c in columns], rotation=35, ha="right", fontsize=8
    )
    ax.set_yticks(range(len(rows)), [_short(r) for r in rows], fontsize=8)
    ax.set_xlabel("decision answered")
    ax.set_ylabel("right decision (key)")
    ax.set_title("Key against answered decision (diagonal: right)")
    fig.tight_layout()
    off = sorted(
        (
            (matrix[i][j], rows[i], columns[j])
            for i in range(len(rows))
            for j in range(len(columns))
            if rows[i] != columns[j]
        ),
        reverse=True,
    )[:3]
    alt = (
        "Confusion matrix of the right decision against the decision answered, with counts. "
        "Most frequent mistakes: "
        + "; ".join(f"{n} answered {c} where the key is {r}" for n, r, c in off if n)
        + "."
    )
    caption = (
        "Right decision (rows) against the decision answered (columns). Left of the diagonal: "
        "less severe than the key, the dangerous direction (a critical miss when the answer lets "
        "the massage go on); right of it: more cautious than needed."
    )
    return Chart("confusion_matrix.png", fig, alt, caption)


def _any_column(analysis: Analysis, column: str) -> bool:
    return any(counter[column] for counter in analysis.confusion.values())


def _short(decision: str) -> str:
    return decision.replace("_", " ").lower()
