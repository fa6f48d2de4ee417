"""Per-learner variants of a safety assessment, made from an item bank's templates.

``scenarios(assignment, student_id, attempt=1)`` gives a learner their own scenarios,
deterministically from (assignment, learner id, the bank's ``seed``, and from attempt 2 on the
attempt: a retake has new stories). Every variant follows the bank's blueprint:
the same rule families, the same number of critical items and the same refer questions; only
the stories (people, settings, times, symptoms) and the details the key does not depend on
change. The key of a scenario is always ``course.safety.assess()`` of its situation, never data.

The item bank (``<course>/source/<assignment>.yaml``, ``kind: variants``) lives only in the
instructor's course directory; this module knows its shape and ships no story or template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from course.errors import GradingError
from course.grading.variants.bank import (
    CAPITALISED,
    Case,
    VariantBank,
    VariantItem,
    load_variant_bank,
    with_attempt,
)

__all__ = ["generate", "layout", "scenarios"]

# --- generating a learner's variant ----------------------------------------------------------


def _digest(*parts: object) -> int:
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _person_values(person: Mapping[str, str]) -> dict[str, str]:
    values = dict(person)
    for name in CAPITALISED:
        values[name.capitalize()] = person[name][:1].upper() + person[name][1:]
    return values


def _check_student(student_id: object) -> str:
    if not isinstance(student_id, str) or not student_id.strip():
        raise GradingError(f"a learner id must be non-empty text, not {student_id!r}")
    return student_id.strip()


def generate(bank: VariantBank, student_id: str) -> tuple[VariantItem, ...]:
    """The variant of ``student_id``: scenarios in a per-learner order, then picture questions.

    Every key is ``course.safety.assess()`` of the item's situation, computed here.
    """
    student = _check_student(student_id)
    made = bank.made
    if student not in made:
        made[student] = _generate(bank, student)
    return made[student]


def _generate(bank: VariantBank, student: str) -> tuple[VariantItem, ...]:
    from course.safety import assess

    base: tuple[object, ...] = (bank.seed, bank.assignment, student)
    if bank.attempt > 1:
        base = (*base, f"attempt {bank.attempt}")
    order = _order(bank, base)
    people = sorted(range(len(bank.people)), key=lambda i: _digest(*base, "person", i))
    settings = sorted(range(len(bank.settings)), key=lambda i: _digest(*base, "setting", i))
    used: set[str] = set()
    chosen: dict[int, Case] = {}
    for slot_index in range(len(bank.blueprint)):
        fits = bank.eligible[slot_index]
        fresh = [case for case in fits if case.id not in used] or list(fits)
        case = min(fresh, key=lambda c: _digest(*base, "case", slot_index, c.id))
        used.add(case.id)
        chosen[slot_index] = case
    items: list[VariantItem] = []
    for position, slot_index in enumerate(order):
        slot = bank.blueprint[slot_index]
        case = chosen[slot_index]
        picked = {
            name: options[_digest(*base, "choice", slot_index, name) % len(options)]
            for name, options in sorted(case.choose.items())
        }
        values = _person_values(bank.people[people[position % len(people)]])
        values["setting"] = bank.settings[settings[position % len(settings)]]
        for name, option in picked.items():
            values[name] = option.text.format_map(values)
        text = " ".join(case.story.format_map(values).split())
        situation = case.situation_for(picked)
        result = assess(situation)
        items.append(
            VariantItem(
                id=f"q{position + 1:02d}",
                kind="scenario",
                family=slot.family,
                text=text,
                points=bank.points,
                situation=situation,
                case=case.id,
                ask_refer=slot.ask_refer,
                critical=slot.critical,
                refer_points=bank.refer_points if slot.ask_refer else 0.0,
                key=result.decision.value,
                refer=result.refer,
            )
        )
    for index, spec in enumerate(bank.diagrams):
        structure = spec.structures[_digest(*base, "diagram", index) % len(spec.structures)]
        items.append(
            VariantItem(
                id=f"q{len(items) + 1:02d}",
                kind="diagram",
                family="diagram",
                text="",
                points=bank.diagram_points,
                view=spec.view,
                layers=spec.layers,
                structure=structure,
                key=structure,
            )
        )
    return tuple(items)


def layout(bank: VariantBank) -> tuple[bool, ...]:
    """Whether each scenario position asks the refer question: the same for every learner,
    so one released notebook (the same cells for all) fits every variant."""
    slots = sorted(
        range(len(bank.blueprint)), key=lambda i: _digest(bank.seed, bank.assignment, "layout", i)
    )
    return tuple(bank.blueprint[i].ask_refer for i in slots)


def _order(bank: VariantBank, base: tuple[object, ...]) -> list[int]:
    """Blueprint slot at each position: a per-learner shuffle among the slots of each shape
    (refer question or not), placed on the shared :func:`layout`."""
    pools: dict[bool, list[int]] = {}
    for shape in (False, True):
        same = [i for i, slot in enumerate(bank.blueprint) if slot.ask_refer is shape]
        pools[shape] = sorted(same, key=lambda i: _digest(*base, "order", i))
    return [pools[shape].pop() for shape in layout(bank)]


def default_course_dir() -> Path:
    """The course directory of a checkout run from its root (``grading``)."""
    return Path("grading")


def scenarios(
    assignment: str, student_id: str, attempt: int = 1, *, course_dir: Path | None = None
) -> tuple[VariantItem, ...]:
    """The items of ``student_id``'s variant of ``assignment``, in order (``q01``, ``q02``, ...).

    ``attempt`` 2, 3, ... gives the variant of a retake: new stories, the same blueprint.
    """
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise GradingError(f"an attempt is a whole number from 1, not {attempt!r}")
    bank = load_variant_bank(course_dir or default_course_dir(), assignment)
    return generate(with_attempt(bank, attempt), student_id)
