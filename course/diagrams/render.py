"""Render views to SVG (one ``<g>`` per structure, id = structure id) and PNG, with caches.

The SVG of a (view, layer set, label mode) is rendered once and cached: the widgets switch
highlights in the browser by CSS classes, so a selection never re-renders.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from functools import lru_cache

import matplotlib

from course.diagrams.draw import RC, LabelMode, check_layers, draw_view, kind_of, new_figure
from course.diagrams.geometry import check_view, load_view
from course.diagrams.overlay_draw import draw_technique, new_technique_figure
from course.diagrams.overlays import overlay_for
from course.diagrams.text import alt_text, technique_alt_text

__all__ = [
    "clear_caches",
    "render_png",
    "render_svg",
    "render_technique_png",
    "render_technique_svg",
]

_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _name(sid: str) -> str:
    from course.content.loader import load_content

    return load_content().structures[sid].name


def render_svg(view: str, layers: Iterable[str] | None = None, labels: LabelMode = "all") -> str:
    """The SVG text of ``view`` with ``layers`` (cached per view, layer set and labels)."""
    check_view(view)
    return _svg(view, check_layers(layers), labels)


def clear_caches() -> None:
    _svg.cache_clear()
    _png.cache_clear()


@lru_cache(maxsize=96)
def _svg(view: str, layers: tuple[str, ...], labels: LabelMode) -> str:
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view, dpi=72)
        drawn = draw_view(ax, view, layers, labels=labels)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=_METADATA)
    return compact_hatches(annotate_svg(buffer.getvalue(), drawn.ids, view, layers))


# One dot of a dotted hatch as matplotlib writes it: a move to the bottom of the circle and
# eight cubic Beziers (the second ends at the rightmost point), then z.
_NUM = r"(-?[\d.]+)"
_DOT = re.compile(
    rf"M {_NUM} {_NUM} \n(?:C [^\n]*\n)C [^\n]* {_NUM} {_NUM} \n(?:C [^\n]*\n){{6}}z\n"
)


def _arc_dot(match: re.Match[str]) -> str:
    cx, cy = float(match.group(1)), float(match.group(4))
    r = float(match.group(3)) - cx
    arc = f"A {r:g} {r:g} 0 1 0"
    return f"M {cx - r:g} {cy:g} {arc} {cx + r:g} {cy:g} {arc} {cx - r:g} {cy:g} z "


_PATH_DATA = re.compile(r' d="([^"]*)"')
_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")


def compact_hatches(svg: str) -> str:
    """Dotted hatch patterns written as arcs, not 8 Beziers per dot: the same picture in a
    tenth of the bytes (a dotted layer was over half of an SVG); path coordinates to a
    hundredth of a point (a 300th of a millimetre on the drawing). Less to send and parse."""
    svg = re.sub(
        r"<pattern .*?</pattern>",
        lambda m: _DOT.sub(_arc_dot, m.group(0)),
        svg,
        flags=re.S,
    )
    return _PATH_DATA.sub(_round_path, svg)


def _round_path(match: re.Match[str]) -> str:
    return ' d="' + _LONG_DECIMAL.sub(r"\1", match.group(1)) + '"'


# matplotlib's default line joins and caps, as a stylesheet at the top of every SVG it writes.
_DEFAULTS = re.compile(r'<defs>\s*<style type="text/css">\*\{([^}<]*)\}</style>\s*</defs>\s*')


def inline_defaults(svg: str) -> str:
    """The SVG without matplotlib's ``<style>*{stroke-linejoin: ...; stroke-linecap: ...}``:
    its declarations become presentation attributes of the ``<svg>`` element, which every
    element inherits (only paths set their own, in their ``style``, as before).

    Inlined in a page, that ``<style>`` is a stylesheet of the whole document with a universal
    selector: each picture shown or removed made the browser restyle every element of the
    page (issue 25: most of a lesson's Run All time went to those restyles). It also reached
    past the picture, onto JupyterLab's own icons.
    """
    match = _DEFAULTS.search(svg)
    if match is None:
        return svg
    attributes = "".join(
        f' {name.strip()}="{html.escape(value.strip())}"'
        for name, _, value in (d.partition(":") for d in match.group(1).split(";"))
        if re.fullmatch(r"[a-z-]+", name.strip()) and value.strip()
    )
    svg = svg[: match.start()] + svg[match.end() :]
    return re.sub(r"<svg ", lambda _m: f"<svg{attributes} ", svg, count=1)


def annotate_svg(svg: str, ids: Iterable[str], view: str, layers: tuple[str, ...]) -> str:
    """Add class, data attributes and a ``<title>`` to each structure's group."""
    wanted = set(ids)

    def group(match: re.Match[str]) -> str:
        gid = match.group(1)
        if gid in wanted:
            return (
                f'<g id="{gid}" class="structure kind-{kind_of(gid)}" data-structure="{gid}">'
                f"<title>{html.escape(_name(gid))}</title>"
            )
        part, _, sid = gid.partition("-")
        if part in ("label", "leader") and sid in wanted:
            return f'<g id="{gid}" class="{part}" data-structure="{sid}" aria-hidden="true">'
        return match.group(0)

    svg = re.sub(r'<g id="([^"]+)">', group, svg)
    svg = inline_defaults(svg)
    geometry = load_view(view)
    title = html.escape(geometry.title)
    desc = html.escape(alt_text(view, layers))
    svg = re.sub(
        r"(<svg [^>]*>)",
        lambda m: f"{m.group(1)}<title>{title}</title><desc>{desc}</desc>",
        svg,
        count=1,
    )
    # Drop the XML prolog and DOCTYPE so the text can be inlined in HTML.
    start = svg.find("<svg ")
    return svg[start:]


def render_png(
    view: str,
    layers: Iterable[str] | None = None,
    highlighted: Iterable[str] = (),
    labels: LabelMode = "all",
    dpi: float = 100,
) -> bytes:
    """PNG bytes of ``view`` (cached), for static output and the documentation."""
    check_view(view)
    return _png(view, check_layers(layers), tuple(highlighted), labels, dpi)


@lru_cache(maxsize=32)
def _png(
    view: str, layers: tuple[str, ...], highlighted: tuple[str, ...], labels: LabelMode, dpi: float
) -> bytes:
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view, dpi=dpi)
        draw_view(ax, view, layers, highlighted, labels)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# --- technique drawings ------------------------------------------------------------------
def render_technique_svg(technique_id: str, view: str | None = None) -> str:
    """SVG of a technique drawing (cached per technique and view)."""
    return _technique_svg(technique_id, overlay_for(technique_id, view).view)


@lru_cache(maxsize=32)
def _technique_svg(technique_id: str, view: str) -> str:
    with matplotlib.rc_context(RC):
        fig, ax = new_technique_figure(view, dpi=72)
        artists = draw_technique(ax, technique_id, view)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = compact_hatches(
        annotate_svg(buffer.getvalue(), artists["view"].ids, view, artists["view"].layers)
    )
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
