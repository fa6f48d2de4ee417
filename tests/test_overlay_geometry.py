"""Technique drawings keep friction and pressure out of the caution zones (light touch only),
off the vessels and nerves those zones protect, and off what a technique never works directly
(petrissage: the shin bone).

Computed from the geometry with shapely, independently of the drawing code's own test of
which points are near a zone: for every stroke of every technique, the ink drawn at the
technique's pressure (the line at its drawn width, its arrow head, a hold's ring) never
touches a caution-zone outline; only a stretch the overlay marks ``light_in`` that zone may
enter it, drawn light, and the technique's card says so. A friction, kneading or
sustained-pressure stroke also never touches the band of a vessel or nerve a caution zone
protects (the zone's ``contains``), wherever the view draws it, unless drawn light there; and
every zone covers the stretch of its vessels and nerves named by its ``covers`` box, with
``ZONE_MARGIN_MM`` to spare, so the zones are no smaller than what they protect.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import pytest
from matplotlib.figure import Figure
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from course.content.loader import load_content
from course.diagrams.draw import RC, kind_of
from course.diagrams.geometry import VIEWS, ZONE_MARGIN_MM, load_view
from course.diagrams.overlay_draw import draw_technique, new_technique_figure
from course.diagrams.overlays import (
    HOLD_RING_MM,
    LIGHT_PRESSURE,
    arrow_head,
    load_overlays,
    stroke_runs,
    stroke_width_mm,
)
from course.diagrams.palette import PRESSURE_STYLES

CASES = [
    (technique.id, overlay.view, index)
    for technique in load_content().techniques
    for overlay in load_overlays().get(technique.id, ())
    for index in range(len(overlay.strokes))
]


def _zones(view: str) -> dict[str, BaseGeometry]:
    geometry = load_view(view)
    zones = {}
    for sid, structure in geometry.structures.items():
        if kind_of(sid) == "caution_zone":
            rings = [Polygon(r).buffer(0) for r in structure.path.to_polygons() if len(r) >= 3]
            zones[sid] = unary_union(rings)
    return zones


CONCENTRATED = frozenset({"circles", "zigzag", "knead", "hold"})
"""Stroke kinds that work one spot: friction, kneading and sustained pressure (not a glide)."""


def _shape(view: str, sid: str) -> BaseGeometry:
    path = load_view(view).structures[sid].path
    return unary_union([Polygon(r).buffer(0) for r in path.to_polygons() if len(r) >= 3])


def _protected(view: str) -> dict[str, tuple[BaseGeometry, set[str]]]:
    """Each vessel or nerve a caution zone protects, drawn in this view: its band and the
    caution zones (of any view) that contain it."""
    content = load_content()
    geometry = load_view(view)
    result: dict[str, tuple[BaseGeometry, set[str]]] = {}
    for zone in content.structures.values():
        for sid in zone.contains:
            if sid in geometry.structures:
                band, zones = result.get(sid, (_shape(view, sid), set()))
                result[sid] = (band, zones | {zone.id})
    return result


def _overlay(technique_id: str, view: str) -> Any:
    return next(o for o in load_overlays()[technique_id] if o.view == view)


def _line_ink(points: Any, width: float, with_arrow: bool) -> BaseGeometry:
    ink = LineString(points).buffer(width / 2)
    if with_arrow:
        ink = ink.union(Polygon(arrow_head(points, width)))
    return ink


@pytest.mark.parametrize(("technique_id", "view", "index"), CASES)
def test_no_pressure_inside_a_caution_zone(technique_id: str, view: str, index: int) -> None:
    technique = load_content().technique(technique_id)
    stroke = _overlay(technique_id, view).strokes[index]
    zones = _zones(view)
    width = stroke_width_mm(technique.pressure, view)
    light_width = stroke_width_mm(LIGHT_PRESSURE, view)
    where = f"{technique_id} ({view}) stroke {index}"
    protected = _protected(view) if stroke.kind in CONCENTRATED else {}
    if stroke.kind == "hold":
        ink = Point(*stroke.points[0]).buffer(HOLD_RING_MM + width / 2)
        for zone, shape in zones.items():
            assert ink.intersection(shape).area == 0, f"{where}: a hold in {zone}"
        for sid, (band, _containing) in protected.items():
            assert ink.intersection(band).area == 0, f"{where}: a hold on {sid}"
        return
    runs = stroke_runs(stroke, view, technique.pressure)
    assert runs, where
    for number, run in enumerate(runs):
        last = number == len(runs) - 1
        ink = _line_ink(run.points, light_width if run.light else width, last)
        for zone, shape in zones.items():
            touched = ink.intersection(shape).area > 0
            if run.light:
                assert not touched or zone in stroke.light_in, f"{where}: light in {zone}?"
            else:
                assert not touched, f"{where}: pressure inside {zone}"
        for sid, (band, containing) in protected.items():
            if ink.intersection(band).area > 0:
                assert run.light, f"{where}: friction or pressure on {sid}"
                assert containing & set(stroke.light_in), f"{where}: light on {sid}?"
    never_on = load_content().never_on(technique_id)
    geometry = load_view(view)
    for sid in never_on:
        if sid in geometry.structures:
            bone = unary_union(
                [Polygon(r).buffer(0) for r in geometry.structures[sid].path.to_polygons()]
            )
            for number, run in enumerate(runs):
                ink = _line_ink(run.points, width, number == len(runs) - 1)
                assert ink.intersection(bone).area == 0, f"{where}: works on {sid}"
    line = LineString(stroke.points)
    for zone in stroke.light_in:
        assert line.intersects(_shape(view, zone)), f"{where}: marked light in {zone}, never enters"
        assert any(run.light for run in runs), where


COVERED = [
    (view, sid)
    for view in VIEWS
    for sid, structure in load_view(view).structures.items()
    if kind_of(sid) == "caution_zone"
]


@pytest.mark.parametrize(("view", "zone"), COVERED)
def test_each_caution_zone_covers_what_it_protects(view: str, zone: str) -> None:
    """The zone's ``covers`` box names the stretch of its vessels and nerves it guards: there,
    every band (and a margin around it) lies inside the zone's outline."""
    structure = load_view(view).structures[zone]
    contained = [
        sid for sid in load_content().structures[zone].contains if sid in load_view(view).structures
    ]
    assert contained, f"{zone} ({view}) draws none of what it protects"
    assert structure.covers is not None, f"{zone} ({view}) needs a covers box"
    x0, x1, y0, y1 = structure.covers
    box = Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    shape = _shape(view, zone)
    for sid in contained:
        stretch = _shape(view, sid).intersection(box)
        assert stretch.area > 0, f"{zone} ({view}): {sid} does not pass its covers box"
        outside = stretch.buffer(ZONE_MARGIN_MM).intersection(box).difference(shape).area
        assert outside < 0.5, f"{zone} ({view}): {outside:.1f} mm² of {sid} left uncovered"


