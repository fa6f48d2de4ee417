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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from course._resources import assets_dir

__all__ = [
    "VIEWS",
    "GeometryError",
    "MotionSpec",
    "StructureGeometry",
    "ViewGeometry",
    "check_view",
    "load_view",
    "parse_view",
]

VIEWS: tuple[str, ...] = ("lateral", "medial", "posterior", "dorsal")
SCHEMA_VERSIONS = frozenset({1})
_SAMPLES_PER_SEGMENT = 8

Point = tuple[float, float]


class GeometryError(ValueError):
    """Malformed geometry; the message names the file and the structure."""

    def __init__(self, file: str, structure: str, problem: str) -> None:
        self.file, self.structure, self.problem = file, structure, problem
        super().__init__(f"{file}: structure {structure}: {problem}")


@dataclass(frozen=True)
class StructureGeometry:
    """The outline of one structure in one view."""

    id: str
    path: MplPath
    anchor: Point
    centroid: Point
    z: float | None = None


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
    extent = _numbers(data.get("extent"), 4, file, "-", "extent")
    if extent[0] >= extent[1] or extent[2] >= extent[3]:
        raise GeometryError(file, "-", "extent must be [xmin, xmax, ymin, ymax]")
    outline = _shapes_path(data.get("outline"), file, "outline")
    if known_ids is None:
        from course.loader import load_content

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
        unknown = set(item) - {"id", "shapes", "anchor", "z"}
        if unknown:
            raise GeometryError(file, sid, f"unknown field(s): {', '.join(sorted(unknown))}")
        path = _shapes_path(item.get("shapes"), file, sid)
        vertices = np.asarray(path.vertices, dtype=float)
        centroid = (float(vertices[:, 0].mean()), float(vertices[:, 1].mean()))
        anchor = centroid
        if "anchor" in item:
            ax_, ay_ = _numbers(item["anchor"], 2, file, sid, "anchor")
            anchor = (ax_, ay_)
        _check_inside(extent, path, file, sid)
        z = item.get("z")
        if z is not None and (not isinstance(z, int | float) or isinstance(z, bool)):
            raise GeometryError(file, sid, f"z must be a number, got {z!r}")
        structures[sid] = StructureGeometry(
            sid, path, anchor, centroid, None if z is None else float(z)
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
    px, py = _numbers(raw.get("pivot"), 2, file, "motion", "pivot")
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


def _numbers(raw: Any, count: int, file: str, sid: str, what: str) -> list[float]:
    if (
        not isinstance(raw, list)
        or len(raw) != count
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
    ):
        raise GeometryError(file, sid, f"{what} must be a list of {count} numbers, got {raw!r}")
    values = [float(v) for v in raw]
    if not all(math.isfinite(v) for v in values):
        raise GeometryError(file, sid, f"{what} must be finite numbers")
    return values


def _points(raw: Any, file: str, sid: str, what: str, minimum: int) -> np.ndarray[Any, Any]:
    return _points_corners(raw, file, sid, what, minimum)[0]


def _points_corners(
    raw: Any, file: str, sid: str, what: str, minimum: int
) -> tuple[np.ndarray[Any, Any], list[bool]]:
    """Points ``[x, y]``; a polygon point ``[x, y, corner]`` is a sharp corner."""
    if not isinstance(raw, list) or len(raw) < minimum:
        raise GeometryError(file, sid, f"{what} needs at least {minimum} points")
    points: list[list[float]] = []
    corners: list[bool] = []
    for p in raw:
        corner = isinstance(p, list) and len(p) == 3 and p[2] == "corner"
        points.append(_numbers(p[:2] if corner else p, 2, file, sid, f"{what} point"))
        corners.append(corner)
    return np.asarray(points, dtype=float), corners


def _shapes_path(raw: Any, file: str, sid: str) -> MplPath:
    if not isinstance(raw, list) or not raw:
        raise GeometryError(file, sid, "shapes must be a non-empty list")
    paths: list[MplPath] = []
    for shape in raw:
        if not isinstance(shape, dict):
            raise GeometryError(file, sid, f"a shape must be a mapping, got {shape!r}")
        if "polygon" in shape:
            pts, corners = _points_corners(shape["polygon"], file, sid, "polygon", 3)
            paths.append(_closed_curve(pts, corners, smooth=bool(shape.get("smooth", True))))
        elif "band" in shape:
            pts = _points(shape["band"], file, sid, "band", 2)
            width = shape.get("width")
            if isinstance(width, int | float) and not isinstance(width, bool):
                widths = np.full(len(pts), float(width))
            elif isinstance(width, list) and len(width) == len(pts):
                widths = np.asarray(_numbers(width, len(pts), file, sid, "width"))
            else:
                raise GeometryError(
                    file, sid, "band width must be a number or one number per point"
                )
            if (widths <= 0).any():
                raise GeometryError(file, sid, "band width must be positive")
            paths.append(_band(pts, widths))
        elif "ellipse" in shape:
            spec = shape["ellipse"]
            if not isinstance(spec, dict):
                raise GeometryError(file, sid, "ellipse must be a mapping")
            cx, cy = _numbers(spec.get("center"), 2, file, sid, "ellipse center")
            w, h = _numbers(spec.get("size"), 2, file, sid, "ellipse size")
            if w <= 0 or h <= 0:
                raise GeometryError(file, sid, "ellipse size must be positive")
            angle = float(spec.get("angle", 0))
            tr = Affine2D().scale(w / 2, h / 2).rotate_deg(angle).translate(cx, cy)
            paths.append(tr.transform_path(MplPath.unit_circle()))
        else:
            raise GeometryError(
                file, sid, f"unknown shape {sorted(shape)}; use polygon, band or ellipse"
            )
    return MplPath.make_compound_path(*paths) if len(paths) > 1 else paths[0]


def _ccw(points: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    x, y = points[:, 0], points[:, 1]
    area = float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return points if area >= 0 else points[::-1].copy()


def _closed_curve(
    points: np.ndarray[Any, Any], corners: Sequence[bool], *, smooth: bool
) -> MplPath:
    """A closed outline through the points (Catmull-Rom as cubic Bezier when smooth)."""
    pts = _ccw(points)
    sharp = list(corners) if pts is points else list(corners)[::-1]
    n = len(pts)
    if not smooth:
        verts = np.vstack([pts, pts[:1]])
        codes = [MplPath.MOVETO] + [MplPath.LINETO] * (n - 1) + [MplPath.CLOSEPOLY]
        return MplPath(verts, codes)
    verts_list: list[np.ndarray[Any, Any]] = [pts[0]]
    codes = [MplPath.MOVETO]
    for i in range(n):
        j = (i + 1) % n
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[j], pts[(i + 2) % n]
        c1 = p1 + ((p2 - p1) / 3.0 if sharp[i] else (p2 - p0) / 6.0)
        c2 = p2 - ((p2 - p1) / 3.0 if sharp[j] else (p3 - p1) / 6.0)
        verts_list += [c1, c2, p2]
        codes += [MplPath.CURVE4] * 3
    verts_list.append(pts[0])
    codes.append(MplPath.CLOSEPOLY)
    return MplPath(np.asarray(verts_list), codes)


def sample_open_curve(points: np.ndarray[Any, Any], samples: int = _SAMPLES_PER_SEGMENT) -> Any:
    """Points along an open Catmull-Rom curve through ``points`` (end points included)."""
    pts = np.asarray(points, dtype=float)
    if len(pts) == 2:
        t = np.linspace(0, 1, samples + 1)[:, None]
        return pts[0] * (1 - t) + pts[1] * t
    ext = np.vstack([2 * pts[0] - pts[1], pts, 2 * pts[-1] - pts[-2]])
    out: list[np.ndarray[Any, Any]] = []
    t = np.linspace(0, 1, samples, endpoint=False)[:, None]
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        seg = 0.5 * (
            2 * p1
            + (-p0 + p2) * t
            + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
            + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
        )
        out.append(seg)
    out.append(pts[-1:])
    return np.vstack(out)


def _band(points: np.ndarray[Any, Any], widths: np.ndarray[Any, Any]) -> MplPath:
    """A closed outline of a ribbon of the given widths around an open centre line."""
    centre = sample_open_curve(points)
    # Interpolate the widths along the samples, by control-point index.
    idx = np.linspace(0, len(widths) - 1, len(centre))
    half = np.interp(idx, np.arange(len(widths)), widths) / 2.0
    tangent = np.gradient(centre, axis=0)
    norm = np.linalg.norm(tangent, axis=1, keepdims=True)
    norm[norm == 0] = 1.0
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / norm
    left = centre + normal * half[:, None]
    right = centre - normal * half[:, None]
    theta = np.linspace(0, np.pi, 9)[1:-1, None]
    t_end = tangent[-1] / norm[-1]
    end_cap = centre[-1] + half[-1] * (normal[-1] * np.cos(theta) + t_end * np.sin(theta))
    t_start = tangent[0] / norm[0]
    start_cap = centre[0] - half[0] * (normal[0] * np.cos(theta) + t_start * np.sin(theta))
    ring = _ccw(np.vstack([left, end_cap, right[::-1], start_cap]))
    verts = np.vstack([ring, ring[:1]])
    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY]
    return MplPath(verts, codes)
