"""Technique strokes in words: from where to where, which way, which caution zones they go around.

Computed from the overlay geometry (``assets/ankle/overlays.yaml``) and the view it is drawn
on, so that a learner who cannot see the technique drawing hears the path of each stroke, e.g.
"Stroke 1: a long stroke from the Metatarsals up the leg to the Tibia, going around the Great
saphenous vein zone". Words from ``course/content/ui.yaml`` (``spatial``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.content.text import ui_text
from course.diagrams.draw import kind_of
from course.diagrams.geometry import ViewGeometry, load_view
from course.diagrams.overlays import Stroke, overlay_for
from course.diagrams.spatial import ref, ui_text_map

__all__ = ["AROUND_MM", "stroke_descriptions", "structure_at"]

AROUND_MM = 12.0
"""A caution zone the stroke passes within this distance of, without entering it, is one the
stroke goes around."""
_NOT_PLACES = ("caution_zone", "joint")


def _bbox_area(geometry: ViewGeometry, sid: str) -> float:
    extents = geometry.structures[sid].path.get_extents()
    return float(extents.width * extents.height)


def structure_at(geometry: ViewGeometry, point: tuple[float, float]) -> str:
    """The structure a point of a stroke is on: the smallest outline holding it, or else the
    structure whose anchor is nearest (caution zones and joint lines are not places)."""
    places = [s for s in geometry.structures if kind_of(s) not in _NOT_PLACES]
    holding = [s for s in places if geometry.structures[s].path.contains_point(point)]
    if holding:
        return min(holding, key=lambda s: (_bbox_area(geometry, s), s))
    x, y = point
    return min(
        places,
        key=lambda s: (
            (geometry.structures[s].anchor[0] - x) ** 2
            + (geometry.structures[s].anchor[1] - y) ** 2,
            s,
        ),
    )


def _heading(view: str, start: Any, end: Any) -> str:
    keys = ui_text_map(f"spatial.keys.{view}")
    dx, dy = float(end[0] - start[0]), float(end[1] - start[1])
    if abs(dx) >= abs(dy):
        return keys["right"] if dx > 0 else keys["left"]
    return keys["up"] if dy > 0 else keys["down"]


def _zones_around(geometry: ViewGeometry, stroke: Stroke) -> list[str]:
    out = []
    for sid, shape in geometry.structures.items():
        if kind_of(sid) != "caution_zone" or sid in stroke.light_in:
            continue
        if np.asarray(shape.path.contains_points(stroke.points), dtype=bool).any():
            continue
        ring = np.vstack(shape.path.to_polygons(closed_only=False))
        gap = np.sqrt(((stroke.points[:, None, :] - ring[None, :, :]) ** 2).sum(axis=2)).min()
        if gap <= AROUND_MM:
            out.append(sid)
    return out


def _names(ids: list[str]) -> str:
    refs = [ref(s) for s in ids]
    if len(refs) <= 1:
        return "".join(refs)
    return ", ".join(refs[:-1]) + ui_text("spatial.and") + refs[-1]


def stroke_descriptions(technique_id: str, view: str | None = None) -> list[str]:
    """One sentence per stroke of the technique's drawing on ``view`` (default its first)."""
    overlay = overlay_for(technique_id, view)
    geometry = load_view(overlay.view)
    kinds = ui_text_map("spatial.stroke_kinds")
    out = []
    for n, stroke in enumerate(overlay.strokes, start=1):
        kind = kinds[stroke.kind]
        start, end = stroke.points[0], stroke.points[-1]
        if stroke.kind in ("hold", "knead") or float(np.linalg.norm(end - start)) < 5.0:
            centre = stroke.points.mean(axis=0)
            at = ref(structure_at(geometry, (float(centre[0]), float(centre[1]))))
            sentence = ui_text("spatial.stroke_at", n=n, kind=kind, at=at)
        else:
            first = structure_at(geometry, (float(start[0]), float(start[1])))
            last = structure_at(geometry, (float(end[0]), float(end[1])))
            sentence = ui_text(
                "spatial.stroke",
                n=n,
                kind=kind,
                start=ref(first),
                end=ref(last),
                heading=_heading(overlay.view, start, end),
            )
        around = _zones_around(geometry, stroke)
        if around:
            sentence += ui_text("spatial.stroke_around", zones=_names(around))
        if stroke.light_in:
            sentence += ui_text("spatial.stroke_light", zones=_names(list(stroke.light_in)))
        out.append(sentence + ".")
    return out
