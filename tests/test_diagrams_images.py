"""Image comparison of the four views and a technique overlay against committed baselines.

After an intended change, regenerate with ``ANKLE_UPDATE_BASELINES=1`` set for this module
(then look at every new picture before committing it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from course.diagrams.geometry import VIEWS
from course.diagrams.render import render_png, render_technique_png

BASELINE = Path(__file__).parent / "baseline"
TOLERANCE = 2.0  # RMS over 0-255 grey levels: small, for anti-aliasing differences only


def _view(view: str) -> Callable[[], bytes]:
    return lambda: render_png(view, dpi=60)


CASES: list[tuple[str, Callable[[], bytes]]] = [(f"view_{v}", _view(v)) for v in VIEWS] + [
    ("technique_petrissage", lambda: render_technique_png("petrissage", dpi=60)),
    ("view_lateral_highlight", lambda: render_png("lateral", None, ["talus"], "highlighted", 60)),
]


@pytest.mark.parametrize(("name", "make"), CASES, ids=[c[0] for c in CASES])
def test_picture_matches_baseline(name: str, make: Callable[[], bytes], tmp_path: Path) -> None:
    expected = BASELINE / f"{name}.png"
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(make())
    if os.environ.get("ANKLE_UPDATE_BASELINES") == "1":
        assert os.environ.get("CI") != "true", "baselines are never rewritten in CI"
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"missing baseline {expected}; see this module's docstring"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result
