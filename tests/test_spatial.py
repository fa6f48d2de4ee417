"""Spatial descriptions and arrow-key moves on the diagrams (course.diagrams.spatial), without
a kernel: the direction function for all inputs (hypothesis), and every view's real geometry."""

from __future__ import annotations

import re
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.content.loader import load_content
from course.diagrams.draw import visible_ids
from course.diagrams.geometry import VIEWS, load_view
from course.diagrams.overlays import load_overlays
from course.diagrams.palette import LAYERS
from course.diagrams.spatial import (
    DIRECTIONS,
    arrow_moves,
    nearest_in_direction,
    overview,
    relation,
    runs_text,
    spatial_descriptions,
)
from course.diagrams.stroke_words import stroke_descriptions, structure_at
from course.widgets.logic import quiz_labels

coordinate = st.floats(min_value=-500, max_value=500, allow_nan=False, allow_infinity=False)
maps = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3), st.tuples(coordinate, coordinate), min_size=1
)


def _names(name: str, words: str) -> bool:
    """Whether ``words`` name ``name`` (not as part of a longer name: "Tibialis anterior" in
    "the Tibialis anterior tendon", "Tibia" in "Tibial nerve")."""
    for other in load_content().structures.values():
        if other.name != name and name in other.name:
            words = words.replace(other.name, "")
    return re.search(rf"\b{re.escape(name)}\b", words) is not None


AXIS = {"left": (0, -1), "right": (0, 1), "up": (1, 1), "down": (1, -1)}


@given(maps, st.sampled_from(DIRECTIONS), st.data())
def test_an_arrow_key_only_ever_moves_that_way(points, direction, data) -> None:
    start = data.draw(st.sampled_from(sorted(points)))
    target = nearest_in_direction(points, start, direction)
    axis, sign = AXIS[direction]
    further = [
        sid
        for sid, p in points.items()
        if sid != start and (p[axis] - points[start][axis]) * sign > 0
    ]
    if target is None:
        # nothing lies that way: the focus stays (never a wrap-around to the other side)
        assert further == []
    else:
        # moving right never lands on a structure to the left (or level with the start) ...
        assert target in further
        # ... and never passes over one that lies straight that way and nearer
        moved = (points[target][axis] - points[start][axis]) * sign
        for sid in further:
            along = (points[sid][axis] - points[start][axis]) * sign
            across = abs(points[sid][1 - axis] - points[start][1 - axis])
            if across == 0:
                assert along >= moved or sid == target


@given(maps, st.data())
def test_left_and_right_are_mirror_images(points, data) -> None:
    start = data.draw(st.sampled_from(sorted(points)))
    mirrored = {sid: (-x, y) for sid, (x, y) in points.items()}
    assert nearest_in_direction(points, start, "right") == nearest_in_direction(
        mirrored, start, "left"
    )


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="valid: left, right, up, down"):
        nearest_in_direction({"a": (0, 0)}, "a", "forward")


def _presses(moves: dict[str, dict[str, str]], start: str) -> dict[str, int]:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there in moves[here].values():
            if there not in seen:
                seen[there] = seen[here] + 1
                queue.append(there)
    return seen


@pytest.mark.parametrize("view", VIEWS)
def test_every_structure_is_a_few_arrow_presses_from_the_first(view: str) -> None:
    ids = visible_ids(load_view(view), LAYERS)
    moves = arrow_moves(view, LAYERS)
    assert set(moves) == set(ids)
    reach = _presses(moves, ids[0])
    assert set(reach) == set(ids), f"not reachable by arrows: {set(ids) - set(reach)}"
    # by Tab or the old step-through, the last structure was len(ids) - 1 presses away
    assert max(reach.values()) <= 9, reach


def test_the_anterior_talofibular_ligament_is_a_handful_of_presses_away() -> None:
    ids = visible_ids(load_view("lateral"), LAYERS)
    reach = _presses(arrow_moves("lateral", LAYERS), ids[0])
    assert reach["anterior_talofibular_ligament"] <= 6
    assert ids.index("anterior_talofibular_ligament") > 6  # what it took before


