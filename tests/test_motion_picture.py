"""The range-of-motion picture at every angle its slider can take: nothing drawn outside the
picture, and the range labels clear of every bone and of each other (course.diagrams.motion,
motion_layout)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import matplotlib
import pytest
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Arc, PathPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from course.diagrams.draw import RC
from course.diagrams.motion import TYPICAL, draw_motion, motion_figure
from course.diagrams.motion_layout import motion_layout
from course.widgets.logic import RANGES

EDGE_PX = 0.5  # anti-aliasing


def _extent(artist: Artist, renderer: Any) -> Bbox:
    """Where ``artist`` reaches on the picture (pixels); for an outline, the box of its
    control points, which holds its curves."""
    if isinstance(artist, Arc):  # its window extent is the whole ellipse's
        path = Path.arc(artist.theta1, artist.theta2)
    elif isinstance(artist, PathPatch):
        path = artist.get_path()
    else:
        return artist.get_window_extent(renderer)
    return Bbox.null().from_extents(*_corners(path.transformed(artist.get_transform())))


def _corners(path: Path) -> tuple[float, float, float, float]:
    (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
    return x0, y0, x1, y1


def _holds(outer: Bbox, inner: Bbox) -> bool:
    return bool(outer.x0 <= inner.x0 <= inner.x1 <= outer.x1) and bool(
        outer.y0 <= inner.y0 <= inner.y1 <= outer.y1
    )


def _every_angle(movement: str) -> Iterator[tuple[int, Figure, list[Artist], Any]]:
    """The picture drawn at each whole degree of the range (one figure, drawn afresh)."""
    low, high = TYPICAL[movement]
    with matplotlib.rc_context(RC):
        fig, ax = motion_figure(movement, dpi=72)
        FigureCanvasAgg(fig)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        for degrees in range(low, high + 1):
            for old in [*ax.patches, *ax.lines, *ax.texts, *ax.artists]:
                old.remove()
            draw_motion(ax, movement, degrees)
            yield degrees, fig, [*ax.patches, *ax.lines, *ax.texts, *ax.artists], renderer


def test_the_picture_turns_through_the_sliders_whole_range() -> None:
    assert {m: tuple(v) for m, v in TYPICAL.items()} == RANGES


@pytest.mark.parametrize("movement", sorted(TYPICAL))
def test_every_angle_is_drawn_whole_inside_the_picture_with_its_labels_clear(
    movement: str,
) -> None:
    for degrees, fig, artists, renderer in _every_angle(movement):
        inside = fig.bbox.padded(EDGE_PX)
        for artist in artists:
            extent = _extent(artist, renderer)
            assert _holds(inside, extent), (
                f"{movement} at {degrees}°: {artist.get_gid()} {extent.bounds} is outside the "
                f"picture {fig.bbox.bounds}"
            )
        texts = [a for a in artists if isinstance(a, Text)]
        bones = [a for a in artists if isinstance(a, PathPatch)]
        assert len(texts) == 2
        assert len(bones) >= 5
        labels = [text.get_window_extent(renderer) for text in texts]
        assert not labels[0].overlaps(labels[1]), f"{movement} at {degrees}°: labels overlap"
        for text, box in zip(texts, labels, strict=True):
            for bone in bones:
                outline = bone.get_path().transformed(bone.get_transform())
                assert not outline.intersects_bbox(box, filled=True), (
                    f"{movement} at {degrees}°: {text.get_gid()} lies on {bone.get_gid()}"
                )


@pytest.mark.parametrize("movement", sorted(TYPICAL))
def test_each_range_label_names_its_end_and_stands_near_it(movement: str) -> None:
    """The label of each end says its degrees; it stands at its ray's end or, where the
    bones reach that far at some angle, a leader line leads from the end to it."""
    layout = motion_layout(movement)
    assert [label.value for label in layout.labels] == list(TYPICAL[movement])
    for label in layout.labels:
        assert f"{abs(label.value)}°" in label.text
        if label.leader is not None:
            (x0, y0), (x1, y1) = label.leader
            assert ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 < 80  # mm
