"""Atlas-style labels: two columns beside the drawing, leader lines, never overlapping.

Each label goes to the column on its anchor's side; a column that would overflow hands its
labels nearest the middle to the other column. Within a column the label heights are the
least-squares closest positions to their anchors that keep one line height apart (isotonic
regression by pool-adjacent-violators), clipped to the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

__all__ = ["LabelRequest", "PlacedLabel", "place_labels", "text_width_pt"]


@dataclass(frozen=True)
class LabelRequest:
    key: str
    anchor: tuple[float, float]


@dataclass(frozen=True)
class PlacedLabel:
    key: str
    anchor: tuple[float, float]
    side: str  # "left" or "right"
    y: float


@cache
def text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` in points at ``size`` (DejaVu Sans, as the diagrams use)."""
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    return float(TextPath((0, 0), text, size=size, prop=prop).get_extents().width)


def _isotonic(values: Sequence[float]) -> list[float]:
    """Non-decreasing least-squares fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    out: list[float] = []
    for mean, weight in blocks:
        out += [mean] * int(weight)
    return out


def _column(requests: list[LabelRequest], lo: float, hi: float, step: float) -> list[float]:
    """Heights for labels sorted by anchor height (ascending), ``step`` apart, in [lo, hi]."""
    n = len(requests)
    shifted = [r.anchor[1] - i * step for i, r in enumerate(requests)]
    fitted = _isotonic(shifted)
    top = hi - (n - 1) * step
    clipped = [min(max(q, lo), max(top, lo)) for q in fitted]
    return [q + i * step for i, q in enumerate(clipped)]


def place_labels(
    requests: Sequence[LabelRequest], middle: float, lo: float, hi: float, step: float
) -> list[PlacedLabel]:
    """Place labels left or right of ``middle`` (an x), between heights ``lo`` and ``hi``."""
    capacity = max(1, int((hi - lo) // step) + 1)
    by_x = sorted(requests, key=lambda r: (r.anchor[0], r.key))
    # Anchors left of the middle go left, but no column takes more than its share.
    share = (len(by_x) + 1) // 2
    n_left = min(sum(1 for r in by_x if r.anchor[0] < middle), share)
    n_left = max(n_left, len(by_x) - share)
    left, right = by_x[:n_left], by_x[n_left:]
    # Overflow: move the labels whose anchors are nearest the middle across.
    while len(left) > capacity and len(right) < capacity:
        left.sort(key=lambda r: r.anchor[0])
        right.append(left.pop())
    while len(right) > capacity and len(left) < capacity:
        right.sort(key=lambda r: -r.anchor[0])
        left.append(right.pop())
    placed: list[PlacedLabel] = []
    for side, group in (("left", left), ("right", right)):
        group.sort(key=lambda r: (r.anchor[1], r.key))
        for request, y in zip(group, _column(group, lo, hi, step), strict=True):
            placed.append(PlacedLabel(request.key, request.anchor, side, y))
    return placed
