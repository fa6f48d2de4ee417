"""Filling a practice template into a story, and finding the facts that decide it.

:func:`render` fills a template with a person, a setting and one option per ``choose`` list,
and keeps where in the text each fact is stated (a :class:`Span`). :func:`deciding_fields`
asks the safety engine which stated facts, changed, would change the decision.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.errors import ContentError
from course.practice.bank import CAPITALISED, FILE, Option, PracticeBank, Template
from course.safety import Situation, assess

__all__ = ["Span", "Story", "deciding_fields", "render"]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a story state the situation ``fields``."""

    start: int
    end: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Story:
    """A filled template: its text, its situation and where each fact is stated."""

    text: str
    situation: Situation
    spans: tuple[Span, ...]


def _person_values(person: Mapping[str, str]) -> dict[str, str]:
    values = dict(person)
    for name in CAPITALISED:
        values[name.capitalize()] = person[name][:1].upper() + person[name][1:]
    return values


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def render(
    bank: PracticeBank,
    template: Template,
    picked: Mapping[str, Option],
    person: int,
    setting: int,
) -> Story:
    """The story of ``template`` with these options, person and setting (indexes)."""
    values = _person_values(bank.people[person % len(bank.people)])
    values["setting"] = bank.settings[setting % len(bank.settings)]
    pieces: list[tuple[str, tuple[str, ...]]] = []
    for literal, field, _spec, _conv in string.Formatter().parse(template.story):
        pieces.append((literal, ()))
        if field is None:
            continue
        if field in picked:
            option = picked[field]
            pieces.append((option.text.format_map(values), tuple(sorted(option.set))))
        else:
            pieces.append((values[field], ()))
    text, spans = _join(pieces)
    for field, phrase in sorted(template.spans.items()):
        wanted = _squash(phrase.format_map(values)).strip()
        at = text.lower().find(wanted.lower())
        if at < 0 or not wanted:
            raise ContentError(
                FILE, template.id, f"spans.{field}", f"the phrase {wanted!r} is not in the story"
            )
        spans.append(Span(at, at + len(wanted), (field,)))
    spans.sort(key=lambda s: (s.start, s.end))
    return Story(text, template.situation_for(picked), tuple(spans))


def _join(pieces: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[str, list[Span]]:
    """Concatenate the pieces with runs of white space made one space, keeping the spans."""
    out = ""
    spans: list[Span] = []
    for raw, fields in pieces:
        piece = _squash(raw)
        if out.endswith(" ") or not out:
            piece = piece.lstrip()
        if fields and piece.strip():
            start = len(out) + (len(piece) - len(piece.lstrip()))
            spans.append(Span(start, start + len(piece.strip()), fields))
        out += piece
    return out.rstrip(), spans


# --- which facts decide ------------------------------------------------------------------

_PROBES: dict[str, tuple[Any, ...]] = {
    "pain": tuple(range(11)),
    "hours_since_injury": (1.0, 24.0, 48.0, 72.0, 96.0, 240.0),
    "discomfort_days": (0.0, 3.0, 7.0, 14.0, 60.0),
}


def _alternatives(situation: Situation, field: str) -> list[Situation]:
    current = situation.model_dump()
    annotation = Situation.model_fields[field].annotation
    value = current[field]
    if field in _PROBES:
        others: tuple[Any, ...] = _PROBES[field]
    elif isinstance(value, bool):
        others = (not value,)
    else:
        others = tuple(getattr(annotation, "__args__", ()))
    made = []
    for other in others:
        if other == value:
            continue
        changed = {**current, field: other}
        if field == "injury":
            changed["hours_since_injury"] = None if other == "none" else 24.0
        try:
            made.append(Situation(**changed))
        except ValueError:
            continue
    return made


def deciding_fields(situation: Situation, stated: Sequence[str]) -> tuple[str, ...]:
    """The ``stated`` fields whose change (to any other valid value) changes the decision."""
    decision = assess(situation).decision
    return tuple(
        field
        for field in stated
        if any(assess(other).decision != decision for other in _alternatives(situation, field))
    )
