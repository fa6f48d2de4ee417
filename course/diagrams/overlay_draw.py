"""Drawing a technique: the view with its strokes, the hand, the pressure legend and cautions.

The strokes and overlays are data (:mod:`course.diagrams.overlays`); this module draws them.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, PathPatch, Polygon
from matplotlib.transforms import Affine2D

from course.content.text import ui_text
from course.diagrams.draw import draw_view, kind_of, layout_for
from course.diagrams.geometry import load_view
from course.diagrams.overlays import (
    HOLD_RING_MM,
    LIGHT_PRESSURE,
    arrow_head,
    emphasis,
    overlay_for,
    stroke_runs,
    technique_of,
)
from course.diagrams.palette import OKABE_ITO, PRESSURE_STYLES, STYLES

__all__ = ["draw_technique", "new_technique_figure"]

AVOID_COLOUR = OKABE_ITO["vermillion"]
HAND_FACE = "#9A9A9A"
HAND_SCALE = 1.5
TITLE_IN = 0.42
LEGEND_IN = 1.05


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
    technique = technique_of(technique_id)
    overlay = overlay_for(technique_id, view)
    geometry = load_view(overlay.view)
    layout = layout_for(geometry)
    work, avoid, zones = emphasis(technique, geometry)
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
