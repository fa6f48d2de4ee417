"""Lesson building blocks for the notebooks: one-liners that render course data.

Every function here returns an object that displays itself in JupyterLab (and, with the same
content, in a static HTML export); none of them holds learner-facing text of its own: the
words come from ``course/content/*.yaml``.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from course._figures import StaticFigure, render
from course._resources import content_dir
from course._sections import section as find_section
from course._sections import sections
from course._text import text, texts
from course.loader import ContentError, load_content, read_yaml
from course.models import Structure, Technique

if TYPE_CHECKING:
    from course.safety import Assessment

__all__ = [
    "Block",
    "checklist",
    "course_map",
    "decisions",
    "disclaimer",
    "flowchart",
    "flowchart_referral",
    "header",
    "key_points",
    "positions",
    "routine",
    "rules",
    "scenario_explorer",
    "section",
    "structures",
    "technique",
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


@dataclass(frozen=True)
class Block:
    """A piece of lesson content: HTML for Lab and HTML export, plain text for terminals."""

    html: str
    plain: str

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {"text/html": self.html, "text/plain": self.plain}


def _e(value: object) -> str:
    return html.escape(str(value))


def _list(items: Iterable[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{_e(i)}</li>" for i in items) + f"</{tag}>"


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th scope='col'>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plain_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    return "\n".join(" | ".join(row) for row in [list(columns), *rows])


def _lesson_number(lesson_id: str) -> int:
    return int(lesson_id.split("_", 1)[0])


# --- lesson frame ----------------------------------------------------------------------
def header(lesson_id: str) -> Block:
    """Title, duration, objectives and prerequisites of a lesson, from ``lessons.yaml``."""
    content = load_content()
    lesson = content.lesson(lesson_id)
    number = text("lesson.lesson_number", number=_lesson_number(lesson_id))
    duration = text("lesson.duration", minutes=lesson.minutes)
    prereqs = [content.lesson(p).title for p in lesson.prerequisites] or [
        text("lesson.no_prerequisites")
    ]
    body = (
        f"<div class='ankle-lesson-header'><p><strong>{_e(number)}: {_e(lesson.title)}</strong>"
        f" · {_e(duration)}</p>"
        f"<p><strong>{_e(text('lesson.objectives'))}</strong></p>{_list(lesson.objectives)}"
        f"<p><strong>{_e(text('lesson.prerequisites'))}</strong></p>{_list(prereqs)}</div>"
    )
    plain = "\n".join(
        [
            f"{number}: {lesson.title} · {duration}",
            text("lesson.objectives"),
            *(f"  - {o}" for o in lesson.objectives),
            text("lesson.prerequisites"),
            *(f"  - {p}" for p in prereqs),
        ]
    )
    return Block(body, plain)


def section(lesson_id: str, section_id: str) -> Block:
    """Mark a section as opened in the learner's progress file, and show where it sits."""
    from course.progress.store import ProgressStore

    number, found = find_section(lesson_id, section_id)
    ProgressStore().open_section(lesson_id, section_id)
    marker = text(
        "lesson.section_marker",
        number=number,
        total=len(sections(lesson_id)),
        minutes=found.minutes,
    )
    return Block(f"<p><small>{_e(marker)}</small></p>", marker)


def key_points(lesson_id: str) -> Block:
    """The lesson's key points, then the course's disclaimer."""
    content = load_content()
    lesson = content.lesson(lesson_id)
    body = f"<h3>{_e(text('lesson.key_points'))}</h3>{_list(lesson.key_points)}{disclaimer().html}"
    plain = "\n".join(
        [text("lesson.key_points"), *(f"  - {k}" for k in lesson.key_points), disclaimer().plain]
    )
    return Block(body, plain)


def disclaimer() -> Block:
    """Education, not diagnosis (the text of ``safety.yaml``)."""
    words = load_content().disclaimer
    heading = text("lesson.disclaimer_heading")
    return Block(
        f"<p role='note'><strong>{_e(heading)}.</strong> <em>{_e(words)}</em></p>",
        f"{heading}. {words}",
    )


def course_map() -> Block:
    """The lessons of the course, with their minutes and prerequisites."""
    content = load_content()
    rows = [
        [
            str(_lesson_number(lesson.id)),
            lesson.title,
            str(lesson.minutes),
            ", ".join(content.lesson(p).title for p in lesson.prerequisites) or "—",
        ]
        for lesson in content.lessons
    ]
    columns = texts("lesson.course_map_columns")
    return Block(_table(columns, rows), _plain_table(columns, rows))


