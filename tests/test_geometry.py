"""Geometry data of the ankle views: ids, coverage, plausible proportions, clear errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from course.content.loader import load_content
from course.content.resources import assets_dir
from course.diagrams.geometry import VIEWS, load_view, parse_view
from course.diagrams.overlays import load_overlays, overlay_for
from course.errors import GeometryError

REQUIRED = {
    "tibia", "fibula", "medial_malleolus", "lateral_malleolus", "talus", "calcaneus",
    "navicular", "cuboid", "metatarsals", "anterior_talofibular_ligament",
    "calcaneofibular_ligament", "posterior_talofibular_ligament", "deltoid_ligament",
    "achilles_tendon", "tibialis_anterior_tendon", "tibialis_posterior_tendon",
    "fibularis_longus_tendon", "fibularis_brevis_tendon", "extensor_retinaculum",
    "flexor_retinaculum", "fibular_retinaculum", "gastrocnemius", "soleus", "plantar_fascia",
}  # fmt: skip


def _raw(view: str) -> dict[str, Any]:
    data = yaml.safe_load((assets_dir() / "ankle" / f"{view}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _drawn() -> set[str]:
    return {sid for view in VIEWS for sid in load_view(view).structures}


@pytest.mark.parametrize("view", VIEWS)
def test_every_id_in_a_view_is_a_content_structure(view: str) -> None:
    known = load_content().structures
    geometry = load_view(view)
    assert geometry.structures, view
    assert set(geometry.structures) <= set(known)


def test_required_structures_and_every_lesson_structure_are_drawn() -> None:
    drawn = _drawn()
    assert drawn >= REQUIRED
    for lesson in load_content().lessons:
        assert set(lesson.structures) <= drawn, lesson.id
    for technique in load_content().techniques:
        assert set(technique.structures) | set(technique.avoid) <= drawn, technique.id


def test_every_content_structure_is_drawn_somewhere() -> None:
    assert set(load_content().structures) <= _drawn()


def test_caution_zones_are_drawn_where_they_are() -> None:
    assert "caution_tarsal_tunnel" in load_view("medial").structures
    assert "caution_small_saphenous" in load_view("lateral").structures
    assert "caution_dorsalis_pedis" in load_view("dorsal").structures
    assert "caution_great_saphenous" in load_view("medial").structures


def _centre(view: str, sid: str) -> tuple[float, float]:
    box = load_view(view).structures[sid].path.get_extents()
    return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def _box(view: str, sid: str) -> Any:
    return load_view(view).structures[sid].path.get_extents()


def test_lateral_view_proportions_are_plausible() -> None:
    outline = load_view("lateral").outline.get_extents()
    foot_length = _box("lateral", "phalanges").x1 - _box("lateral", "calcaneus").x0
    assert 230 <= foot_length <= 290  # adult foot, mm
    assert _centre("lateral", "calcaneus")[0] < _centre("lateral", "talus")[0]
    assert _centre("lateral", "talus")[0] < _centre("lateral", "metatarsals")[0]
    assert _centre("lateral", "talus")[1] > _centre("lateral", "calcaneus")[1]
    assert _box("lateral", "tibia").y0 >= _box("lateral", "talus").y1 - 5  # sits on the talus
    assert _box("lateral", "achilles_tendon").x1 < _box("lateral", "lateral_malleolus").x0
    assert outline.y0 <= 0 <= outline.y0 + 5  # sole on the floor


def test_medial_view_is_mirrored_and_the_malleoli_differ() -> None:
    assert load_view("medial").mirror
    assert _centre("medial", "phalanges")[0] < _centre("medial", "calcaneus")[0]  # toes left
    # The outer ankle bone reaches lower than the inner one (reference anatomy).
    assert _box("lateral", "lateral_malleolus").y0 < _box("medial", "medial_malleolus").y0
    assert _box("posterior", "lateral_malleolus").y0 < _box("posterior", "medial_malleolus").y0


def test_posterior_and_dorsal_sides() -> None:
    assert _centre("posterior", "medial_malleolus")[0] < 0 < _centre("posterior", "fibula")[0]
    big_toe = _box("dorsal", "extensor_hallucis_longus_tendon")
    assert big_toe.x0 < _centre("dorsal", "cuboid")[0]  # big toe side on the left
    assert _centre("dorsal", "phalanges")[1] > _centre("dorsal", "talus")[1]  # toes up


def test_unknown_view_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid views: lateral, medial, posterior, dorsal"):
        load_view("plantar")


IDS = ("tibia", "talus", "calcaneus")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["structures"][0].update(id="shin_thing"), "shin_thing: unknown structure id"),
        (lambda d: d["structures"][0].update(shapes=[]), "tibia: shapes must be a non-empty"),
        (lambda d: d["structures"][0].update(shapes=[{"blob": 1}]), "tibia: unknown shape"),
        (
            lambda d: d["structures"][1].update(shapes=[{"polygon": [[0, 0], [1, "x"], [2, 2]]}]),
            "talus: polygon point must be a list of 2 numbers",
        ),
        (
            lambda d: d["structures"][1].update(shapes=[{"band": [[0, 0], [5, 5]], "width": 0}]),
            "talus: band width must be positive",
        ),
        (
            lambda d: d["structures"][2].update(shapes=[{"band": [[0, 0], [900, 5]], "width": 3}]),
            "calcaneus: shape spans",
        ),
        (lambda d: d["structures"].append(copy.deepcopy(d["structures"][0])), "tibia: drawn twice"),
        (lambda d: d["structures"][0].update(colour="red"), "tibia: unknown field"),
        (lambda d: d.update(extent=[0, 0, 1]), "-: extent must be a list of 4"),
    ],
)
def test_malformed_geometry_names_file_and_structure(mutate: Any, message: str) -> None:
    data = _raw("lateral")
    data["structures"] = [s for s in data["structures"] if s["id"] in IDS]
    data.pop("motion", None)
    mutate(data)
    with pytest.raises(GeometryError, match=rf"^broken\.yaml: structure {message}"):
        parse_view(data, "broken.yaml")


def test_geometry_error_is_a_value_error() -> None:
    assert issubclass(GeometryError, ValueError)


def test_every_technique_has_an_overlay_inside_its_view() -> None:
    overlays = load_overlays()
    assert set(overlays) == {t.id for t in load_content().techniques}
    for tid, entries in overlays.items():
        for overlay in entries:
            xmin, xmax, ymin, ymax = load_view(overlay.view).extent
            for stroke in overlay.strokes:
                assert (stroke.points[:, 0] >= xmin).all()
                assert (stroke.points[:, 0] <= xmax).all()
                assert (stroke.points[:, 1] >= ymin).all()
                assert (stroke.points[:, 1] <= ymax).all()
            assert overlay_for(tid, overlay.view) is overlay


def test_unknown_overlay_view_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid: dorsal"):
        overlay_for("thumb_circles", "posterior")


@pytest.mark.parametrize("view", VIEWS)
def test_every_label_points_at_its_own_structure(view: str) -> None:
    """A label's leader ends on the structure it names (within 1 mm of its outline), not on a
    neighbour: e.g. the tibial nerve's leader on the nerve, not in the calf muscle above it."""
    from shapely.geometry import Point, Polygon
    from shapely.ops import unary_union

    misses = []
    for sid, structure in load_view(view).structures.items():
        rings = [Polygon(r).buffer(0) for r in structure.path.to_polygons() if len(r) >= 3]
        if Point(structure.anchor).distance(unary_union(rings)) > 1.0:
            misses.append(sid)
    assert not misses, f"{view}: labels that point off their structure: {misses}"


def test_a_stroke_goes_light_only_over_what_its_technique_passes_lightly() -> None:
    from course.diagrams.overlays import parse_overlays

    data = {
        "schema_version": 1,
        "techniques": {
            "fingertip_friction": [
                {
                    "view": "medial",
                    "hand": {"at": [110, 150], "angle": -140},
                    "strokes": [
                        {"path": [[40, 117], [68, 114]], "light_in": ["caution_tarsal_tunnel"]}
                    ],
                }
            ]
        },
    }
    with pytest.raises(GeometryError, match="not in the technique's light_over"):
        parse_overlays(data, "overlays.yaml", {"fingertip_friction": ()})
    parsed = parse_overlays(
        data, "overlays.yaml", {"fingertip_friction": ("caution_tarsal_tunnel",)}
    )
    assert parsed["fingertip_friction"][0].strokes[0].light_in == ("caution_tarsal_tunnel",)
