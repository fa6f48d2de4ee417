"""Where things are on a diagram, in words and for the arrow keys (pure geometry, no widgets).

A learner who cannot see the picture needs what a glance gives: where a structure lies
relative to its neighbours, what it runs to, and which way to move to reach another. All of it
is computed here from the view geometry (``assets/ankle/*.yaml``) and the anatomy data, with
the words from ``course/content/ui.yaml`` (``spatial``):

- :func:`nearest_in_direction` and :func:`arrow_moves`: the structure an arrow key goes to;
- :func:`relation`, :func:`describe_place` and :func:`spatial_descriptions`: "below and in
  front of the Lateral malleolus; over the Talus; runs from the Lateral malleolus to the Talus";
- :func:`overview`: one paragraph on what the view shows and how to move in it.

Screen coordinates are the view's (x to the right, y up, a mirrored view already flipped), so
"right" on screen is "in front of" on the outer-side view and "behind" on the inner-side view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

import numpy as np

from course.content.text import ui_text
from course.diagrams.draw import check_layers, visible_ids
from course.diagrams.geometry import ViewGeometry, check_view, load_view

__all__ = [
    "DIRECTIONS",
    "Point",
    "arrow_moves",
    "describe_place",
    "nearest_in_direction",
    "neighbours",
    "overview",
    "ref",
    "relation",
    "runs_text",
    "spatial_descriptions",
]

Point = tuple[float, float]
DIRECTIONS: tuple[str, ...] = ("left", "right", "up", "down")
_UNIT: dict[str, Point] = {
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
    "up": (0.0, 1.0),
    "down": (0.0, -1.0),
}
NEIGHBOURS = 3
"""How many neighbours a spatial description names."""
_NOT_IN_ZONES = ("bone", "joint", "muscle", "caution_zone")
"""Kinds never said to be *in* a caution zone (a zone is named after the bone it is beside)."""


def nearest_in_direction(points: Mapping[str, Point], start: str, direction: str) -> str | None:
    """The structure an arrow key moves to from ``start``: the nearest one in ``direction``.

    Only points strictly further in that direction count. Those within 45° of the direction
    come first, then the rest of that half-plane; among them the one nearest along the
    direction with a double penalty for the sideways offset (ties by id). ``None`` when nothing
    lies that way (the focus stays).
    """
    if direction not in _UNIT:
        raise ValueError(f"unknown direction {direction!r}; valid: {', '.join(DIRECTIONS)}")
    ux, uy = _UNIT[direction]
    x0, y0 = points[start]
    best: tuple[int, float, str] | None = None
    for sid, (x, y) in points.items():
        if sid == start:
            continue
        dx, dy = x - x0, y - y0
        along = dx * ux + dy * uy
        if along <= 0:
            continue
        across = abs(dx * uy - dy * ux)
        key = (0 if across <= along else 1, along + 2 * across, sid)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def _anchors(geometry: ViewGeometry, ids: Iterable[str]) -> dict[str, Point]:
    """Where the arrow keys see each structure: its label anchor, or, when an earlier
    structure already sits there (a caution zone around a vessel), its centroid, so that no
    two share a point and each can be reached."""
    points: dict[str, Point] = {}
    for sid in ids:
        shape = geometry.structures[sid]
        point = shape.anchor
        for candidate in (shape.anchor, shape.centroid):
            point = candidate
            if all(_far(candidate, other) for other in points.values()):
                break
        while not all(_far(point, other) for other in points.values()):
            point = (point[0] + 1.0, point[1] - 1.0)
        points[sid] = point
    return points


def _far(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) >= 1.0


@lru_cache(maxsize=64)
def arrow_moves(view: str, layers: tuple[str, ...] | None = None) -> dict[str, dict[str, str]]:
    """For each structure shown, where each arrow key goes (directions with nothing are left out).

    Each move is :func:`nearest_in_direction`; where that leaves a structure that no chain of
    arrow presses from the first one reaches (a small one hidden between bigger neighbours),
    the nearest reachable structure's move that way is pointed at it instead, as long as every
    structure stays reachable. Every move still goes strictly in its direction.
    """
    geometry = load_view(check_view(view))
    ids = visible_ids(geometry, check_layers(layers))
    points = _anchors(geometry, ids)
    moves: dict[str, dict[str, str]] = {}
    for sid in points:
        found = {d: nearest_in_direction(points, sid, d) for d in DIRECTIONS}
        moves[sid] = {d: target for d, target in found.items() if target is not None}
    if ids:
        _connect(moves, points, ids[0])
    return moves


def _reach(moves: Mapping[str, Mapping[str, str]], start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for there in moves[todo.pop()].values():
            if there not in seen:
                seen.add(there)
                todo.append(there)
    return seen


def _connect(moves: dict[str, dict[str, str]], points: Mapping[str, Point], start: str) -> None:
    """Re-point moves until every structure is reachable from ``start`` (or nothing helps)."""
    for _ in range(len(points)):
        reached = _reach(moves, start)
        missing = sorted(set(points) - reached)
        if not missing:
            return
        progress = False
        for lost in missing:
            lx, ly = points[lost]
            near = sorted(
                reached, key=lambda r: ((points[r][0] - lx) ** 2 + (points[r][1] - ly) ** 2, r)
            )
            for via in near:
                dx, dy = lx - points[via][0], ly - points[via][1]
                direction = (
                    ("right" if dx > 0 else "left")
                    if abs(dx) >= abs(dy)
                    else ("up" if dy > 0 else "down")
                )
                old = moves[via].get(direction)
                moves[via][direction] = lost
                if len(_reach(moves, start)) > len(reached):
                    progress = True
                    break
                if old is None:
                    del moves[via][direction]
                else:
                    moves[via][direction] = old
            if progress:
                break
        if not progress:
            return


# --- words -----------------------------------------------------------------------------------


def _name(sid: str) -> str:
    from course.content.loader import load_content

    return str(load_content().structures[sid].name)


def relation(view: str, offset: Point) -> str:
    """Where something lies relative to a neighbour, from the screen ``offset`` between them
    (e.g. ``"below and in front of"``): one word when one axis dominates (twice the other)."""
    axes = ui_text_map(f"spatial.axes.{check_view(view)}")
    dx, dy = offset
    horizontal = axes["right"] if dx > 0 else axes["left"]
    vertical = axes["up"] if dy > 0 else axes["down"]
    if abs(dy) >= 2 * abs(dx):
        return vertical
    if abs(dx) >= 2 * abs(dy):
        return horizontal
    return ui_text("spatial.both", first=vertical, second=horizontal)


def ui_text_map(key: str) -> dict[str, str]:
    """A mapping of words in ``ui.yaml`` (e.g. a view's axes)."""
    from course.content.text import lookup

    node = lookup("ui.yaml", key)
    return {str(k): str(v) for k, v in node.items()}


@cache
def _outline_points(view: str, sid: str) -> np.ndarray[Any, Any]:
    path = load_view(view).structures[sid].path
    rings = path.to_polygons(closed_only=False)
    return np.vstack(rings) if rings else np.asarray(path.vertices, dtype=float)


@cache
def _gap(view: str, a: str, b: str) -> float:
    """The shortest distance between two outlines (0 when one's anchor is inside the other)."""
    geometry = load_view(view)
    ga, gb = geometry.structures[a], geometry.structures[b]
    if gb.path.contains_point(ga.anchor) or ga.path.contains_point(gb.anchor):
        return 0.0
    pa, pb = _outline_points(view, a), _outline_points(view, b)
    return float(np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(axis=2)).min())