# --- anatomy -----------------------------------------------------------------------------
def structures(lesson_id: str | None = None, kind: str | Sequence[str] | None = None) -> Block:
    """A table of structures (name, synonyms, description, cautions), optionally filtered."""
    content = load_content()
    chosen: Iterable[Structure] = content.structures.values()
    if lesson_id is not None:
        wanted = set(content.lesson(lesson_id).structures)
        chosen = [s for s in chosen if s.id in wanted]
    if kind is not None:
        kinds = {kind} if isinstance(kind, str) else set(kind)
        known = {s.kind for s in content.structures.values()}
        if not kinds <= known:
            raise ValueError(f"unknown kind {sorted(kinds - known)}; valid: {sorted(known)}")
        chosen = [s for s in chosen if s.kind in kinds]
    level = texts("labels")["level"]
    ordered = sorted(chosen, key=lambda s: s.level != "core")  # core first, stable
    rows = [
        [s.name, level[s.level], ", ".join(s.synonyms), s.description, " ".join(s.cautions)]
        for s in ordered
    ]
    columns = texts("lesson.structure_columns")
    return Block(_table(columns, rows), _plain_table(columns, rows))


# --- techniques ----------------------------------------------------------------------------
def _amount(t: Technique) -> str:
    if t.hold_seconds is not None:
        return text("lesson.hold", low=t.hold_seconds[0], high=t.hold_seconds[1])
    return t.repetitions or "—"


def technique(technique_id: str) -> Block:
    """A card of one technique: purpose, hand part, direction, pressure, steps, cautions."""
    content = load_content()
    t = content.technique(technique_id)
    card = texts("lesson.technique_card")
    labels = texts("labels")
    facts = [
        (card["purpose"], t.purpose),
        (card["hand_part"], labels["hand_part"][t.hand_part]),
        (card["direction"], labels["direction"][t.direction]),
        (card["pressure"], labels["pressure"][t.pressure]),
    ]
    if t.hold_seconds is not None:
        facts.append((card["hold"], _amount(t)))
    elif t.repetitions:
        facts.append((card["repetitions"], t.repetitions))
    never_on = content.never_on(t.id)
    if never_on:
        facts.append((card["avoid"], ", ".join(content.structures[a].name for a in never_on)))
    light = content.light_touch_only(t.id)
    if light:
        facts.append((card["light_touch"], ", ".join(content.structures[a].name for a in light)))
    rows = "".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
    cautions = (
        f"<p><strong>{_e(card['cautions'])}</strong></p>{_list(t.cautions)}" if t.cautions else ""
    )
    body = (
        f"<div class='ankle-technique'><p><strong>{t.order}. {_e(t.name)}</strong></p>"
        f"<table>{rows}</table><p><strong>{_e(card['steps'])}</strong></p>"
        f"{_list(t.steps, 'ol')}{cautions}</div>"
    )
    plain = "\n".join(
        [
            f"{t.order}. {t.name}",
            *(f"{k}: {v}" for k, v in facts),
            card["steps"],
            *(f"  {i}. {s}" for i, s in enumerate(t.steps, 1)),
            *([card["cautions"], *(f"  ! {c}" for c in t.cautions)] if t.cautions else []),
        ]
    )
    return Block(body, plain)


def routine(section: str | None = None) -> Block:
    """The techniques in the guide's order (optionally one section: core or ligaments)."""
    labels = texts("labels")
    chosen = [t for t in load_content().techniques if section is None or t.section == section]
    if not chosen:
        raise ValueError(f"unknown section {section!r}; valid: core, ligaments_and_tendons")
    rows = [
        [
            str(t.order),
            t.name,
            labels["hand_part"][t.hand_part],
            labels["direction"][t.direction],
            labels["pressure"][t.pressure],
            _amount(t),
        ]
        for t in chosen
    ]
    columns = texts("lesson.technique_columns")
    return Block(_table(columns, rows), _plain_table(columns, rows))


# --- safety ------------------------------------------------------------------------------
def _yes_no(value: bool) -> str:
    return text("lesson.yes") if value else text("lesson.no")


def rules() -> Block:
    """Every rule of the safety policy: the situation, the decision and whether to refer."""
    content = load_content()
    rows = [
        [r.condition, content.decisions[r.decision].label, _yes_no(r.refer)] for r in content.rules
    ]
    columns = texts("lesson.rule_columns")
    return Block(_table(columns, rows), _plain_table(columns, rows))


