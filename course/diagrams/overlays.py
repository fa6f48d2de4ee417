"""Technique overlays: stroke paths with arrows, pressure, hand position and cautions.

Stroke geometry lives in ``assets/ankle/overlays.yaml`` keyed by technique id; what the hand
does (hand part, direction, pressure, hold time, structures to work and to avoid, cautions)
comes from the technique record in ``course/content/techniques.yaml``.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, PathPatch, Polygon
from matplotlib.transforms import Affine2D

from course._resources import assets_dir
from course.diagrams.draw import RC, draw_view, kind_of, layout_for
from course.diagrams.geometry import (
    VIEWS,
    GeometryError,
    ViewGeometry,
    load_view,
    sample_open_curve,
)
from course.diagrams.palette import OKABE_ITO, PRESSURE_STYLES, STYLES
from course.diagrams.text import ui_text

__all__ = [
    "LIGHT_PRESSURE",
    "Overlay",
    "Run",
    "Stroke",
    "arrow_head",
    "draw_technique",
    "load_overlays",
    "overlay_for",
    "render_technique_png",
    "render_technique_svg",
    "stroke_runs",
    "stroke_width_mm",
    "technique_alt_text",
    "technique_views",
]

FILE = "overlays.yaml"
AVOID_COLOUR = OKABE_ITO["vermillion"]
HAND_FACE = "#9A9A9A"
HAND_SCALE = 1.5
TITLE_IN = 0.42
LEGEND_IN = 1.05
LIGHT_PRESSURE = "gentle"
"""The pressure style a stroke is drawn with inside a caution zone it is marked light in."""
LIGHT_CLEARANCE_MM = 1.5
"""Gap kept between the ink of a stroke's full-pressure part and a zone it goes light in."""
HOLD_RING_MM = 7.0


