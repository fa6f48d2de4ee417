"""Technique overlays: stroke paths with arrows, pressure, hand position and cautions.

Stroke geometry lives in ``assets/ankle/overlays.yaml`` keyed by technique id; what the hand
does (hand part, direction, pressure, hold time, structures to work and to avoid, cautions)
comes from the technique record in ``course/content/techniques.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from course.content.resources import assets_dir
from course.diagrams.draw import kind_of, layout_for
from course.diagrams.geometry import VIEWS, ViewGeometry, load_view
from course.diagrams.outlines import sample_open_curve
from course.diagrams.palette import PRESSURE_STYLES
from course.errors import GeometryError

__all__ = [
    "FILE",
    "HOLD_RING_MM",
    "LIGHT_CLEARANCE_MM",
    "LIGHT_PRESSURE",
    "Overlay",
    "Run",
    "Stroke",
    "arrow_head",
    "emphasis",
    "load_overlays",
    "overlay_for",
    "stroke_runs",
    "stroke_width_mm",
    "technique_of",
    "technique_views",
]

FILE = "overlays.yaml"
LIGHT_PRESSURE = "gentle"
"""The pressure style a stroke is drawn with inside a caution zone it is marked light in."""
LIGHT_CLEARANCE_MM = 1.5
"""Gap kept between the ink of a stroke's full-pressure part and a zone it goes light in."""
HOLD_RING_MM = 7.0


@dataclass(frozen=True)
class Stroke:
    """One stroke: a polyline in view coordinates; ``hold`` strokes are a single point.

    ``light_in`` names what the stroke passes with light touch only (caution zones, the shin
    bone): inside them (and a small clearance around them) it is drawn, and done, light.
    """

    kind: str
    points: np.ndarray[Any, Any]
    light_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Run:
    """A stretch of a stroke at one pressure: the technique's own, or light touch only."""

    points: np.ndarray[Any, Any]
    light: bool


@dataclass(frozen=True)
class Overlay:
    technique: str
    view: str
    hand_at: tuple[float, float]
    hand_angle: float
    strokes: tuple[Stroke, ...]


def technique_of(technique_id: str) -> Any:
    """The technique record an overlay draws."""
    from course.content.loader import load_content

    return load_content().technique(technique_id)


@cache
def load_overlays() -> Mapping[str, tuple[Overlay, ...]]:
    """All overlays by technique id, validated against the views and the techniques."""
    import yaml

    from course.content.loader import load_content

    path = assets_dir() / "ankle" / FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_overlays(data, FILE, {t.id: t.light_over for t in load_content().techniques})


def parse_overlays(
    data: Any, file: str, light_over: Mapping[str, Sequence[str]]
) -> dict[str, tuple[Overlay, ...]]:
    """Validate the overlays; ``light_over`` maps each technique id to what its strokes may
    pass with light touch only (the only ids a stroke may mark ``light_in``)."""
    technique_ids = tuple(light_over)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise GeometryError(file, "-", "expected a mapping with schema_version 1")
    raw = data.get("techniques")
    if not isinstance(raw, dict):
        raise GeometryError(file, "-", "techniques must be a mapping of technique id to views")
    result: dict[str, tuple[Overlay, ...]] = {}
    for tid, entries in raw.items():
        if tid not in technique_ids:
            raise GeometryError(
                file, str(tid), f"unknown technique; valid: {', '.join(technique_ids)}"
            )
        if not isinstance(entries, list) or not entries:
            raise GeometryError(file, tid, "expected a non-empty list of views")
        result[tid] = tuple(_parse_entry(entry, file, tid, light_over[tid]) for entry in entries)
    return result


def _xy(raw: Any, file: str, where: str) -> np.ndarray[Any, Any]:
    arr = np.asarray(raw, dtype=float) if isinstance(raw, list) else None
    if arr is None or arr.ndim != 1 or arr.shape[0] != 2:
        raise GeometryError(file, where, f"expected [x, y], got {raw!r}")
    return arr


def _xys(raw: Any, file: str, where: str, minimum: int = 2) -> np.ndarray[Any, Any]:
    if not isinstance(raw, list) or len(raw) < minimum:
        raise GeometryError(file, where, f"expected at least {minimum} points")
    return np.vstack([_xy(p, file, where) for p in raw])


def _number(raw: Any, file: str, where: str, what: str) -> float:
    if not isinstance(raw, int | float) or isinstance(raw, bool) or raw <= 0:
        raise GeometryError(file, where, f"{what} must be a positive number")
    return float(raw)