def decisions() -> Block:
    """The seven decisions, least to most severe, with what each means."""
    rows = [[d.label, d.meaning] for d in load_content().decisions.values()]
    columns = texts("lesson.decision_columns")
    return Block(_table(columns, rows), _plain_table(columns, rows))


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
    content = load_content()
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

    content = load_content()
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
    content = load_content()
    info = content.decisions[assessment.decision.value]
    rules_by_id = {r.id: r for r in content.rules}
    colour, _hatch = DECISION_COLOURS[assessment.decision.value]
    reasons = "".join(
        f"<li><strong>{_e(rules_by_id[r.rule].condition)}</strong> {_e(r.text)}</li>"
        for r in assessment.reasons
    )
    body = (
        f"<div role='status' aria-live='polite'>"
        f"<p><strong>{_e(text('scenario.decision'))}:</strong> "
        f"<span style='border-left:0.6em solid {colour};padding-left:0.4em'>"
        f"<strong>{_e(info.label)}</strong></span> — {_e(info.meaning)}</p>"
        f"<p><strong>{_e(text('scenario.refer'))}:</strong> {_e(_yes_no(assessment.refer))}</p>"
        f"<p><strong>{_e(text('scenario.reasons'))}</strong></p><ul>{reasons}</ul>"
        f"<p><em>{_e(assessment.disclaimer)}</em></p></div>"
    )
    plain = "\n".join(
        [
            f"{text('scenario.decision')}: {info.label} — {info.meaning}",
            f"{text('scenario.refer')}: {_yes_no(assessment.refer)}",
            *(f"  - [{r.rule}] {r.text}" for r in assessment.reasons),
            assessment.disclaimer,
        ]
    )
    return Block(body, plain)


def scenario_explorer() -> Any:
    """A widget: describe an ankle with labelled controls, see the decision and the reasons."""
    from course._explorer import ScenarioExplorer

    return ScenarioExplorer()


def checklist() -> Any:
    """A widget: the whole routine as a checklist, safety check first."""
    from course._explorer import RoutineChecklist

    return RoutineChecklist()


def checklist_items() -> list[tuple[str, list[str]]]:
    """The routine as (heading, items) groups: safety, preparation, techniques, finish."""
    content = load_content()
    labels = texts("labels")
    techniques = [
        f"{t.order}. {t.name}: {labels['hand_part'][t.hand_part]}, "
        f"{labels['direction'][t.direction]}, {labels['pressure'][t.pressure]}"
        + (f", {_amount(t)}" if _amount(t) != "—" else "")
        + (f". {' '.join(t.cautions)}" if t.cautions else "")
        for t in content.techniques
    ]
    return [
        ("", [text("checklist.safety")]),
        (text("checklist.preparation_heading"), list(content.lesson("02_preparation").key_points)),
        (text("checklist.techniques_heading"), techniques),
        ("", [text("checklist.finish")]),
    ]


# --- preparation -----------------------------------------------------------------------
@cache
def _positions_data() -> list[dict[str, Any]]:
    data = read_yaml(content_dir() / "positions.yaml")
    items = data.get("positions")
    if not isinstance(items, list) or not items:
        raise ContentError("positions.yaml", "-", "positions", "expected a non-empty list")
    for item in items:
        for key in ("id", "title", "caption", "alt", "shapes", "source"):
            if key not in item:
                raise ContentError("positions.yaml", repr(item.get("id")), key, "missing")
    return items


_ROLE_COLOURS = {
    "person": "#0072B2",
    "person_far": "#56B4E9",
    "partner": "#D55E00",
    "support": "#999999",
    "floor": "#555555",
}


@cache
def positions() -> StaticFigure:
    """Side-view figures of the guide's positions (self-massage, partner massage)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Ellipse, Rectangle

    items = _positions_data()
    figure = Figure(figsize=(5.2 * len(items), 5.6))
    for index, item in enumerate(items, start=1):
        ax = figure.add_subplot(1, len(items), index)
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 11)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(item["title"], fontsize=12, weight="bold")
        for shape in item["shapes"]:
            colour = _ROLE_COLOURS[shape["role"]]
            if "line" in shape:
                xs, ys = zip(*shape["line"]["points"], strict=True)
                ax.plot(
                    xs,
                    ys,
                    color=colour,
                    linewidth=shape["line"]["width"],
                    solid_capstyle="round",
                    solid_joinstyle="round",
                )
            elif "circle" in shape:
                ax.add_patch(
                    Circle(shape["circle"]["center"], shape["circle"]["radius"], color=colour)
                )
            elif "rect" in shape:
                ax.add_patch(
                    Rectangle(shape["rect"]["corner"], *shape["rect"]["size"], color=colour)
                )
            elif "ellipse" in shape:
                ax.add_patch(
                    Ellipse(shape["ellipse"]["center"], *shape["ellipse"]["size"], color=colour)
                )
        for label in item.get("labels", []):
            ax.annotate(
                label["text"],
                xy=label["points_to"],
                xytext=label["at"],
                fontsize=9,
                arrowprops={"arrowstyle": "->", "color": "black"},
            )
        ax.text(
            0.1,
            -0.4,
            "\n".join(textwrap.wrap(item["caption"], 58)),
            fontsize=8.5,
            va="top",
            transform=ax.transData,
        )
    figure.subplots_adjust(bottom=0.2, wspace=0.05)
    alt = " ".join(f"{item['title']}: {item['alt'].strip()}" for item in items)
    return render(figure, alt, width=860)