@dataclass(frozen=True)
class Stroke:
    """One stroke: a polyline in view coordinates; ``hold`` strokes are a single point.

    ``light_in`` names the caution zones the stroke passes with light touch only: inside them
    (and a small clearance around them) it is drawn, and done, light.
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


def _technique(technique_id: str) -> Any:
    from course.loader import load_content

    return load_content().technique(technique_id)


@cache
def load_overlays() -> Mapping[str, tuple[Overlay, ...]]:
    """All overlays by technique id, validated against the views and the techniques."""
    import yaml

    from course.loader import load_content

    path = assets_dir() / "ankle" / FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_overlays(data, FILE, tuple(t.id for t in load_content().techniques))


def parse_overlays(
    data: Any, file: str, technique_ids: Sequence[str]
) -> dict[str, tuple[Overlay, ...]]:
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
        result[tid] = tuple(_parse_entry(entry, file, tid) for entry in entries)
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


def _parse_entry(entry: Any, file: str, tid: str) -> Overlay:
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
            if zone not in geometry.structures or not zone.startswith("caution_"):
                raise GeometryError(
                    file, where, f"light_in: {zone!r} is not a caution zone of this view"
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
        raise GeometryError(file, where, f"light_in must be a list of caution zone ids: {raw!r}")
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
    _technique(technique_id)
    return tuple(o.view for o in load_overlays().get(technique_id, ()))


def overlay_for(technique_id: str, view: str | None = None) -> Overlay:
    """The overlay of a technique in ``view`` (default: its first view)."""
    _technique(technique_id)
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


def _emphasis(technique: Any, geometry: ViewGeometry) -> tuple[list[str], list[str], list[str]]:
    work = [sid for sid in technique.structures if sid in geometry.structures]
    avoid = [sid for sid in technique.avoid if sid in geometry.structures]
    zones = [
        sid
        for sid in geometry.structures
        if kind_of(sid) == "caution_zone" and sid not in avoid and sid not in work
    ]
    return work, avoid, zones


def new_technique_figure(view: str, dpi: float = 100) -> tuple[Figure, Axes]:
    geometry = load_view(view)
    layout = layout_for(geometry)
    extra_top = TITLE_IN / layout.scale
    extra_bottom = LEGEND_IN / layout.scale
    fig = Figure(
        figsize=(layout.width_in, layout.height_in + TITLE_IN + LEGEND_IN),
        dpi=dpi,
    )
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*layout.xlim)
    ax.set_ylim(layout.ylim[0] - extra_bottom, layout.ylim[1] + extra_top)
    ax.set_axis_off()
    return fig, ax


def draw_technique(ax: Axes, technique_id: str, view: str | None = None) -> dict[str, Any]:
    """Draw the view with a technique's strokes, hand, pressure legend and cautions.

    Artists carry gids: ``stroke-<n>``, ``arrow-<n>``, ``hold-<n>``, ``hand``,
    ``avoid-<structure id>`` and ``legend``.
    """
    technique = _technique(technique_id)
    overlay = overlay_for(technique_id, view)
    geometry = load_view(overlay.view)
    layout = layout_for(geometry)
    work, avoid, zones = _emphasis(technique, geometry)
    drawn = draw_view(ax, overlay.view, None, [*work, *avoid, *zones], labels="highlighted")
    artists: dict[str, Any] = {"view": drawn}
    for sid in [*avoid, *zones]:
        zone = kind_of(sid) == "caution_zone"
        gid = f"light-touch-{sid}" if zone else f"avoid-{sid}"
        patch = PathPatch(
            geometry.structures[sid].path,
            facecolor="none",
            edgecolor=AVOID_COLOUR,
            hatch=None if zone else "xx",
            linestyle="--" if zone else "-",
            linewidth=2.2,
            zorder=45,
            gid=gid,
            clip_on=False,
        )
        ax.add_patch(patch)
        artists[gid] = patch
    style = PRESSURE_STYLES[technique.pressure]
    light_style = PRESSURE_STYLES[LIGHT_PRESSURE]
    any_light = False
    for index, stroke in enumerate(overlay.strokes):
        if stroke.kind == "hold":
            x, y = stroke.points[0]
            for radius, width in ((3.0, 0), (HOLD_RING_MM, style.width)):
                ring = Circle(
                    (x, y),
                    radius,
                    facecolor=style.colour if width == 0 else "none",
                    edgecolor=style.colour,
                    linewidth=width,
                    zorder=50,
                    gid=f"hold-{index}" if width else f"hold-{index}-dot",
                    clip_on=False,
                )
                ax.add_patch(ring)
            continue
        runs = stroke_runs(stroke, overlay.view, technique.pressure)
        for number, run in enumerate(runs):
            last = number == len(runs) - 1
            run_style = light_style if run.light else style
            any_light = any_light or run.light
            suffix = str(index) if len(runs) == 1 else f"{index}-{number}"
            pts = run.points
            if last:
                head = arrow_head(pts, run_style.width / 72 / layout.scale)
                base = (head[1] + head[2]) / 2
                xs, ys = [*pts[:-1, 0], base[0]], [*pts[:-1, 1], base[1]]
            else:
                xs, ys = list(pts[:, 0]), list(pts[:, 1])
            line = Line2D(
                xs,
                ys,
                color=run_style.colour,
                linewidth=run_style.width,
                solid_capstyle="round",
                zorder=50,
                gid=f"stroke-{suffix}",
                clip_on=False,
            )
            ax.add_line(line)
            artists[f"stroke-{suffix}"] = line
            if last:
                arrow = Polygon(
                    head,
                    closed=True,
                    facecolor=run_style.colour,
                    edgecolor="#222222",
                    linewidth=0.5,
                    zorder=51,
                    gid=f"arrow-{suffix}",
                    clip_on=False,
                )
                ax.add_patch(arrow)
    artists["hand"] = _draw_hand(ax, technique.hand_part, overlay.hand_at, overlay.hand_angle)
    never_on = [sid for sid in avoid if kind_of(sid) != "caution_zone"]
    zones_here = len(avoid) > len(never_on) or bool(zones)
    _draw_title_and_legend(ax, technique, layout.scale, bool(never_on), zones_here, any_light)
    return artists


def _capsule(x: float, y: float, w: float, h: float) -> np.ndarray[Any, Any]:
    """Outline of a rounded finger shape centred at (x, y), pointing up."""
    r = w / 2
    top = np.linspace(0, np.pi, 9)
    bottom = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.column_stack([x + r * np.cos(top), y + h / 2 - r + r * np.sin(top)])
    lower = np.column_stack([x + r * np.cos(bottom), y - h / 2 + r + r * np.sin(bottom)])
    return np.vstack([upper, lower])


_HAND_SHAPES: dict[str, list[tuple[float, float, float, float]]] = {
    # (x, y, width, height) capsules in millimetres, fingers pointing up (+y)
    "palm": [
        (0, -8, 34, 36),
        (-12, 20, 8, 24),
        (-4, 23, 8, 28),
        (4, 22, 8, 27),
        (12, 18, 7, 22),
        (-21, -2, 9, 24),
    ],
    "thumb": [(0, 0, 11, 30)],
    "thumbs": [(-7, 0, 11, 30), (7, 0, 11, 30)],
    "fingertips": [(-5, 0, 8, 28), (5, 2, 8, 30)],
    "thumb_and_fingers": [(-14, 0, 10, 28), (8, 6, 8, 26), (15, 4, 8, 24), (22, 1, 7, 22)],
    "thumb_and_index_finger": [(-8, 0, 10, 28), (8, 2, 8, 30)],
}


def _draw_hand(ax: Axes, hand_part: str, at: tuple[float, float], angle: float) -> PathPatch:
    from matplotlib.path import Path as MplPath

    pieces = [
        MplPath(np.vstack([ring, ring[:1]]), closed=True)
        for ring in (_capsule(*spec) for spec in _HAND_SHAPES[hand_part])
    ]
    path = MplPath.make_compound_path(*pieces)
    transform = Affine2D().scale(HAND_SCALE).rotate_deg(angle - 90).translate(*at)
    patch = PathPatch(
        transform.transform_path(path),
        facecolor=HAND_FACE,
        edgecolor="#333333",
        linewidth=0.9,
        alpha=0.55,
        zorder=55,
        gid="hand",
        clip_on=False,
    )
    ax.add_patch(patch)
    ax.text(
        at[0],
        at[1] - 24 * HAND_SCALE,
        ui_text(f"hand_parts.{hand_part}"),
        ha="center",
        va="top",
        fontsize=7,
        color="#111111",
        zorder=56,
        gid="hand-label",
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "linewidth": 0},
        clip_on=False,
    )
    return patch


def _draw_title_and_legend(
    ax: Axes, technique: Any, scale: float, avoid: bool, zones: bool, light: bool
) -> None:
    xmin_ax, xmax_ax = ax.get_xlim()
    ymin_ax, ymax_ax = ax.get_ylim()
    ax.text(
        (xmin_ax + xmax_ax) / 2,
        ymax_ax - 0.08 / scale,
        technique.name,
        ha="center",
        va="top",
        fontsize=12,
        fontweight="bold",
        gid="title",
    )
    handles: list[Any] = []
    labels: list[str] = []
    for key, style in sorted(PRESSURE_STYLES.items(), key=lambda kv: kv[1].rank):
        if key in ("not_set", "deeper_comfortable") and technique.pressure != key:
            continue
        current = key == technique.pressure
        handles.append(Line2D([], [], color=style.colour, linewidth=style.width))
        text = ui_text(f"pressures.{key}")
        labels.append(f"▶ {text}" if current else text)
    if zones:
        cz = STYLES["caution_zone"]
        handles.append(Patch(facecolor=cz.face, edgecolor=AVOID_COLOUR, hatch=cz.hatch, ls="--"))
        labels.append(ui_text("technique.caution_zone_legend"))
    if light:
        gentle = PRESSURE_STYLES[LIGHT_PRESSURE]
        handles.append(Line2D([], [], color=gentle.colour, linewidth=gentle.width))
        labels.append(ui_text("technique.light_stroke_legend"))
    if avoid:
        handles.append(Patch(facecolor="none", edgecolor=AVOID_COLOUR, hatch="xx", linewidth=2))
        labels.append(ui_text("technique.avoid_legend"))
    handles.append(Patch(facecolor=HAND_FACE, edgecolor="#333333", alpha=0.55))
    labels.append(ui_text("technique.hand_legend"))
    legend = ax.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=ax.transAxes,
        ncol=4,
        fontsize=7.5,
        title=ui_text("technique.pressure_legend"),
        title_fontsize=8,
        frameon=True,
        framealpha=0.95,
        handlelength=2.6,
        borderaxespad=0.3,
    )
    for entry in legend.get_texts():
        if entry.get_text().startswith("▶"):
            entry.set_fontweight("bold")
    legend.set_gid("legend")
    cautions = " ".join(technique.cautions)
    if cautions:
        box_y = ymin_ax + LEGEND_IN / scale * 0.98
        ax.text(
            (xmin_ax + xmax_ax) / 2,
            box_y,
            "\n".join(textwrap.wrap(f"{ui_text('technique.cautions')}: {cautions}", 110)),
            ha="center",
            va="top",
            fontsize=7.5,
            color="#7A2E00",
            gid="cautions",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "#FFF4E5", "edgecolor": "#D55E00"},
        )


def technique_alt_text(technique_id: str, view: str | None = None) -> str:
    """Words for the technique drawing, generated from the technique record and overlay."""
    technique = _technique(technique_id)
    overlay = overlay_for(technique_id, view)
    geometry = load_view(overlay.view)
    work, avoid, zones = _emphasis(technique, geometry)
    from course.loader import load_content

    names = load_content().structures
    parts = [
        f"{technique.name}: {geometry.title}.",
        f"{ui_text('technique.hand')}: {ui_text(f'hand_parts.{technique.hand_part}')}.",
        f"{ui_text('technique.direction')}: {ui_text(f'directions.{technique.direction}')}.",
        f"{ui_text('technique.pressure')}: {ui_text(f'pressures.{technique.pressure}')}.",
    ]
    if technique.repetitions:
        parts.append(f"{ui_text('technique.repetitions')}: {technique.repetitions}.")
    if technique.hold_seconds:
        low, high = technique.hold_seconds
        parts.append(
            f"{ui_text('technique.hold')}: {ui_text('technique.hold_range', low=low, high=high)}."
        )
    if work:
        parts.append("; ".join(names[sid].name for sid in work) + ".")
    never_on = [s for s in avoid if kind_of(s) != "caution_zone"]
    light = [s for s in [*avoid, *zones] if kind_of(s) == "caution_zone"]
    if never_on:
        parts.append(
            f"{ui_text('technique.avoid')}: " + "; ".join(names[s].name for s in never_on) + "."
        )
    if light:
        parts.append("; ".join(names[s].name for s in light) + ".")
    if any(stroke.light_in for stroke in overlay.strokes):
        parts.append(ui_text("technique.light_stroke_alt"))
    if technique.cautions:
        parts.append(f"{ui_text('technique.cautions')}: {' '.join(technique.cautions)}")
    return " ".join(parts)


def render_technique_svg(technique_id: str, view: str | None = None) -> str:
    """SVG of a technique drawing (cached per technique and view)."""
    return _technique_svg(technique_id, overlay_for(technique_id, view).view)


@lru_cache(maxsize=32)
def _technique_svg(technique_id: str, view: str) -> str:
    from course.diagrams.render import annotate_svg

    with matplotlib.rc_context(RC):
        fig, ax = new_technique_figure(view, dpi=72)
        artists = draw_technique(ax, technique_id, view)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = annotate_svg(buffer.getvalue(), artists["view"].ids, view, artists["view"].layers)
    # The technique alt text replaces the plain view description.
    alt = html.escape(technique_alt_text(technique_id, view))
    return re.sub(r"<desc>.*?</desc>", lambda _m: f"<desc>{alt}</desc>", svg, count=1, flags=re.S)


def render_technique_png(technique_id: str, view: str | None = None, dpi: float = 100) -> bytes:
    return _technique_png(technique_id, overlay_for(technique_id, view).view, dpi)


@lru_cache(maxsize=16)
def _technique_png(technique_id: str, view: str, dpi: float) -> bytes:
    with matplotlib.rc_context(RC):
        fig, ax = new_technique_figure(view, dpi=dpi)
        draw_technique(ax, technique_id, view)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
