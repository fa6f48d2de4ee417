"""Shapes of the geometry YAML turned into closed outlines (matplotlib paths).

``polygon`` corners become a closed Catmull-Rom curve (unless ``smooth: false``), a ``band``
is a centre line with a width, an ``ellipse`` a centre and a size. Errors name the file and the
structure (:class:`course.errors.GeometryError`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from course.errors import GeometryError

__all__ = ["numbers", "sample_open_curve", "shapes_path"]

_SAMPLES_PER_SEGMENT = 8


def numbers(raw: Any, count: int, file: str, sid: str, what: str) -> list[float]:
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
        points.append(numbers(p[:2] if corner else p, 2, file, sid, f"{what} point"))
        corners.append(corner)
    return np.asarray(points, dtype=float), corners


def shapes_path(raw: Any, file: str, sid: str) -> MplPath:
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
                widths = np.asarray(numbers(width, len(pts), file, sid, "width"))
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
            cx, cy = numbers(spec.get("center"), 2, file, sid, "ellipse center")
            w, h = numbers(spec.get("size"), 2, file, sid, "ellipse size")
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
