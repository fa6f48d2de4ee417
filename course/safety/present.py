"""The safety policy for learners: rules and decisions tables, the flowchart, an assessment.

Words come from ``course/content/study.yaml`` and ``safety.yaml``; matplotlib is imported only
when the flowchart is drawn, so importing this module stays light.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from course.content.text import text, texts
from course.display import Block, StaticFigure, escape, html_table, plain_table, render
from course.safety.engine import Assessment
from course.safety.hands import Hands, hands_for, hands_for_decision
from course.safety.policy import load_policy

__all__ = [
    "DECISION_COLOURS",
    "FlowStep",
    "decisions",
    "describe",
    "flowchart",
    "flowchart_referral",
    "flowchart_steps",
    "rules",
    "safety_results",
]

# Okabe-Ito colours per decision, least to most severe; severe ones are also hatched.
DECISION_COLOURS: dict[str, tuple[str, str]] = {
    "PROCEED": ("#009E73", ""),
    "PROCEED_WITH_CAUTION": ("#F0E442", ""),
    "AVOID_AREA": ("#56B4E9", ".."),
    "REFER": ("#0072B2", "\\\\"),
    "STOP": ("#E69F00", "xx"),
    "DO_NOT_MASSAGE": ("#D55E00", "//"),
    "SEEK_URGENT_CARE": ("#CC79A7", "++"),
}


def _yes_no(value: bool) -> str:
    return text("lesson.yes") if value else text("lesson.no")


def rules() -> Block:
    """Every rule of the safety policy: the situation, the decision and whether to refer."""
    content = load_policy()
    rows = [
        [r.condition, content.decisions[r.decision].label, _yes_no(r.refer)] for r in content.rules
    ]
    columns = texts("lesson.rule_columns")
    return Block(html_table(columns, rows), plain_table(columns, rows))


def decisions() -> Block:
    """The seven decisions, least to most severe: what each means and what the hands do."""
    policy = load_policy()
    rows = [[d.label, d.meaning, policy.hands[d.id].summary] for d in policy.decisions.values()]
    columns = texts("lesson.decision_columns")
    return Block(html_table(columns, rows), plain_table(columns, rows))


def safety_results() -> tuple[str, ...]:
    """What each result of the safety check means for the hands, least to most severe.

    One line per decision that lets the massage go on (proceed, proceed with caution, avoid
    the area), then one line for all the decisions that stop or forbid it.
    """
    policy = load_policy()
    lines: list[str] = []
    stopping: list[str] = []
    for decision, info in policy.decisions.items():
        hands = hands_for_decision(decision)
        if hands.massage:
            lines.append(
                text("checklist.safety_result", decision=info.label, hands=hands.summaries[0])
            )
        else:
            stopping.append(info.label)
    decisions = text("flowchart.number_list", first=", ".join(stopping[:-1]), last=stopping[-1])
    lines.append(text("checklist.safety_no_massage", decisions=decisions))
    return tuple(lines)


class FlowStep(NamedTuple):
    """One question of the flowchart: a rule's condition, its decision and refer flag."""

    rule: str
    condition: str
    decision: str
    refer: bool


def flowchart_steps() -> list[FlowStep]:
    """One step per rule, most severe decision first (the catch-all is drawn last).

    Read from the top: the first yes gives the decision. Whether to refer is the flowchart's
    own last question (:func:`flowchart_referral`), the same result as
    :func:`course.safety.assess`.
    """
    content = load_policy()
    order = list(content.decisions)
    ranked = sorted(
        (r for r in content.rules if "otherwise" not in r.when),
        key=lambda r: -order.index(r.decision),
    )
    return [FlowStep(r.id, r.condition, r.decision, r.refer) for r in ranked]


def flowchart_referral() -> list[int]:
    """The numbers (from 1) of the questions whose yes means: refer to a professional."""
    return [number for number, step in enumerate(flowchart_steps(), 1) if step.refer]


