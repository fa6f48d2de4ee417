"""Where the range-of-motion picture puts its limits and its two range labels.

The foot turns through every whole degree of its typical range (the widget's slider steps, and
the browser turns the same picture), so one layout per movement serves every angle:

- the limits hold every bone at every one of those angles, with the range rays, arc and labels;
- each range label (e.g. "50° plantarflexion (typical range)") stands at the free place
  nearest the end of its ray: clear of every bone at every angle, of the range sector and of
  the other label.

Free and taken space is an occupancy mask: the bones at every angle and the range sector (its
rays, arc and the foot's axis lie in it) drawn once in black at ``_PX_PER_MM``, then searched
with array slices. Every label's text is laid out by matplotlib to know its size.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Wedge
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from course.content.text import ui_text
from course.diagrams.draw import layout_for, visible_ids
from course.diagrams.geometry import MotionSpec, load_view

__all__ = [
    "LABEL_SIZE",
    "LAYERS",
    "MOTION_VIEWS",
    "TYPICAL",
    "MotionLayout",
    "RangeLabel",
    "motion_layout",
    "motion_spec",
    "ray_angles",
    "screen_angle",
    "turned_paths",
]

MOTION_VIEWS = {"dorsiflexion": "lateral", "inversion": "posterior"}
# Typical adult ranges, reference section 2: (negative end, positive end) in degrees.
TYPICAL = {"dorsiflexion": (-50, 20), "inversion": (-15, 35)}
LAYERS = ("bones", "joints")
LABEL_SIZE = 9.0  # points
_RAY = {"lateral": (100.0, -16.0), "posterior": (46.0, -90.0)}  # ray length, neutral angle
_MARGIN_MM = 3.0  # clear space around a label, and around the whole picture
_PX_PER_MM = 1.0
_STEP_MM = 2.0  # how far apart the candidate label places are
_SEARCH_MM = 200.0  # how far from its ray's end a label is looked for
_DIRECTIONS = 24  # directions from the ray's end in which a label is looked for


@dataclass(frozen=True)
class RangeLabel:
    """A range label: its value in degrees, its text and where its anchor is (data mm)."""

    value: int
    text: str
    x: float
    y: float
    ha: str
    va: str
    leader: tuple[tuple[float, float], tuple[float, float]] | None
    """From the ray's end to the label's edge, where the label stands away from the end."""


@dataclass(frozen=True)
class MotionLayout:
    """Limits (data mm), scale (inches per mm) and range labels of one movement's picture."""

    view: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    scale: float
    labels: tuple[RangeLabel, ...]

    @property
    def size_in(self) -> tuple[float, float]:
        """Figure width and height in inches."""
        width = (self.xlim[1] - self.xlim[0]) * self.scale
        return width, (self.ylim[1] - self.ylim[0]) * self.scale


def motion_spec(view: str) -> MotionSpec:
    spec = load_view(view).motion
    if spec is None:
        raise ValueError(f"the {view} view has no motion data")
    return spec


def screen_angle(spec: MotionSpec, degrees: float) -> float:
    """Counter-clockwise screen rotation for a movement of ``degrees``."""
    return degrees if spec.positive_is_counterclockwise else -degrees


def ray_angles(movement: str) -> tuple[float, dict[int, float]]:
    """The rays' length (mm) and each range value's ray angle on screen (0: neutral)."""
    view = MOTION_VIEWS[movement]
    spec = motion_spec(view)
    length, neutral = _RAY[view]
    low, high = TYPICAL[movement]
    return length, {v: neutral + screen_angle(spec, v) for v in (low, high, 0)}


def turned_paths(movement: str) -> Iterator[Path]:
    """Every bone and joint outline (data mm) as drawn at every whole degree of the range:
    the ones that stay once, the ones that turn once per degree."""
    view = MOTION_VIEWS[movement]
    geometry, spec = load_view(view), motion_spec(view)
    low, high = TYPICAL[movement]
    for sid in visible_ids(geometry, LAYERS):
        path = geometry.structures[sid].path
        if sid not in spec.moving:
            yield path
            continue
        for degrees in range(low, high + 1):
            turn = Affine2D().rotate_deg_around(*spec.pivot, screen_angle(spec, degrees))
            yield path.transformed(turn)


