"""What the explorer's front end needs to change view, layers and labels without Python.

One SVG per view with every layer and every label drawn (:func:`explorer_svg`), plus the
numbers the browser needs to hide layers and re-place the labels of the structures left
(:func:`label_geometry`): the same atlas placement as :func:`course.diagrams.labels.place_labels`,
ported to ``course/widgets/static/labels.js`` (a test compares the two on every view and
layer set). A view change or a layer toggle then costs no kernel round trip and no new SVG:
the browser swaps an already parsed picture or switches classes and moves label artists,
as ipympl updates artists instead of rebuilding a figure.
"""

from __future__ import annotations

from typing import Any

from course.diagrams.draw import kind_of, layout_for
from course.diagrams.geometry import check_view, load_view
from course.diagrams.palette import LAYERS, layer_of
from course.diagrams.render import render_svg

__all__ = ["explorer_svg", "label_geometry"]

_POINTS_PER_INCH = 72.0  # the SVGs are rendered at 72 dpi: one SVG unit is one point


def explorer_svg(view: str) -> str:
    """The SVG of ``view`` with all layers and labels (cached by :func:`render_svg`)."""
    return render_svg(check_view(view), LAYERS, "all")


def label_geometry(view: str) -> dict[str, Any]:
    """Label placement inputs of ``view`` in data units, and the data-to-SVG transform.

    ``anchors`` and ``layer`` cover every structure of the view; ``to_svg`` is
    ``[sx, tx, sy, ty]`` with ``svg_x = sx * x + tx`` and ``svg_y = sy * y + ty``.
    """
    geometry = load_view(check_view(view))
    layout = layout_for(geometry)
    xmin, xmax = geometry.extent[:2]
    (x0, x1), (y0, y1) = layout.xlim, layout.ylim
    width = layout.width_in * _POINTS_PER_INCH
    height = layout.height_in * _POINTS_PER_INCH
    sx, sy = width / (x1 - x0), -height / (y1 - y0)
    half = layout.step / 2
    return {
        "middle": (xmin + xmax) / 2,
        "lo": y0 + half,
        "hi": y1 - half,
        "step": layout.step,
        "left_x": layout.label_left_x,
        "right_x": layout.label_right_x,
        "to_svg": [sx, -x0 * sx, sy, -y1 * sy],
        "anchors": {sid: list(s.anchor) for sid, s in geometry.structures.items()},
        "layer": {sid: layer_of(kind_of(sid)) for sid in geometry.structures},
    }
