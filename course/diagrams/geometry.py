"""Diagram geometry: one YAML file per view in ``assets/ankle/``, loaded and validated.

Coordinates are millimetres of an average adult right foot; ``y`` points up. Each structure
is a list of shapes, each turned into a closed outline (a matplotlib ``Path``):

- ``polygon``: corner points, smoothed into a closed Catmull-Rom curve unless ``smooth: false``;
- ``band``: a centre line with a ``width`` (one number, or one per point), for tendons,
  ligaments, vessels and joint lines;
- ``ellipse``: ``center``, ``size`` (width, height) and an optional ``angle`` in degrees.

Errors name the file and the structure (``GeometryError`` is a ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

import numpy as np
import yaml
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from course.content.models import View
from course.content.resources import assets_dir
from course.diagrams.outlines import numbers, shapes_path
from course.errors import GeometryError

__all__ = [
    "VIEWS",
    "ZONE_MARGIN_MM",
    "GeometryError",
    "MotionSpec",
    "StructureGeometry",
    "ViewGeometry",
    "check_view",
    "load_view",
    "parse_view",
]

VIEWS: tuple[str, ...] = get_args(View)  # the one list of views: content.models.View
SCHEMA_VERSIONS = frozenset({1})
ZONE_MARGIN_MM = 1.5
"""How far a caution zone reaches beyond the edge of a vessel or nerve it protects."""

Point = tuple[float, float]


@dataclass(frozen=True)
class StructureGeometry:
    """The outline of one structure in one view."""

    id: str
    path: MplPath
    anchor: Point
    centroid: Point
    z: float | None = None
    covers: tuple[float, float, float, float] | None = None
    """Caution zones only: the box ``(xmin, xmax, ymin, ymax)`` over which the zone must cover
    the vessels and nerves it protects (its ``contains``), with ``ZONE_MARGIN_MM`` to spare."""


@dataclass(frozen=True)
class MotionSpec:
    """How the foot turns in this view for the range-of-motion widget."""

    movement: str
    pivot: Point
    moving: tuple[str, ...]
    positive_is_counterclockwise: bool


@dataclass(frozen=True)
class ViewGeometry:
    """All the outlines of one view, in drawing-file order."""

    name: str
    file: str
    title: str
    description: str
    orientation: str
    mirror: bool
    extent: tuple[float, float, float, float]
    outline: MplPath
    structures: Mapping[str, StructureGeometry]
    motion: MotionSpec | None = None
    source: tuple[str, ...] = field(default=())

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.structures)


def check_view(view: str) -> str:
    """Return ``view`` if it is known; ``ValueError`` listing the valid views otherwise."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; valid views: {', '.join(VIEWS)}")
    return view


def view_file(view: str) -> Path:
    return assets_dir() / "ankle" / f"{check_view(view)}.yaml"


@cache
def load_view(view: str) -> ViewGeometry:
    """Load and validate the geometry of one view (cached)."""
    path = view_file(view)
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise GeometryError(path.name, "-", f"not valid YAML{where}") from None
    geometry = parse_view(data, path.name)
    if geometry.name != view:
        raise GeometryError(path.name, "-", f"file declares view {geometry.name!r}, not {view!r}")
    return geometry


