"""Leitner boxes per rule family, and mastery: pure functions over :class:`PracticeState`.

A family starts in box 1 and is due at once. A right answer moves it up a box and makes it due
again after :data:`INTERVALS` more answers; a wrong one (or "I don't know") puts it in box 0,
due again after :data:`MISSED_AFTER` answers, ahead of every other family. Among due families
the lowest box comes first, then the earliest due, then the critical families, then the
families' order in the content. A family is mastered when its last :data:`MASTERY_STREAK`
answers were right first time, on as many different stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "INTERVALS",
    "MASTERY_STREAK",
    "MISSED_AFTER",
    "FamilyState",
    "PracticeState",
    "is_mastered",
    "next_family",
    "record",
]

#: Answers to wait before a family in box N (after a right answer) is due again.
INTERVALS = {1: 2, 2: 4, 3: 8, 4: 16, 5: 32}
#: Answers to wait before a missed family comes back.
MISSED_AFTER = 2
#: Right answers in a row, on different stories, for mastery.
MASTERY_STREAK = 3
TOP_BOX = max(INTERVALS)


class FamilyState(BaseModel):
    """One family's place in the boxes and its current run of right answers."""

    model_config = ConfigDict(extra="forbid")

    box: Annotated[int, Field(ge=0, le=TOP_BOX)] = 1
    due: Annotated[int, Field(ge=0)] = 0
    streak: list[str] = Field(default_factory=list, max_length=MASTERY_STREAK)
    right: Annotated[int, Field(ge=0)] = 0
    wrong: Annotated[int, Field(ge=0)] = 0


class PracticeState(BaseModel):
    """A learner's practice, as kept in the ``practice`` part of their progress file."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    learner: str = ""
    answered: Annotated[int, Field(ge=0)] = 0
    drawn: Annotated[int, Field(ge=0)] = 0
    last_story: str = ""
    last_family: str = ""
    families: dict[str, FamilyState] = Field(default_factory=dict)

    def family(self, name: str) -> FamilyState:
        """The state of ``name`` (a new family is in box 1, due now)."""
        return self.families.setdefault(name, FamilyState())


def is_mastered(family: FamilyState) -> bool:
    """Right first time on :data:`MASTERY_STREAK` different stories in a row."""
    return len(set(family.streak)) >= MASTERY_STREAK


def next_family(state: PracticeState, families: Sequence[tuple[str, bool]]) -> str:
    """The family to practise next, from ``(name, critical)`` pairs in content order.

    The family just practised is not chosen again while another one is due (or, when none
    is due, while there is another family at all).
    """
    if not families:
        raise ValueError("no family to practise")
    now = state.answered

    def rank(item: tuple[int, tuple[str, bool]]) -> tuple[bool, int, int, bool, int]:
        index, (name, critical) = item
        fam = state.families.get(name, FamilyState())
        return (fam.due > now, fam.box, fam.due, not critical, index)

    ranked = sorted(enumerate(families), key=rank)
    names = [name for _index, (name, _critical) in ranked]
    if len(names) > 1 and names[0] == state.last_family:
        return names[1]
    return names[0]


def record(state: PracticeState, family: str, story: str, right: bool) -> None:
    """Move ``family`` between the boxes after one answer to ``story`` (changes ``state``)."""
    fam = state.family(family)
    state.answered += 1
    if right:
        fam.right += 1
        fam.box = min(fam.box + 1, TOP_BOX)
        fam.due = state.answered + INTERVALS[max(fam.box, 1)]
        fam.streak = [*fam.streak, story][-MASTERY_STREAK:]
    else:
        fam.wrong += 1
        fam.box = 0
        fam.due = state.answered + MISSED_AFTER
        fam.streak = []
    state.last_family = family
    state.last_story = story
