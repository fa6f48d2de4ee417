"""Pure functions behind the routine checklist (lesson 06): the safety check first, and what
its result does to every step after it (``course.safety.hands``).

Nothing here imports ipywidgets, so all of it is tested without a kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.content.loader import load_content
from course.content.text import technique_amount, text, texts
from course.safety.hands import technique_changes
from course.safety.present import safety_results

__all__ = ["ChecklistGroup", "checklist_items"]


@dataclass(frozen=True)
class ChecklistGroup:
    """A heading (may be empty), the steps to tick, and notes shown under them (not ticked)."""

    heading: str
    items: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _technique_step(technique_id: str) -> str:
    content = load_content()
    t = content.technique(technique_id)
    labels = texts("labels")
    line = (
        f"{t.order}. {t.name}: {labels['hand_part'][t.hand_part]}, "
        f"{labels['direction'][t.direction]}, {labels['pressure'][t.pressure]}"
    )
    if technique_amount(t) != "—":
        line += f", {technique_amount(t)}"
    line += "."
    if t.cautions:
        line += " " + " ".join(t.cautions)
    for decision, change in technique_changes(t, pressure_only=True):
        line += " " + text("checklist.step_change", decision=decision, change=change)
    return line


def checklist_items() -> tuple[ChecklistGroup, ...]:
    """The routine: the safety check (with what each result means), preparation, the
    techniques in the guide's order (each with what caution changes), and when to stop."""
    content = load_content()
    return (
        ChecklistGroup("", (text("checklist.safety"),), safety_results()),
        ChecklistGroup(
            text("checklist.preparation_heading"), content.lesson("02_preparation").key_points
        ),
        ChecklistGroup(
            text("checklist.techniques_heading"),
            tuple(_technique_step(t.id) for t in content.techniques),
        ),
        ChecklistGroup("", (text("checklist.finish"),)),
    )
