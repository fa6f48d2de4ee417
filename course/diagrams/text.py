"""Words for the diagrams, from ``course/content/ui.yaml`` and the anatomy data."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from course.content.text import ui_text
from course.diagrams.draw import check_layers, check_structures, kind_of, visible_ids
from course.diagrams.geometry import load_view
from course.diagrams.overlays import emphasis, overlay_for, technique_of
from course.diagrams.palette import LAYERS, layer_of

__all__ = ["alt_text", "describe_structure", "technique_alt_text"]


def _structure(sid: str) -> Any:
    from course.content.loader import load_content

    return load_content().structures[sid]


def describe_structure(sid: str) -> str:
    return str(_structure(sid).description).rstrip(".")


def alt_text(
    view: str, layers: Iterable[str] | None = None, highlighted: Iterable[str] = ()
) -> str:
    """A text alternative for the picture ``draw_view`` makes, generated from the data.

    Names the view and its orientation, the layers, every structure shown (grouped by layer),
    and what each highlighted structure is.
    """
    geometry = load_view(view)
    chosen = check_layers(layers)
    marked = check_structures(geometry, highlighted)
    text = _base_alt_text(view, chosen)
    if marked:
        items = [
            ui_text(
                "alt.highlighted_item",
                name=_structure(sid).name,
                description=describe_structure(sid),
            )
            for sid in marked
        ]
        text += " " + ui_text("alt.highlighted", items="; ".join(items))
    return text


@lru_cache(maxsize=128)
def _base_alt_text(view: str, chosen: tuple[str, ...]) -> str:
    geometry = load_view(view)
    ids = visible_ids(geometry, chosen)
    parts = [f"{geometry.title}. {geometry.description.rstrip('.')} ({geometry.orientation})."]
    layer_names = [ui_text(f"layers.{layer}").lower() for layer in chosen]
    parts.append(ui_text("alt.layers", layers=", ".join(layer_names)))
    if ids:
        groups = []
        for layer in LAYERS:
            names = [_structure(sid).name for sid in ids if layer_of(kind_of(sid)) == layer]
            if names:
                groups.append(
                    ui_text("alt.group", layer=ui_text(f"layers.{layer}"), names=", ".join(names))
                )
        parts.append(ui_text("alt.counts", count=len(ids), groups=" ".join(groups)))
    else:
        parts.append(ui_text("alt.none"))
    return " ".join(parts)


def technique_alt_text(technique_id: str, view: str | None = None) -> str:
    """Words for the technique drawing, generated from the technique record and overlay
    (computed once per technique and view: the strokes' words test points against outlines)."""
    return _technique_alt_text(technique_id, overlay_for(technique_id, view).view)


@lru_cache(maxsize=64)
def _technique_alt_text(technique_id: str, view: str) -> str:
    technique = technique_of(technique_id)
    overlay = overlay_for(technique_id, view)
    geometry = load_view(overlay.view)
    work, avoid, zones = emphasis(technique, geometry)
    from course.content.loader import load_content

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
    from course.diagrams.stroke_words import stroke_descriptions

    parts.extend(stroke_descriptions(technique_id, overlay.view))
    if technique.cautions:
        parts.append(f"{ui_text('technique.cautions')}: {' '.join(technique.cautions)}")
    return " ".join(parts)
