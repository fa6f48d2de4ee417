"""Ankle diagrams drawn from geometry data with matplotlib (no widgets here).

The small public API: draw a view onto an Axes, render it to SVG or PNG, describe it in
words, and draw a technique overlay. Everything else lives in the submodules.
"""

from course.diagrams.draw import draw_view
from course.diagrams.geometry import VIEWS, load_view
from course.diagrams.overlay_draw import draw_technique
from course.diagrams.palette import LAYERS
from course.diagrams.render import render_png, render_svg
from course.diagrams.text import alt_text, technique_alt_text

__all__ = [
    "LAYERS",
    "VIEWS",
    "alt_text",
    "draw_technique",
    "draw_view",
    "load_view",
    "render_png",
    "render_svg",
    "technique_alt_text",
]
