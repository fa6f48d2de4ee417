"""The guide's massage positions (``positions.yaml``): side-view figures as validated data.

Coordinates are in an arbitrary 12 x 11 box, ``y`` up. Each shape has a ``role`` (which picks
its colour) and exactly one of ``line``, ``circle``, ``rect`` or ``ellipse``.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from course.content.loader import load_content
from course.content.models import Id, Sources, Text, _Record
from course.content.records import check_sources, parse_records, read_yaml
from course.content.resources import content_dir

__all__ = ["Position", "Shape", "load_positions"]

FILE = "positions.yaml"

Point = tuple[float, float]
Positive = Annotated[float, Field(gt=0)]
Role = Literal["person", "person_far", "partner", "support", "floor"]


class Line(_Record):
    """A polyline drawn with round caps: ``points`` (two or more) and a ``width`` in points."""

    points: Annotated[tuple[Point, ...], Field(min_length=2)]
    width: Positive


class Circle(_Record):
    center: Point
    radius: Positive


class Rect(_Record):
    corner: Point
    size: tuple[Positive, Positive]


class Ellipse(_Record):
    center: Point
    size: tuple[Positive, Positive]


class Shape(_Record):
    """One shape of a figure, in the colour of its role."""

    role: Role
    line: Line | None = None
    circle: Circle | None = None
    rect: Rect | None = None
    ellipse: Ellipse | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [k for k in ("line", "circle", "rect", "ellipse") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of line, circle, rect, ellipse (got {given})")
        return self


class Label(_Record):
    """A label at ``at`` with an arrow to ``points_to``."""

    text: Text
    at: Point
    points_to: Point


class Position(_Record):
    """One figure: a title, a caption, its alt text, labels and shapes."""

    id: Id
    title: Text
    caption: Text
    alt: Text
    source: Sources
    labels: tuple[Label, ...] = ()
    shapes: Annotated[tuple[Shape, ...], Field(min_length=1)]


@cache
def load_positions() -> tuple[Position, ...]:
    """The positions, validated; ``ContentError`` names file, record and field."""
    records = parse_records(read_yaml(content_dir() / FILE), FILE, "positions", Position)
    sources = load_content().sources
    for position in records:
        check_sources(FILE, repr(position.id), position.source, sources)
    return records
