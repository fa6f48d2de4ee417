"""Typed, immutable models of the course content (``course/content/*.yaml``)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Sources = Annotated[tuple[Text, ...], Field(min_length=1)]

StructureKind = Literal[
    "bone",
    "joint",
    "ligament",
    "retinaculum",
    "tendon",
    "muscle",
    "fascia",
    "vessel",
    "nerve",
    "caution_zone",
]
Region = Literal["lower_leg", "ankle", "hindfoot", "midfoot", "forefoot"]
HandPart = Literal[
    "palm", "thumb", "thumbs", "fingertips", "thumb_and_fingers", "thumb_and_index_finger"
]
Direction = Literal[
    "upward_toward_calf",
    "kneading_in_place",
    "toes_to_ankle",
    "around_bony_contours",
    "around_malleolus",
    "lengthwise_calf_to_heel",
    "perpendicular_to_fibres",
    "sustained_hold",
    "small_precise_movements",
]
Pressure = Literal[
    "light_to_moderate", "moderate", "deeper_comfortable", "firm_not_painful", "gentle", "not_set"
]
Movement = Literal[
    "gliding", "kneading", "circles", "small_movements", "friction", "sustained_pressure"
]
"""What the hands do in a technique; the safety check's ``hands`` records (``safety.yaml``)
leave some movements out (under proceed with caution: friction and sustained pressure)."""
View = Literal["lateral", "medial", "posterior", "dorsal"]
"""The diagram views: each has ``assets/ankle/<view>.yaml`` and a ``views.<view>`` label in
``ui.yaml``; ``course.diagrams.geometry.VIEWS`` is derived from this one definition."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Record):
    """A document the content cites: the guide, the reference, or a named public source."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    kind: Literal["course-reference", "public-textbook", "public-guideline"]
    url: str | None = None


class Structure(_Record):
    """An anatomical structure (or caution zone) the diagrams can show."""

    id: Id
    name: Text
    synonyms: tuple[Text, ...] = ()
    kind: StructureKind
    region: Region
    description: Text
    cautions: tuple[Text, ...] = ()
    contains: tuple[Id, ...] = ()
    runs_from: Id | None = None
    """Where a ligament, tendon, muscle or fascia starts (a structure id), for the diagrams'
    spatial descriptions; ``runs_to`` is where it goes or attaches."""
    runs_to: tuple[Id, ...] = ()
    level: Literal["core", "more_detail"] = "core"
    """``core``: what the routine uses, learn it first; ``more_detail``: for the curious."""
    source: Sources


class Technique(_Record):
    """A massage technique of the guide, with the fields of the reference's section 3."""

    id: Id
    name: Text
    synonyms: tuple[Text, ...] = ()
    order: Annotated[int, Field(ge=1)]
    section: Literal["core", "ligaments_and_tendons"]
    regions: Annotated[tuple[Region, ...], Field(min_length=1)]
    structures: Annotated[tuple[Id, ...], Field(min_length=1)]
    avoid: tuple[Id, ...] = ()
    """What the strokes never work: a structure (the shin bone for petrissage) or a caution zone
    they go around (fingertip friction)."""
    light_over: tuple[Id, ...] = ()
    """What the strokes pass over with light touch only, never pressing: caution zones, or the
    shin bone for the gliding strokes of effleurage. The drawing lightens them there."""
    hand_part: HandPart
    direction: Direction
    movement: Movement
    pressure: Pressure
    repetitions: Text | None = None
    hold_seconds: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]] | None = None
    purpose: Text
    steps: Annotated[tuple[Text, ...], Field(min_length=1)]
    cautions: tuple[Text, ...] = ()
    source: Sources

    @model_validator(mode="after")
    def _avoid_or_light(self) -> Technique:
        both = set(self.avoid) & set(self.light_over)
        if both:
            raise ValueError(f"{', '.join(sorted(both))}: in both avoid and light_over")
        return self

    @field_validator("hold_seconds")
    @classmethod
    def _hold_range(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError("the shortest hold must not exceed the longest")
        return value

    @model_validator(mode="after")
    def _hold_is_sustained_pressure(self) -> Self:
        held = self.hold_seconds is not None or self.direction == "sustained_hold"
        if held != (self.movement == "sustained_pressure"):
            raise ValueError(
                "movement: a technique with a hold (hold_seconds, direction sustained_hold) is "
                "movement sustained_pressure, and only such a technique is"
            )
        return self


class Lesson(_Record):
    """A lesson of the learner series, with the Carpentries lesson fields."""

    id: Annotated[str, StringConstraints(pattern=r"^\d\d_[a-z_]+$")]
    title: Text
    minutes: Annotated[int, Field(ge=1, le=240)]
    prerequisites: tuple[str, ...] = ()
    objectives: Annotated[tuple[Text, ...], Field(min_length=1)]
    key_points: Annotated[tuple[Text, ...], Field(min_length=1)]
    structures: tuple[Id, ...] = ()
    techniques: tuple[Id, ...] = ()
    source: Sources