def parse_view(data: Any, file: str, known_ids: Sequence[str] | None = None) -> ViewGeometry:
    """Validate raw YAML data of one view; ``known_ids`` defaults to the course content."""
    if not isinstance(data, dict):
        raise GeometryError(file, "-", "expected a mapping at the top level")
    if data.get("schema_version") not in SCHEMA_VERSIONS:
        raise GeometryError(file, "-", f"schema_version must be one of {sorted(SCHEMA_VERSIONS)}")
    for key in ("view", "title", "description", "orientation"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise GeometryError(file, "-", f"field {key!r} must be a non-empty string")
    extent = numbers(data.get("extent"), 4, file, "-", "extent")
    if extent[0] >= extent[1] or extent[2] >= extent[3]:
        raise GeometryError(file, "-", "extent must be [xmin, xmax, ymin, ymax]")
    outline = shapes_path(data.get("outline"), file, "outline")
    if known_ids is None:
        from course.content.loader import load_content

        known_ids = tuple(load_content().structures)
    raw = data.get("structures")
    if not isinstance(raw, list) or not raw:
        raise GeometryError(file, "-", "structures must be a non-empty list")
    structures: dict[str, StructureGeometry] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise GeometryError(file, f"#{index + 1}", "each structure needs an id")
        sid = item["id"]
        if sid not in known_ids:
            raise GeometryError(
                file, sid, "unknown structure id (not in course/content/anatomy.yaml)"
            )
        if sid in structures:
            raise GeometryError(file, sid, "drawn twice; merge its shapes into one entry")
        unknown = set(item) - {"id", "shapes", "anchor", "z", "covers"}
        if unknown:
            raise GeometryError(file, sid, f"unknown field(s): {', '.join(sorted(unknown))}")
        path = shapes_path(item.get("shapes"), file, sid)
        vertices = np.asarray(path.vertices, dtype=float)
        centroid = (float(vertices[:, 0].mean()), float(vertices[:, 1].mean()))
        anchor = centroid
        if "anchor" in item:
            ax_, ay_ = numbers(item["anchor"], 2, file, sid, "anchor")
            anchor = (ax_, ay_)
        _check_inside(extent, path, file, sid)
        z = item.get("z")
        if z is not None and (not isinstance(z, int | float) or isinstance(z, bool)):
            raise GeometryError(file, sid, f"z must be a number, got {z!r}")
        covers = None
        if "covers" in item:
            x0, x1, y0, y1 = numbers(item["covers"], 4, file, sid, "covers")
            if not sid.startswith("caution_") or x0 >= x1 or y0 >= y1:
                raise GeometryError(
                    file, sid, "covers is a caution zone's box [xmin, xmax, ymin, ymax]"
                )
            covers = (x0, x1, y0, y1)
        structures[sid] = StructureGeometry(
            sid, path, anchor, centroid, None if z is None else float(z), covers
        )
    motion = _parse_motion(data.get("motion"), file, structures)
    source = data.get("source", [])
    if not isinstance(source, list) or not all(isinstance(s, str) for s in source):
        raise GeometryError(file, "-", "source must be a list of strings")
    mirror = bool(data.get("mirror", False))
    if mirror:
        extent, outline, structures, motion = _mirrored(extent, outline, structures, motion)
    return ViewGeometry(
        name=data["view"],
        file=file,
        title=data["title"].strip(),
        description=data["description"].strip(),
        orientation=data["orientation"].strip(),
        mirror=mirror,
        extent=(extent[0], extent[1], extent[2], extent[3]),
        outline=outline,
        structures=structures,
        motion=motion,
        source=tuple(source),
    )


def _mirrored(
    extent: list[float],
    outline: MplPath,
    structures: dict[str, StructureGeometry],
    motion: MotionSpec | None,
) -> tuple[list[float], MplPath, dict[str, StructureGeometry], MotionSpec | None]:
    """Flip x so the picture reads as drawn on screen (e.g. the medial view's toes point left)."""
    flip = Affine2D().scale(-1, 1)
    flipped = {
        sid: StructureGeometry(
            sid,
            flip.transform_path(g.path),
            (-g.anchor[0], g.anchor[1]),
            (-g.centroid[0], g.centroid[1]),
            g.z,
            None if g.covers is None else (-g.covers[1], -g.covers[0], *g.covers[2:]),
        )
        for sid, g in structures.items()
    }
    if motion is not None:
        motion = MotionSpec(
            motion.movement,
            (-motion.pivot[0], motion.pivot[1]),
            motion.moving,
            not motion.positive_is_counterclockwise,
        )
    return (
        [-extent[1], -extent[0], extent[2], extent[3]],
        flip.transform_path(outline),
        flipped,
        motion,
    )


def _parse_motion(
    raw: Any, file: str, structures: Mapping[str, StructureGeometry]
) -> MotionSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise GeometryError(file, "motion", "expected a mapping")
    movement = raw.get("movement")
    if movement not in ("dorsiflexion", "inversion"):
        raise GeometryError(file, "motion", "movement must be dorsiflexion or inversion")
    px, py = numbers(raw.get("pivot"), 2, file, "motion", "pivot")
    moving = raw.get("moving")
    if not isinstance(moving, list) or not moving:
        raise GeometryError(file, "motion", "moving must list structure ids")
    for sid in moving:
        if sid not in structures:
            raise GeometryError(file, str(sid), "listed under motion.moving but not drawn")
    return MotionSpec(
        movement=movement,
        pivot=(px, py),
        moving=tuple(moving),
        positive_is_counterclockwise=bool(raw.get("positive_is_counterclockwise", True)),
    )


def _check_inside(extent: Sequence[float], path: MplPath, file: str, sid: str) -> None:
    xmin, xmax, ymin, ymax = extent
    box = path.get_extents()
    if box.x0 < xmin - 1 or box.x1 > xmax + 1 or box.y0 < ymin - 1 or box.y1 > ymax + 1:
        raise GeometryError(
            file,
            sid,
            f"shape spans x {box.x0:.0f}..{box.x1:.0f}, y {box.y0:.0f}..{box.y1:.0f}, "
            f"outside the view extent {list(extent)}",
        )