def neighbours(view: str, sid: str, ids: Sequence[str]) -> list[str]:
    """The structures of ``ids`` nearest to ``sid``, outline to outline, nearest first."""
    others = [o for o in ids if o != sid]
    key = {o: (_gap(view, *sorted((sid, o))), o) for o in others}
    return sorted(others, key=lambda o: key[o])


def ref(sid: str) -> str:
    """A structure as a sentence names it: "the Talus", "the light-touch-only zone behind the
    inner ankle bone"."""
    from course.content.loader import load_content

    s = load_content().structures[sid]
    if s.kind == "caution_zone" and ": " in s.name:
        return ui_text("spatial.zone", where=s.name.split(": ", 1)[1])
    return ui_text("spatial.ref", name=s.name)


def _area(view: str, sid: str) -> float:
    box = load_view(view).structures[sid].path.get_extents()
    return float(box.width * box.height)


def describe_place(view: str, sid: str, ids: Sequence[str]) -> str:
    """Where ``sid`` lies among ``ids``, without its own name: the caution zone it is in, the
    smallest structure it is drawn over, and its nearest neighbours in different directions
    (up to :data:`NEIGHBOURS` phrases in all); a caution zone says what runs in it."""
    from course.content.loader import load_content

    geometry = load_view(view)
    me = geometry.structures[sid]
    record = load_content().structures[sid]
    phrases: list[str] = []
    used: set[str] = set()
    if record.kind == "caution_zone" and record.contains:
        inside = [c for c in record.contains if c in ids]
        if inside:
            phrases.append(ui_text("spatial.around", ref=_joined([ref(c) for c in inside])))
            used.update(inside)
    holders = [
        o
        for o in ids
        if o != sid
        and geometry.structures[o].path.contains_point(me.anchor)
        and _area(view, o) > _area(view, sid)
    ]
    zones = [o for o in holders if load_content().structures[o].kind == "caution_zone"]
    if zones and record.kind not in _NOT_IN_ZONES:
        phrases.append(ui_text("spatial.inside", ref=ref(zones[0])))
        used.add(zones[0])
    lying_on = sorted((o for o in holders if o not in zones), key=lambda o: (_area(view, o), o))
    if lying_on:
        # which one is nearer the viewer is not in the geometry (drawing order is not depth)
        phrases.append(ui_text("spatial.over", ref=ref(lying_on[0])))
        used.add(lying_on[0])
    words: set[str] = set()
    nearby = [o for o in neighbours(view, sid, ids) if o not in used]
    for strict in (True, False):
        for other in nearby:
            if len(phrases) >= NEIGHBOURS:
                break
            them = geometry.structures[other]
            if other in used or me.path.contains_point(them.anchor):
                continue
            offset = (me.anchor[0] - them.anchor[0], me.anchor[1] - them.anchor[1])
            if offset == (0.0, 0.0):
                continue
            where = relation(view, offset)
            if strict and where in words:
                continue
            words.add(where)
            used.add(other)
            phrases.append(ui_text("spatial.place", where=where, ref=ref(other)))
    return ", ".join(phrases)