def test_every_technique_that_goes_light_says_so_on_its_card() -> None:
    content = load_content()
    for technique_id, overlays in load_overlays().items():
        marked = {z for o in overlays for s in o.strokes for z in s.light_in}
        if not marked:
            continue
        technique = content.technique(technique_id)
        card = " ".join(technique.cautions).lower()
        assert "light" in card, technique_id
        assert marked <= set(content.light_touch_only(technique_id)), technique_id


def test_what_a_technique_passes_lightly_is_what_its_drawings_lighten() -> None:
    """``light_over`` (what the explorer lists as passed with light touch only) is exactly what
    the technique's strokes are drawn light in; a technique that goes around a zone (fingertip
    friction) lists it under ``avoid`` and never enters it."""
    content = load_content()
    for technique in content.techniques:
        marked = {z for o in load_overlays()[technique.id] for s in o.strokes for z in s.light_in}
        assert marked == set(technique.light_over), technique.id
    friction = content.technique("fingertip_friction")
    assert not friction.light_over
    assert {"caution_tarsal_tunnel", "caution_small_saphenous"} <= set(friction.avoid)


def test_the_light_stretches_are_drawn_light() -> None:
    light = PRESSURE_STYLES[LIGHT_PRESSURE]
    firm = PRESSURE_STYLES[load_content().technique("malleolar_friction").pressure]
    with matplotlib.rc_context(RC):
        figure, ax = new_technique_figure("medial")
        artists = draw_technique(ax, "malleolar_friction", "medial")
    assert isinstance(figure, Figure)
    lines = {k: v for k, v in artists.items() if k.startswith("stroke-")}
    widths = {round(line.get_linewidth(), 2) for line in lines.values()}
    assert widths == {light.width, firm.width}
    assert len(lines) >= 3  # full pressure, light through the zones, full pressure again