def _parse_entry(entry: Any, file: str, tid: str, light_over: Sequence[str]) -> Overlay:
    if not isinstance(entry, dict) or entry.get("view") not in VIEWS:
        raise GeometryError(file, tid, f"each entry needs a view, one of {', '.join(VIEWS)}")
    view = entry["view"]
    where = f"{tid} ({view})"
    geometry = load_view(view)
    hand = entry.get("hand")
    if not isinstance(hand, dict):
        raise GeometryError(file, where, "hand must be {at: [x, y], angle: degrees}")
    at = _xy(hand.get("at"), file, where)
    angle = float(hand.get("angle", 0))
    strokes: list[Stroke] = []
    for raw in entry.get("strokes") or []:
        stroke = _parse_stroke(raw, file, where)
        for zone in stroke.light_in:
            if zone not in geometry.structures or zone not in light_over:
                raise GeometryError(
                    file,
                    where,
                    f"light_in: {zone!r} is not drawn in this view or not in the technique's "
                    "light_over (techniques.yaml)",
                )
        strokes.append(stroke)
    if not strokes:
        raise GeometryError(file, where, "needs at least one stroke")
    if geometry.mirror:
        flip = np.array([-1.0, 1.0])
        at = at * flip
        angle = 180.0 - angle
        strokes = [Stroke(s.kind, s.points * flip, s.light_in) for s in strokes]
    return Overlay(tid, view, (float(at[0]), float(at[1])), angle, tuple(strokes))


def _parse_stroke(raw: Any, file: str, where: str) -> Stroke:
    light_in: Any = raw.get("light_in", []) if isinstance(raw, dict) else []
    if not isinstance(light_in, list) or not all(isinstance(z, str) for z in light_in):
        raise GeometryError(file, where, f"light_in must be a list of structure ids: {raw!r}")
    shape = {k: v for k, v in raw.items() if k != "light_in"} if isinstance(raw, dict) else raw
    if not isinstance(shape, dict) or len(shape) != 1:
        raise GeometryError(
            file, where, f"a stroke is one of path/circles/zigzag/knead/hold: {raw!r}"
        )
    ((kind, _spec),) = shape.items()
    if kind == "hold" and light_in:
        raise GeometryError(
            file, where, "a sustained hold is never light touch: move it out of the caution zone"
        )
    stroke = _stroke_shape(kind, _spec, file, where)
    return Stroke(stroke.kind, stroke.points, tuple(light_in))


def _stroke_shape(kind: str, spec: Any, file: str, where: str) -> Stroke:
    if kind == "path":
        return Stroke("path", sample_open_curve(_xys(spec, file, where), 12))
    if kind == "hold":
        return Stroke("hold", _xy(spec, file, where)[None, :])
    if not isinstance(spec, dict):
        raise GeometryError(file, where, f"{kind} needs a mapping")
    if kind == "circles":
        along = sample_open_curve(_xys(spec.get("along"), file, where), 24)
        radius = _number(spec.get("radius"), file, where, "radius")
        turns = _number(spec.get("turns"), file, where, "turns")
        return Stroke("circles", _trochoid(along, radius, turns))
    if kind == "zigzag":
        a, b = _xys(spec.get("along"), file, where)[[0, -1]]
        amplitude = _number(spec.get("amplitude"), file, where, "amplitude")
        count = int(_number(spec.get("count"), file, where, "count"))
        d = b - a
        n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
        pts = [a + d * i / count + n * amplitude * (1 if i % 2 else -1) for i in range(count + 1)]
        return Stroke("zigzag", np.vstack(pts))
    if kind == "knead":
        centre = _xy(spec.get("center"), file, where)
        radius = _number(spec.get("radius"), file, where, "radius")
        theta = np.radians(np.linspace(120, 420, 40))
        arc = centre + radius * np.column_stack([np.cos(theta), np.sin(theta)])
        return Stroke("knead", arc)
    raise GeometryError(file, where, f"unknown stroke kind {kind!r}")