def _joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + ui_text("spatial.and") + items[-1]


def runs_text(sid: str) -> str:
    """What a ligament, tendon or muscle runs from and to (anatomy data), or ``""``."""
    from course.content.loader import load_content

    s = load_content().structures[sid]
    if not s.runs_to:
        return ""
    end = _joined([ref(t) for t in s.runs_to])
    if s.runs_from:
        return ui_text("spatial.runs_from_to", start=ref(s.runs_from), end=end)
    return ui_text("spatial.runs_to", end=end)


def _sentence(places: str, runs: str) -> str:
    if runs:
        return ui_text("spatial.description", places=places, runs=runs)
    return ui_text("spatial.description_places", places=places)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=96)
def spatial_descriptions(view: str, layers: tuple[str, ...] | None = None) -> dict[str, str]:
    """A short description of where each structure shown lies, e.g. "Below and in front of
    the Lateral malleolus, over the Talus; runs from the Lateral malleolus to the Talus."

    Neighbours are taken among the structures shown with these layers, so the description
    names only what the learner can also reach on the diagram. No description names its own
    structure, so the find-on-diagram quiz can use them.
    """
    geometry = load_view(check_view(view))
    ids = visible_ids(geometry, check_layers(layers))
    if len(ids) < 2:
        return {sid: _capitalised(_sentence("", runs_text(sid))) for sid in ids}
    return {
        sid: _capitalised(_sentence(describe_place(view, sid, ids), runs_text(sid))) for sid in ids
    }


def overview(view: str, count: int, quiz: bool = False) -> str:
    """One paragraph on the view: what it shows, how many structures, how to move."""
    geometry = load_view(check_view(view))
    keys = ui_text_map(f"spatial.keys.{view}")
    return ui_text(
        "spatial.overview_quiz" if quiz else "spatial.overview",
        title=geometry.title,
        orientation=geometry.orientation,
        count=count,
        **keys,
    )
