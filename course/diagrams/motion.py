"""Range of motion: the foot turned at the ankle (lateral), or the whole foot (heel bone and
forefoot) turned under the ankle at the subtalar and midfoot joints (posterior), with the
typical ranges of the reference marked."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Arc
from matplotlib.transforms import Affine2D

from course.content.text import ui_text
from course.diagrams.draw import RC, draw_view, new_figure
from course.diagrams.geometry import MotionSpec, load_view

__all__ = ["MOTION_VIEWS", "TYPICAL", "draw_motion", "motion_png", "motion_svg"]

MOTION_VIEWS = {"dorsiflexion": "lateral", "inversion": "posterior"}
# Typical adult ranges, reference section 2: (negative end, positive end) in degrees.
TYPICAL = {"dorsiflexion": (-50, 20), "inversion": (-15, 35)}
_LAYERS = ("bones", "joints")
_RAY = {"lateral": (100.0, -16.0), "posterior": (46.0, -90.0)}  # ray length, neutral angle
_EXTRA_BOTTOM = {"lateral": 45.0, "posterior": 22.0}  # room below the floor for the range


def _spec(view: str) -> MotionSpec:
    spec = load_view(view).motion
    if spec is None:
        raise ValueError(f"the {view} view has no motion data")
    return spec


def _screen_angle(spec: MotionSpec, degrees: float) -> float:
    """Counter-clockwise screen rotation for a movement of ``degrees``."""
    return degrees if spec.positive_is_counterclockwise else -degrees


def draw_motion(ax: Axes, movement: str, degrees: float = 0.0) -> dict[str, Any]:
    """Draw the bones and joints of the movement's view, turned by ``degrees``."""
    view = MOTION_VIEWS[movement]
    spec = _spec(view)
    rotate = Affine2D().rotate_deg_around(*spec.pivot, _screen_angle(spec, degrees))
    transforms = dict.fromkeys(spec.moving, rotate + ax.transData)
    drawn = draw_view(ax, view, _LAYERS, labels="none", transforms=transforms, outline=False)
    length, neutral = _RAY[view]
    px, py = spec.pivot
    low, high = TYPICAL[movement]
    a_low, a_high = (neutral + _screen_angle(spec, v) for v in (low, high))
    arc = Arc(
        spec.pivot,
        2 * length * 0.92,
        2 * length * 0.92,
        theta1=min(a_low, a_high),
        theta2=max(a_low, a_high),
        color="#0072B2",
        linestyle="--",
        linewidth=1.2,
        gid="typical-range",
        zorder=30,
    )
    ax.add_patch(arc)
    for value, angle in ((low, a_low), (high, a_high), (0, neutral)):
        rad = math.radians(angle)
        end = (px + length * math.cos(rad), py + length * math.sin(rad))
        ax.plot(
            [px, end[0]],
            [py, end[1]],
            color="#0072B2" if value else "#888888",
            linewidth=1.0,
            linestyle="-" if value else ":",
            zorder=30,
            gid=f"range-{value}",
        )
        if value:
            key = {
                ("dorsiflexion", True): "dorsiflexion_value",
                ("dorsiflexion", False): "plantarflexion_value",
                ("inversion", True): "inversion_value",
                ("inversion", False): "eversion_value",
            }[(movement, value > 0)]
            text = ui_text(f"motion.{key}", degrees=abs(value)).split(" (")[0]
            ax.text(
                end[0],
                end[1],
                f"{text}\n({ui_text('motion.typical')})",
                fontsize=7.5,
                color="#0A4F7A",
                ha="left" if math.cos(rad) > 0.2 else "right" if math.cos(rad) < -0.2 else "center",
                va="bottom" if math.sin(rad) > 0 else "top",
                zorder=31,
                gid=f"range-label-{value}",
            )
    # The current foot axis turns with the foot.
    current = neutral + _screen_angle(spec, degrees)
    rad = math.radians(current)
    axis_end = np.array([px + length * 0.8 * math.cos(rad), py + length * 0.8 * math.sin(rad)])
    (axis_line,) = ax.plot(
        [px, axis_end[0]], [py, axis_end[1]], color="#D55E00", linewidth=2.2, zorder=32
    )
    axis_line.set_gid("foot-axis")
    ax.plot([px], [py], marker="o", color="#D55E00", markersize=5, zorder=33)
    return {"view": drawn, "axis": axis_line}


@lru_cache(maxsize=4)
def motion_svg(movement: str) -> tuple[str, tuple[float, float]]:
    """SVG of the neutral position and the pivot in SVG user units (for the browser)."""
    from course.diagrams.render import annotate_svg

    view = MOTION_VIEWS[movement]
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view, dpi=72, extra_bottom_mm=_EXTRA_BOTTOM[view])
        artists = draw_motion(ax, movement, 0)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        px, py = ax.transData.transform(_spec(view).pivot)
        height = fig.get_figheight() * 72
    svg = annotate_svg(buffer.getvalue(), artists["view"].ids, view, _LAYERS)
    return svg, (float(px), float(height - py))


@lru_cache(maxsize=16)
def motion_png(movement: str, degrees: float = 0.0, dpi: float = 80) -> bytes:
    """PNG of ``movement`` at ``degrees`` (cached: every lesson showing the widget at its
    starting angle reuses one picture for its static fallback)."""
    view = MOTION_VIEWS[movement]
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view, dpi=dpi, extra_bottom_mm=_EXTRA_BOTTOM[view])
        draw_motion(ax, movement, degrees)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
