"""Lesson building blocks for the notebooks: one-liners that render course data.

Every function here returns an object that displays itself in JupyterLab (and, with the same
content, in a static HTML export; a section marker with its parts, ``section(...).show(...)``,
displays each in turn); none of them holds learner-facing text of its own: the words come from
``course/content/*.yaml``. The safety tables and flowchart live in :mod:`course.safety.present`,
the positions figure in :mod:`course.diagrams.positions`, the widgets in
:mod:`course.widgets`; the names the notebooks call are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from course.content.loader import load_content
from course.content.models import Structure
from course.content.sections import section as find_section
from course.content.sections import sections
from course.content.text import technique_amount, text, texts
from course.diagrams.positions import positions
from course.display import Block, Parts, escape, html_list, html_table, plain_table
from course.safety.hands import technique_changes
from course.safety.present import (
    DECISION_COLOURS,
    FlowStep,
    decisions,
    describe,
    flowchart,
    flowchart_referral,
    flowchart_steps,
    rules,
)
from course.safety.present import safety_results as _safety_results

__all__ = [
    "DECISION_COLOURS",
    "Block",
    "FlowStep",
    "SectionMarker",
    "checklist",
    "course_map",
    "decisions",
    "describe",
    "disclaimer",
    "flowchart",
    "flowchart_referral",
    "flowchart_steps",
    "header",
    "key_points",
    "positions",
    "practice",
    "routine",
    "rules",
    "safety_results",
    "scenario_explorer",
    "section",
    "structures",
    "technique",
]


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
        f"<div class='ankle-lesson-header'>"
        f"<p><strong>{escape(number)}: {escape(lesson.title)}</strong>"
        f" · {escape(duration)}</p>"
        f"<p><strong>{escape(text('lesson.objectives'))}</strong></p>{html_list(lesson.objectives)}"
        f"<p><strong>{escape(text('lesson.prerequisites'))}</strong></p>{html_list(prereqs)}</div>"
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


@dataclass(frozen=True)
class SectionMarker(Block):
    """Where a section sits in its lesson; ``.show(...)`` adds the section's parts after it."""

    def show(self, *parts: object) -> Parts:
        """This marker, then ``parts`` (the section's widget, its table...), each an output of
        the same cell. The parts are made after the section was marked opened, so a progress
        summary among them counts it.

        A lesson shows each section from one code cell: JupyterLab's own work on every Run All
        (laying out, measuring, the prompt overlay) is per code cell, and a lesson of fewer
        code cells is painted sooner (docs/browser_tests.md, sixth round).
        """
        return Parts((self, *parts))


def section(lesson_id: str, section_id: str) -> SectionMarker:
    """Mark a section as opened in the learner's progress file, and show where it sits
    (``lesson.section(...).show(...)`` shows the section's parts after it)."""
    from course.progress.store import ProgressStore

    number, found = find_section(lesson_id, section_id)
    ProgressStore().open_section(lesson_id, section_id)
    marker = text(
        "lesson.section_marker",
        number=number,
        total=len(sections(lesson_id)),
        minutes=found.minutes,
    )
    return SectionMarker(f"<p><small>{escape(marker)}</small></p>", marker)


def key_points(lesson_id: str) -> Block:
    """The lesson's key points, then the course's disclaimer."""
    content = load_content()
    lesson = content.lesson(lesson_id)
    heading = escape(text("lesson.key_points"))
    body = f"<h3>{heading}</h3>{html_list(lesson.key_points)}{disclaimer().html}"
    plain = "\n".join(
        [text("lesson.key_points"), *(f"  - {k}" for k in lesson.key_points), disclaimer().plain]
    )
    return Block(body, plain)


def disclaimer() -> Block:
    """Education, not diagnosis (the text of ``safety.yaml``)."""
    words = load_content().disclaimer
    heading = text("lesson.disclaimer_heading")
    return Block(
        f"<p role='note'><strong>{escape(heading)}.</strong> <em>{escape(words)}</em></p>",
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
    return Block(html_table(columns, rows), plain_table(columns, rows))


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
    return Block(html_table(columns, rows), plain_table(columns, rows))


# --- techniques ----------------------------------------------------------------------------
def safety_results() -> Block:
    """What each result of the safety check does to the hands: the routine's first step."""
    lines = _safety_results()
    heading = text("checklist.safety")
    body = f"<div class='ankle-hands' role='note'><p><strong>{escape(heading)}</strong></p>"
    body += f"{html_list(lines)}</div>"
    return Block(body, "\n".join([heading, *(f"  - {line}" for line in lines)]))


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
        facts.append((card["hold"], technique_amount(t)))
    elif t.repetitions:
        facts.append((card["repetitions"], t.repetitions))
    never_on = content.never_on(t.id)
    if never_on:
        facts.append((card["avoid"], ", ".join(content.structures[a].name for a in never_on)))
    zones = content.zones_near(t.id)
    if zones:
        facts.append((card["light_touch"], ", ".join(content.structures[a].name for a in zones)))
    light_over = [a for a in content.light_touch_only(t.id) if a not in zones]
    if light_over:
        facts.append(
            (card["light_over"], ", ".join(content.structures[a].name for a in light_over))
        )
    for decision, change in technique_changes(t):
        facts.append((card["under_decision"].format(decision=decision.lower()), change))
    rows = "".join(
        f"<tr><th scope='row'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts
    )
    cautions = (
        f"<p><strong>{escape(card['cautions'])}</strong></p>{html_list(t.cautions)}"
        if t.cautions
        else ""
    )
    body = (
        f"<div class='ankle-technique'><p><strong>{t.order}. {escape(t.name)}</strong></p>"
        f"<table>{rows}</table><p><strong>{escape(card['steps'])}</strong></p>"
        f"{html_list(t.steps, 'ol')}{cautions}</div>"
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
            technique_amount(t),
        ]
        for t in chosen
    ]
    columns = texts("lesson.technique_columns")
    return Block(html_table(columns, rows), plain_table(columns, rows))


def scenario_explorer() -> Any:
    """A widget: describe an ankle with labelled controls, see the decision and the reasons."""
    from course.widgets.scenario import ScenarioExplorer

    return ScenarioExplorer()


def practice() -> Any:
    """A widget: fresh safety cases, feedback with the deciding facts, mastery per family."""
    from course.widgets.practice import PracticeCases

    return PracticeCases()


def checklist() -> Any:
    """A widget: the whole routine as a checklist, safety check first."""
    from course.widgets.checklist import RoutineChecklist

    return RoutineChecklist()