def test_the_words_follow_the_view() -> None:
    # on the outer side the toes point right: a structure to the right lies in front
    assert relation("lateral", (10, 0)) == "in front of"
    assert relation("medial", (10, 0)) == "behind"  # toes point left on the inner side
    assert relation("posterior", (-10, 0)) == "on the inner side of"
    assert relation("lateral", (0, -10)) == "below"
    assert relation("lateral", (10, -10)) == "below and in front of"


def test_the_anterior_talofibular_ligament_is_placed_and_attached() -> None:
    words = spatial_descriptions("lateral", LAYERS)["anterior_talofibular_ligament"]
    assert "Lateral malleolus" in words
    assert "runs from the Lateral malleolus to the Talus" in words
    assert "Anterior talofibular" not in words


@pytest.mark.parametrize("view", VIEWS)
def test_every_structure_on_every_view_is_described_without_its_own_name(view: str) -> None:
    names = load_content().structures
    for layers in [LAYERS, ("bones",), ("bones", "ligaments")]:
        ids = visible_ids(load_view(view), layers)
        described = spatial_descriptions(view, layers)
        assert set(described) == set(ids)
        for sid, words in described.items():
            assert words.endswith("."), words
            assert not _names(names[sid].name, words), (sid, words)
            others = [o for o in ids if o != sid and _names(names[o].name, words)]
            if len(ids) > 1:
                assert others, (sid, words)  # it names at least one neighbour


def test_the_attachments_come_from_the_anatomy_data() -> None:
    content = load_content()
    assert runs_text("deltoid_ligament") == (
        "runs from the Medial malleolus to the Navicular, the Talus and the Calcaneus"
    )
    assert runs_text("tibia") == ""
    for s in content.structures.values():
        if s.kind in ("ligament", "tendon") and s.runs_to:
            assert all(content.structures[t].name in runs_text(s.id) for t in s.runs_to)


@pytest.mark.parametrize("view", VIEWS)
def test_the_quiz_names_are_distinct_places_not_names(view: str) -> None:
    ids = visible_ids(load_view(view), LAYERS)
    labels = quiz_labels(view, ids)
    names = load_content().structures
    for sid, label in labels.items():
        assert not _names(names[sid].name, label), label
    # far fewer coincide than the 7 coarse positions of before (12 of 32 were "lower centre")
    places = [label.split(": ", 1)[1] for label in labels.values()]
    assert len(set(places)) >= len(places) - 2


@pytest.mark.parametrize("view", VIEWS)
def test_the_overview_says_what_is_shown_and_how_to_move(view: str) -> None:
    text = overview(view, 12)
    assert load_view(view).title in text
    assert "12 structures" in text
    assert "arrow keys" in text
    assert "Home and End" in text
    assert "type the first letters" not in overview(view, 12, quiz=True)


def test_every_stroke_of_every_overlay_is_described() -> None:
    for technique, overlays in load_overlays().items():
        for overlay in overlays:
            words = stroke_descriptions(technique, overlay.view)
            assert len(words) == len(overlay.strokes)
            for n, sentence in enumerate(words, start=1):
                assert sentence.startswith(f"Stroke {n}: ")
                assert sentence.endswith(".")


def test_effleurage_goes_up_the_leg_and_the_light_stroke_says_so() -> None:
    lateral = stroke_descriptions("effleurage", "lateral")
    assert all("up the leg" in s for s in lateral), lateral
    medial = stroke_descriptions("effleurage", "medial")
    assert any(
        "light touch only through the light-touch-only zone in front of the inner" in s
        for s in medial
    ), medial


def test_a_point_is_on_the_smallest_structure_holding_it() -> None:
    geometry = load_view("lateral")
    anchor = geometry.structures["lateral_malleolus"].anchor
    assert structure_at(geometry, anchor) == "lateral_malleolus"
