"""Draw a view onto a matplotlib Axes: layers, highlights and labels with leader lines."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.text import Text

from course.diagrams.geometry import ViewGeometry, load_view
from course.diagrams.labels import LabelRequest, place_labels, text_width_pt
from course.diagrams.palette import (
    DIMMED_ALPHA,
    HIGHLIGHT_EDGE,
    LAYERS,
    OUTLINE_EDGE,
    OUTLINE_FACE,
    STYLES,
    layer_of,
)

__all__ = [
    "FONT_SIZE",
    "DrawnView",
    "Layout",
    "check_layers",
    "draw_view",
    "kind_of",
    "layout_for",
    "new_figure",
    "visible_ids",
]

LabelMode = Literal["all", "highlighted", "none"]
FONT_SIZE = 8.0
LINE_STEP = 1.32  # label line height, in font sizes
DRAWING_HEIGHT_IN = 5.6
MARGIN_IN = 0.12
RC: Any = {
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
    "svg.hashsalt": "ankle-course",
    "path.simplify": False,
    "hatch.linewidth": 0.6,
}


@cache
def kind_of(structure_id: str) -> str:
    from course.content.loader import load_content

    return load_content().structures[structure_id].kind


@cache
def name_of(structure_id: str) -> str:
    from course.content.loader import load_content

    return load_content().structures[structure_id].name


def check_layers(layers: Iterable[str] | None) -> tuple[str, ...]:
    """The requested layers in drawing order; ``ValueError`` listing the valid ones."""
    if layers is None:
        return LAYERS
    chosen = tuple(layers)
    unknown = [layer for layer in chosen if layer not in LAYERS]
    if unknown:
        raise ValueError(f"unknown layer(s) {unknown}; valid layers: {', '.join(LAYERS)}")
    return tuple(layer for layer in LAYERS if layer in chosen)


def check_structures(view: ViewGeometry, ids: Iterable[str]) -> tuple[str, ...]:
    """``ids`` if all are drawn in ``view``; ``ValueError`` listing the valid ones otherwise."""
    chosen = tuple(ids)
    unknown = [sid for sid in chosen if sid not in view.structures]
    if unknown:
        raise ValueError(
            f"structure(s) {unknown} not drawn in the {view.name} view; "
            f"valid: {', '.join(view.structures)}"
        )
    return chosen


def visible_ids(view: ViewGeometry, layers: Collection[str]) -> tuple[str, ...]:
    """Structure ids of the view on the given layers, in drawing (z) order."""
    return _visible_ids(view.name, tuple(layer for layer in LAYERS if layer in layers))


@lru_cache(maxsize=256)
def _visible_ids(name: str, layers: tuple[str, ...]) -> tuple[str, ...]:
    view = load_view(name)
    ids = [sid for sid in view.structures if layer_of(kind_of(sid)) in layers]
    order = {sid: i for i, sid in enumerate(view.structures)}
    return tuple(sorted(ids, key=lambda sid: (zorder_of(view, sid), order[sid])))


def zorder_of(view: ViewGeometry, sid: str) -> float:
    z = view.structures[sid].z
    return STYLES[kind_of(sid)].zorder if z is None else z


@dataclass(frozen=True)
class Layout:
    """Figure size and data limits that keep millimetres square and leave label columns."""

    width_in: float
    height_in: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    scale: float  # inches per millimetre
    label_left_x: float
    label_right_x: float
    step: float  # label line height in millimetres


def layout_for(view: ViewGeometry) -> Layout:
    """The layout of a view (cached by view name)."""
    return _layout(view.name)


@lru_cache(maxsize=8)
def _layout(name: str) -> Layout:
    view = load_view(name)
    xmin, xmax, ymin, ymax = view.extent
    scale = DRAWING_HEIGHT_IN / (ymax - ymin)
    widest = max(text_width_pt(name_of(sid), FONT_SIZE, "bold") for sid in view.structures)
    column_in = widest / 72.0 + 0.25
    gap_mm = 0.12 / scale
    left_mm = column_in / scale
    xlim = (xmin - left_mm - gap_mm, xmax + left_mm + gap_mm)
    pad = MARGIN_IN / scale
    ylim = (ymin - pad, ymax + pad)
    return Layout(
        width_in=(xlim[1] - xlim[0]) * scale,
        height_in=(ylim[1] - ylim[0]) * scale,
        xlim=xlim,
        ylim=ylim,
        scale=scale,
        label_left_x=xmin - gap_mm,
        label_right_x=xmax + gap_mm,
        step=FONT_SIZE * LINE_STEP / 72.0 / scale,
    )


def new_figure(
    view: str | ViewGeometry, dpi: float = 100, extra_bottom_mm: float = 0.0
) -> tuple[Figure, Axes]:
    """A figure (no pyplot, so nothing global to leak) sized for ``view`` with one Axes."""
    geometry = load_view(view) if isinstance(view, str) else view
    layout = layout_for(geometry)
    extra_in = extra_bottom_mm * layout.scale
    fig = Figure(figsize=(layout.width_in, layout.height_in + extra_in), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*layout.xlim)
    ax.set_ylim(layout.ylim[0] - extra_bottom_mm, layout.ylim[1])
    ax.set_axis_off()
    return fig, ax


@dataclass
class DrawnView:
    """What ``draw_view`` put on the Axes, by structure id."""

    view: ViewGeometry
    layers: tuple[str, ...]
    ids: tuple[str, ...]
    patches: dict[str, PathPatch] = field(default_factory=dict)
    labels: dict[str, Text] = field(default_factory=dict)
    leaders: dict[str, Line2D] = field(default_factory=dict)


def draw_view(
    ax: Axes,
    view: str,
    layers: Iterable[str] | None = None,
    highlighted: Iterable[str] = (),
    labels: LabelMode = "all",
    *,
    dim_others: bool = True,
    transforms: Mapping[str, object] | None = None,
    outline: bool = True,
) -> DrawnView:
    """Draw ``view`` with the chosen ``layers``; ``highlighted`` structures stand out.

    Every structure is one ``PathPatch`` whose gid is its id, so an SVG of the figure holds
    one ``<g id="...">`` per structure. Labels are ``Text`` artists with gid ``label-<id>``
    and leader lines ``Line2D`` with gid ``leader-<id>``.
    """
    geometry = load_view(view)
    chosen = check_layers(layers)
    marked = set(check_structures(geometry, highlighted))
    ids = visible_ids(geometry, chosen)
    missing = marked - set(ids)
    if missing:
        raise ValueError(
            f"highlighted structure(s) {sorted(missing)} are on a hidden layer; "
            f"visible: {', '.join(ids)}"
        )
    drawn = DrawnView(geometry, chosen, ids)
    skin = PathPatch(
        geometry.outline,
        facecolor=OUTLINE_FACE,
        edgecolor=OUTLINE_EDGE,
        linewidth=1.2,
        zorder=1,
        gid="outline",
        clip_on=False,
    )
    # add_artist, not add_patch: the limits are fixed, and computing Bezier extents for the
    # data limits would be a third of the render time.
    if outline:
        ax.add_artist(skin)
    for sid in ids:
        style = STYLES[kind_of(sid)]
        patch = PathPatch(
            geometry.structures[sid].path,
            # the see-through part is the fill (and its hatching); the outline stays at full
            # strength, so it keeps 3:1 against the ground (WCAG 1.4.11)
            facecolor=to_rgba(style.face, style.alpha),
            edgecolor=style.edge,
            linestyle=style.linestyle,
            linewidth=style.linewidth,
            hatch=style.hatch,
            zorder=zorder_of(geometry, sid),
            gid=sid,
            clip_on=False,
        )
        if marked:
            if sid in marked:
                patch.set_edgecolor(HIGHLIGHT_EDGE)
                patch.set_linewidth(1.9)
                patch.set_linestyle("solid")
                patch.set_alpha(1.0)
                patch.set_zorder(zorder_of(geometry, sid) + 20)
            elif dim_others:
                patch.set_alpha(style.alpha * DIMMED_ALPHA)
        if transforms and sid in transforms:
            patch.set_transform(transforms[sid])  # type: ignore[arg-type]
        ax.add_artist(patch)
        drawn.patches[sid] = patch
    if labels != "none":
        wanted = ids if labels == "all" else tuple(sid for sid in ids if sid in marked)
        _draw_labels(ax, drawn, wanted, marked)
    return drawn


def _draw_labels(ax: Axes, drawn: DrawnView, wanted: Iterable[str], marked: set[str]) -> None:
    geometry = drawn.view
    layout = layout_for(geometry)
    xmin, xmax = geometry.extent[:2]
    requests = [LabelRequest(sid, geometry.structures[sid].anchor) for sid in wanted]
    half = layout.step / 2
    placed = place_labels(
        requests, (xmin + xmax) / 2, layout.ylim[0] + half, layout.ylim[1] - half, layout.step
    )
    for label in placed:
        bold = label.key in marked
        x = layout.label_left_x if label.side == "left" else layout.label_right_x
        text = ax.text(
            x,
            label.y,
            name_of(label.key),
            ha="right" if label.side == "left" else "left",
            va="center",
            fontsize=FONT_SIZE,
            fontweight="bold" if bold else "normal",
            color="#111111",
            gid=f"label-{label.key}",
            zorder=40,
            clip_on=False,
        )
        inset = 0.6 * layout.step
        start = x + (inset if label.side == "left" else -inset)
        leader = Line2D(
            [x + (0.2 if label.side == "left" else -0.2) * layout.step, start, label.anchor[0]],
            [label.y, label.y, label.anchor[1]],
            color="#111111" if bold else "#555555",
            linewidth=1.1 if bold else 0.6,
            marker="o",
            markersize=2.4,
            markevery=[2],
            zorder=39,
            gid=f"leader-{label.key}",
            clip_on=False,
        )
        ax.add_artist(leader)
        drawn.labels[label.key] = text
        drawn.leaders[label.key] = leader
