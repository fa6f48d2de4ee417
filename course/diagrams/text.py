"""Words for the diagrams, from ``course/content/ui.yaml`` and the anatomy data."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from course._text import file_text
from course.diagrams.draw import check_layers, check_structures, kind_of, visible_ids
from course.diagrams.geometry import load_view
from course.diagrams.palette import LAYERS, layer_of

__all__ = ["alt_text", "describe_structure", "ui_text"]


def ui_text(key: str, **values: object) -> str:
    """The string at dotted ``key`` in ``ui.yaml``, formatted with ``values``."""
    return file_text("ui.yaml", key, **values)


def _structure(sid: str) -> Any:
    from course.loader import load_content

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