def _label_text(movement: str, value: int) -> str:
    key = {
        ("dorsiflexion", True): "dorsiflexion_value",
        ("dorsiflexion", False): "plantarflexion_value",
        ("inversion", True): "inversion_value",
        ("inversion", False): "eversion_value",
    }[(movement, value > 0)]
    text = ui_text(f"motion.{key}", degrees=abs(value)).split(" (")[0]
    return f"{text}\n({ui_text('motion.typical')})"


def _alignment(angle: float) -> tuple[str, str]:
    """Text alignment that puts a label on the far side of its anchor, seen from the point
    it belongs to, in the direction ``angle`` (degrees)."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = "left" if c > 0.2 else "right" if c < -0.2 else "center"
    return ha, "bottom" if s > 0 else "top"


def _box(x: float, y: float, size: tuple[float, float], ha: str, va: str) -> np.ndarray:
    """``[x0, x1, y0, y1]`` of a ``size`` (mm) box anchored at ``(x, y)``."""
    width, height = size
    x0 = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    y0 = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
    return np.array([x0, x0 + width, y0, y0 + height])


class _Mask:
    """Taken space on a grid of ``_PX_PER_MM``: what is drawn black is taken."""

    def __init__(self, window: np.ndarray, paths: list[Path], movement: str) -> None:
        self.window = window
        x0, x1, y0, y1 = window
        fig = Figure(figsize=((x1 - x0) / 25.4, (y1 - y0) / 25.4), dpi=25.4 * _PX_PER_MM)
        FigureCanvasAgg(fig)
        to_pixels = Affine2D().translate(-x0, -y0).scale(_PX_PER_MM)  # no Axes: a tenth faster
        bones = PathCollection(
            paths,
            facecolor="black",
            edgecolor="black",
            linewidths=1.0,
            antialiased=False,
            transform=to_pixels,
        )
        fig.add_artist(bones)
        # the range sector holds the rays, the arc and the foot's axis at every angle
        length, angles = ray_angles(movement)
        pivot = motion_spec(MOTION_VIEWS[movement]).pivot
        low, high = sorted(angles[v] for v in TYPICAL[movement])
        sector = Wedge(pivot, length, low, high, color="black", antialiased=False)
        sector.set_transform(to_pixels)
        fig.add_artist(sector)
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
        self.taken: np.ndarray = pixels[:, :, 0] < 128

    def _slices(self, box: np.ndarray) -> tuple[slice, slice]:
        x0, _x1, _y0, y1 = self.window
        rows, cols = self.taken.shape
        c0, c1 = ((box[:2] - x0) * _PX_PER_MM).astype(int)
        r0, r1 = ((y1 - box[3:1:-1]) * _PX_PER_MM).astype(int)
        return slice(max(r0, 0), min(r1 + 1, rows)), slice(max(c0, 0), min(c1 + 1, cols))

    def free(self, box: np.ndarray) -> bool:
        return not bool(self.taken[self._slices(box)].any())

    def take(self, box: np.ndarray) -> None:
        self.taken[self._slices(box)] = True

    def drawn(self) -> np.ndarray:
        """``[x0, x1, y0, y1]`` (mm) of everything taken."""
        rows = np.flatnonzero(self.taken.any(axis=1))
        cols = np.flatnonzero(self.taken.any(axis=0))
        x0, _x1, _y0, y1 = self.window
        return np.array(
            [
                x0 + cols[0] / _PX_PER_MM,
                x0 + (cols[-1] + 1) / _PX_PER_MM,
                y1 - (rows[-1] + 1) / _PX_PER_MM,
                y1 - rows[0] / _PX_PER_MM,
            ]
        )


_Place = tuple[float, float, str, str, np.ndarray]  # anchor x, y, ha, va, box


def _place(mask: _Mask, end: tuple[float, float], ray: float, size: tuple[float, float]) -> _Place:
    """The free place for a ``size`` label nearest to ``end``, the end of a ray at angle ``ray``
    (nearest first, then the direction nearest the ray's own)."""
    directions = sorted(
        (360.0 * k / _DIRECTIONS for k in range(_DIRECTIONS)),
        key=lambda a: abs((a - ray + 180.0) % 360.0 - 180.0),
    )
    for distance in np.arange(0.0, _SEARCH_MM, _STEP_MM):
        for angle in directions if distance else [ray]:
            rad = math.radians(angle)
            x, y = end[0] + distance * math.cos(rad), end[1] + distance * math.sin(rad)
            ha, va = _alignment(angle)
            box = _box(x, y, size, ha, va)
            if mask.free(box + np.array([-1, 1, -1, 1]) * _MARGIN_MM):
                return x, y, ha, va, box
    raise ValueError(f"no free place within {_SEARCH_MM} mm of the range ray's end at {end}")


def _text_size_in(text: str) -> tuple[float, float]:
    """Width and height (inches) of ``text`` as a range label, as matplotlib lays it out at
    72 dpi (the browser's picture; coarser grids measure small text wrongly)."""
    fig = Figure(dpi=72)
    artist = fig.text(0, 0, text, fontsize=LABEL_SIZE, fontfamily="DejaVu Sans")
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    box = artist.get_window_extent(renderer)
    return box.width / 72, box.height / 72


def _leader(
    end: tuple[float, float], box: np.ndarray
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """A line from ``end`` to the nearest point of ``box`` (less a gap), if it is far."""
    near = np.array([np.clip(end[0], box[0], box[1]), np.clip(end[1], box[2], box[3])])
    gap = near - np.asarray(end)
    distance = float(np.hypot(*gap))
    if distance <= 2 * _MARGIN_MM:
        return None
    tip = np.asarray(end) + gap * (distance - 1.0) / distance
    return (float(end[0]), float(end[1])), (float(tip[0]), float(tip[1]))


@lru_cache(maxsize=2)
def motion_layout(movement: str) -> MotionLayout:
    """The layout of ``movement``'s picture (computed once per process: about a tenth of a
    second, most of it drawing the mask)."""
    view = MOTION_VIEWS[movement]
    scale = layout_for(load_view(view)).scale
    length, angles = ray_angles(movement)
    pivot = motion_spec(view).pivot
    paths = list(turned_paths(movement))
    points = np.concatenate([p.vertices for p in paths])  # control points hold each curve
    reach = _SEARCH_MM + 100.0  # room for a label as far out as it is looked for
    window = np.array(
        [
            min(points[:, 0].min(), pivot[0] - length) - reach,
            max(points[:, 0].max(), pivot[0] + length) + reach,
            min(points[:, 1].min(), pivot[1] - length) - reach,
            max(points[:, 1].max(), pivot[1] + length) + reach,
        ]
    )
    mask = _Mask(window, paths, movement)
    extent = mask.drawn()
    labels = []
    for value in TYPICAL[movement]:
        text = _label_text(movement, value)
        width_in, height_in = _text_size_in(text)
        size = (width_in / scale, height_in / scale)
        rad = math.radians(angles[value])
        end = (pivot[0] + length * math.cos(rad), pivot[1] + length * math.sin(rad))
        x, y, ha, va, box = _place(mask, end, angles[value], size)
        mask.take(box)
        extent = np.array(
            [
                min(extent[0], box[0]),
                max(extent[1], box[1]),
                min(extent[2], box[2]),
                max(extent[3], box[3]),
            ]
        )
        labels.append(RangeLabel(value, text, float(x), float(y), ha, va, _leader(end, box)))
    x0, x1, y0, y1 = extent + np.array([-1, 1, -1, 1]) * _MARGIN_MM
    return MotionLayout(view, (float(x0), float(x1)), (float(y0), float(y1)), scale, tuple(labels))