def _numbers(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    if len(words) < 2:
        return "".join(words)
    return text("flowchart.number_list", first=", ".join(words[:-1]), last=words[-1])


@cache
def flowchart() -> StaticFigure:
    """The decision flowchart, drawn from the rules.

    Part one: answer every question from the top; the first yes gives the decision (every
    answer no: proceed). Part two, the last question: refer if any of the numbered questions
    that call for a referral had a yes.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    content = load_policy()
    steps = flowchart_steps()
    referral = flowchart_referral()
    fallback = next(r for r in content.rules if "otherwise" in r.when)
    row_h = 0.8
    top = 1.6
    bottom = -(len(steps) + 3.4) * row_h
    figure = Figure(figsize=(10, top - bottom))
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    ax.text(5, 1.0, text("flowchart.title"), ha="center", va="center", fontsize=11, weight="bold")

    def box(x: float, y: float, width: float, label: str, colour: str, hatch: str) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x, y - 0.25),
                width,
                0.5,
                boxstyle="round,pad=0.05",
                facecolor=colour,
                edgecolor="black",
                hatch=hatch,
                alpha=0.9,
            )
        )
        ax.text(
            x + width / 2,
            y,
            label,
            ha="center",
            va="center",
            fontsize=9,
            weight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )

    def decision_box(x: float, y: float, decision: str) -> None:
        colour, hatch = DECISION_COLOURS[decision]
        box(x, y, 3.0, content.decisions[decision].label, colour, hatch)

    def question(y: float, words: str, width: float = 5.6) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (0.2, y - 0.3),
                width,
                0.6,
                boxstyle="round,pad=0.05",
                facecolor="white",
                edgecolor="black",
            )
        )
        lines = textwrap.wrap(words, int(width * 14))
        ax.text(
            0.35, y, "\n".join(lines), ha="left", va="center", fontsize=8 if len(lines) < 3 else 7
        )

    def arrow_down(y_from: float, y_to: float, label: str) -> None:
        ax.annotate("", xy=(3.0, y_to), xytext=(3.0, y_from), arrowprops={"arrowstyle": "->"})
        ax.text(3.1, (y_from + y_to) / 2, label, ha="left", va="center", fontsize=7)

    for index, step in enumerate(steps):
        y = -index * row_h
        question(y, f"{index + 1}. {step.condition}")
        ax.annotate("", xy=(6.65, y), xytext=(5.85, y), arrowprops={"arrowstyle": "->", "lw": 1.2})
        ax.text(6.25, y + 0.1, text("flowchart.yes"), ha="center", va="bottom", fontsize=8)
        decision_box(6.7, y, step.decision)
        arrow_down(y - 0.32, y - row_h + 0.32, text("flowchart.no"))
    y_last = -len(steps) * row_h
    decision_box(1.5, y_last, fallback.decision)
    ax.text(4.7, y_last, text("flowchart.all_no"), ha="left", va="center", fontsize=8)
    # Part two: the referral question, asked whatever the decision was.
    y_refer = y_last - 1.3 * row_h
    ax.plot([0.1, 9.9], [y_last - 0.55 * row_h] * 2, color="#555555", lw=0.8, ls="--")
    question(y_refer, text("flowchart.refer_question", numbers=_numbers(referral)), width=9.6)
    y_answers = y_refer - 1.1 * row_h
    for x, answer, words, decision in (
        (0.6, "yes", text("flowchart.refer_yes"), "REFER"),
        (5.6, "no", text("flowchart.refer_no"), "PROCEED"),
    ):
        ax.annotate(
            "",
            xy=(x + 1.5, y_answers + 0.3),
            xytext=(x + 1.5, y_refer - 0.34),
            arrowprops={"arrowstyle": "->", "lw": 1.0},
        )
        ax.text(
            x + 1.6, (y_refer + y_answers) / 2, text(f"flowchart.{answer}"), fontsize=8, va="center"
        )
        colour, hatch = DECISION_COLOURS[decision] if answer == "yes" else ("#FFFFFF", "")
        box(x, y_answers, 3.6, words, colour, hatch)
    described = " ".join(
        text(
            "flowchart.alt_step",
            number=i,
            condition=step.condition,
            decision=content.decisions[step.decision].label,
        )
        for i, step in enumerate(steps, 1)
    )
    alt = text(
        "flowchart.alt",
        steps=described,
        last=content.decisions[fallback.decision].label,
        referral=text("flowchart.alt_referral", numbers=_numbers(referral)),
    )
    return render(figure, alt, width=900)


def describe(assessment: Assessment) -> Block:
    """The decision, whether to refer, every reason, and the disclaimer, for a learner."""
    content = load_policy()
    info = content.decisions[assessment.decision.value]
    rules_by_id = {r.id: r for r in content.rules}
    colour, _hatch = DECISION_COLOURS[assessment.decision.value]
    reasons = "".join(
        f"<li><strong>{escape(rules_by_id[r.rule].condition)}</strong> {escape(r.text)}</li>"
        for r in assessment.reasons
    )
    hands = hands_for(assessment)
    hands_items = "".join(f"<li>{escape(line)}</li>" for line in hands.summaries)
    left_out = _left_out(hands)
    body = (
        f"<div class='ankle-decision'>"
        f"<p><strong>{escape(text('scenario.decision'))}:</strong> "
        f"<span style='border-left:0.6em solid {colour};padding-left:0.4em'>"
        f"<strong>{escape(info.label)}</strong></span> — {escape(info.meaning)}</p>"
        f"<div class='ankle-hands' role='note'><p><strong>{escape(text('scenario.hands'))}:"
        f"</strong></p><ul>{hands_items}</ul>"
        + (
            f"<p><strong>{escape(text('scenario.left_out'))}:</strong> {escape(left_out)}</p>"
            if left_out
            else ""
        )
        + "</div>"
        f"<p><strong>{escape(text('scenario.refer'))}:</strong> "
        f"{escape(_yes_no(assessment.refer))}</p>"
        f"<p><strong>{escape(text('scenario.reasons'))}</strong></p><ul>{reasons}</ul>"
        f"<p><em>{escape(assessment.disclaimer)}</em></p></div>"
    )
    plain = "\n".join(
        [
            f"{text('scenario.decision')}: {info.label} — {info.meaning}",
            f"{text('scenario.hands')}:",
            *(f"  - {line}" for line in hands.summaries),
            *([f"{text('scenario.left_out')}: {left_out}"] if left_out else []),
            f"{text('scenario.refer')}: {_yes_no(assessment.refer)}",
            *(f"  - [{r.rule}] {r.text}" for r in assessment.reasons),
            assessment.disclaimer,
        ]
    )
    return Block(body, plain)


def _left_out(hands: Hands) -> str:
    """The routine's steps the guidance leaves out, numbered, e.g. ``"4. Circular ..."``."""
    from course.content.loader import load_content

    return "; ".join(f"{t.order}. {t.name}" for t in hands.left_out(load_content().techniques))