def _trochoid(along: np.ndarray[Any, Any], radius: float, turns: float) -> np.ndarray[Any, Any]:
    seg = np.linalg.norm(np.diff(along, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    n = max(int(turns * 28), 28)
    t = np.linspace(0, 1, n)
    cx = np.interp(t * s[-1], s, along[:, 0])
    cy = np.interp(t * s[-1], s, along[:, 1])
    theta = 2 * np.pi * turns * t + np.pi / 2
    return np.column_stack([cx + radius * np.cos(theta), cy + radius * np.sin(theta)])


def stroke_width_mm(pressure: str, view: str) -> float:
    """The drawn width of a stroke at this pressure, in the view's millimetres."""
    layout = layout_for(load_view(view))
    return PRESSURE_STYLES[pressure].width / 72 / layout.scale


def _near_outline(path: Any, points: np.ndarray[Any, Any], margin: float) -> np.ndarray[Any, Any]:
    """True for points inside the outline or within ``margin`` of its edge."""
    near = np.asarray(path.contains_points(points), dtype=bool)
    for ring in path.to_polygons(closed_only=False):
        a = ring
        b = np.roll(ring, -1, axis=0)
        ab = b - a
        length2 = np.maximum((ab**2).sum(axis=1), 1e-12)
        rel = points[:, None, :] - a[None, :, :]
        t = np.clip((rel * ab[None, :, :]).sum(axis=2) / length2[None, :], 0.0, 1.0)
        closest = a[None, :, :] + t[:, :, None] * ab[None, :, :]
        distance = np.sqrt(((points[:, None, :] - closest) ** 2).sum(axis=2)).min(axis=1)
        near |= distance <= margin
    return near


def stroke_runs(stroke: Stroke, view: str, pressure: str) -> tuple[Run, ...]:
    """The stroke split into stretches at the technique's pressure and at light touch only.

    Every point inside (or within the ink's half width plus a clearance of) a zone the stroke
    is marked ``light_in`` belongs to a light run; a light run also takes the full-pressure
    points on either side of it, so the drawn line is continuous and the full-pressure ink
    keeps out of the zone.
    """
    points = stroke.points
    if not stroke.light_in or stroke.kind == "hold":
        return (Run(points, False),)
    geometry = load_view(view)
    margin = stroke_width_mm(pressure, view) / 2 + LIGHT_CLEARANCE_MM
    light = np.zeros(len(points), dtype=bool)
    for zone in stroke.light_in:
        light |= _near_outline(geometry.structures[zone].path, points, margin)
    runs: list[Run] = []
    start = 0
    for index in range(1, len(points) + 1):
        if index == len(points) or light[index] != light[start]:
            if light[start]:
                lo, hi = max(start - 1, 0), min(index + 1, len(points))
                runs.append(Run(points[lo:hi], True))
            elif index - start >= 2:
                runs.append(Run(points[start:index], False))
            start = index
    return tuple(runs)


def arrow_head(points: np.ndarray[Any, Any], width_mm: float) -> np.ndarray[Any, Any]:
    """The triangle of the arrow at the end of a polyline drawn ``width_mm`` wide."""
    head = 3.6 * width_mm + 2.5
    direction = points[-1] - points[-3] if len(points) >= 3 else points[-1] - points[0]
    direction = direction / (np.linalg.norm(direction) or 1.0)
    tip = points[-1]
    base = tip - direction * head
    normal = np.array([-direction[1], direction[0]])
    return np.vstack([tip, base + normal * head * 0.55, base - normal * head * 0.55])


def technique_views(technique_id: str) -> tuple[str, ...]:
    """The views that have a drawing of this technique (first is the default)."""
    technique_of(technique_id)
    return tuple(o.view for o in load_overlays().get(technique_id, ()))


def overlay_for(technique_id: str, view: str | None = None) -> Overlay:
    """The overlay of a technique in ``view`` (default: its first view)."""
    technique_of(technique_id)
    overlays = load_overlays().get(technique_id, ())
    if not overlays:
        raise ValueError(f"technique {technique_id!r} has no overlay in {FILE}")
    if view is None:
        return overlays[0]
    for overlay in overlays:
        if overlay.view == view:
            return overlay
    valid = ", ".join(o.view for o in overlays)
    raise ValueError(f"technique {technique_id!r} is not drawn in view {view!r}; valid: {valid}")


def emphasis(technique: Any, geometry: ViewGeometry) -> tuple[list[str], list[str], list[str]]:
    """Structures in this view to work, to avoid, and the other caution zones."""
    work = [sid for sid in technique.structures if sid in geometry.structures]
    avoid = [sid for sid in technique.avoid if sid in geometry.structures]
    zones = [
        sid
        for sid in geometry.structures
        if kind_of(sid) == "caution_zone" and sid not in avoid and sid not in work
    ]
    return work, avoid, zones
