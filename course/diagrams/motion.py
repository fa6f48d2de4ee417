"""Range of motion: the foot turned at the ankle (lateral), or the whole foot (heel bone and
forefoot) turned under the ankle at the subtalar and midfoot joints (posterior), with the
typical ranges of the reference marked. Limits and range labels: ``motion_layout``."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Arc
from matplotlib.transforms import Affine2D

from course.diagrams.draw import RC, draw_view
from course.diagrams.motion_layout import (
    LABEL_SIZE,
    LAYERS,
    MOTION_VIEWS,
    TYPICAL,
    motion_layout,
    motion_spec,
    ray_angles,
    screen_angle,
)

__all__ = ["MOTION_VIEWS", "TYPICAL", "draw_motion", "motion_figure", "motion_png", "motion_svg"]

_RANGE_COLOUR = "#0072B2"


def motion_figure(movement: str, dpi: float = 100) -> tuple[Figure, Axes]:
    """A figure (no pyplot) sized and limited to hold ``movement`` at every angle of its range."""
    layout = motion_layout(movement)
    fig = Figure(figsize=layout.size_in, dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*layout.xlim)
    ax.set_ylim(*layout.ylim)
    ax.set_axis_off()
    return fig, ax


def draw_motion(ax: Axes, movement: str, degrees: float = 0.0) -> dict[str, Any]:
    """Draw the bones and joints of the movement's view, turned by ``degrees``."""
    view = MOTION_VIEWS[movement]
    spec = motion_spec(view)
    rotate = Affine2D().rotate_deg_around(*spec.pivot, screen_angle(spec, degrees))
    transforms = dict.fromkeys(spec.moving, rotate + ax.transData)
    drawn = draw_view(ax, view, LAYERS, labels="none", transforms=transforms, outline=False)
    length, angles = ray_angles(movement)
    px, py = spec.pivot
    a_low, a_high = sorted(angles[v] for v in TYPICAL[movement])
    arc = Arc(
        spec.pivot,
        2 * length * 0.92,
        2 * length * 0.92,
        theta1=a_low,
        theta2=a_high,
        color=_RANGE_COLOUR,
        linestyle="--",
        linewidth=1.2,
        gid="typical-range",
        zorder=30,
    )
    ax.add_patch(arc)
    for value, angle in angles.items():
        rad = math.radians(angle)
        end = (px + length * math.cos(rad), py + length * math.sin(rad))
        ax.plot(
            [px, end[0]],
            [py, end[1]],
            color=_RANGE_COLOUR if value else "#888888",
            linewidth=1.0,
            linestyle="-" if value else ":",
            zorder=30,
            gid=f"range-{value}",
        )
    for label in motion_layout(movement).labels:
        ax.text(
            label.x,
            label.y,
            label.text,
            fontsize=LABEL_SIZE,
            color="#0A4F7A",
            ha=label.ha,
            va=label.va,
            zorder=31,
            gid=f"range-label-{label.value}",
        )
        if label.leader is not None:
            (x0, y0), (x1, y1) = label.leader
            ax.plot(
                [x0, x1],
                [y0, y1],
                color=_RANGE_COLOUR,
                linewidth=0.6,
                zorder=30,
                gid=f"range-leader-{label.value}",
            )
    # The current foot axis turns with the foot.
    rad = math.radians(angles[0] + screen_angle(spec, degrees))
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
        fig, ax = motion_figure(movement, dpi=72)
        artists = draw_motion(ax, movement, 0)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        px, py = ax.transData.transform(motion_spec(view).pivot)
        height = fig.get_figheight() * 72
    svg = annotate_svg(buffer.getvalue(), artists["view"].ids, view, LAYERS)
    return svg, (float(px), float(height - py))


@lru_cache(maxsize=16)
def motion_png(movement: str, degrees: float = 0.0, dpi: float = 80) -> bytes:
    """PNG of ``movement`` at ``degrees`` (cached: every lesson showing the widget at its
    starting angle reuses one picture for its static fallback)."""
    with matplotlib.rc_context(RC):
        fig, ax = motion_figure(movement, dpi=dpi)
        draw_motion(ax, movement, degrees)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
