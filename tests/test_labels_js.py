"""The browser's label placement (static/labels.js, run in Node.js) agrees with Python's.

The explorer re-places its labels in the browser when a layer is switched
(course.diagrams.browser); the picture must be the one Python would draw for those layers.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.diagrams.browser import explorer_svg, label_geometry
from course.diagrams.draw import visible_ids
from course.diagrams.geometry import VIEWS, load_view
from course.diagrams.labels import LabelRequest, place_labels
from course.diagrams.palette import LAYERS
from course.widgets.frontend import STATIC

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def run_js(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """placeLabels of labels.js on each case, in one Node.js process."""
    script = (STATIC / "labels.js").read_text(encoding="utf-8") + (
        "\nconst cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "\nprocess.stdout.write(JSON.stringify(cases.map((c) =>"
        " placeLabels(c.requests, c.middle, c.lo, c.hi, c.step))));"
    )
    out = subprocess.run(
        [str(NODE), "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: list[list[dict[str, Any]]] = json.loads(out.stdout)
    return result


def python_places(case: dict[str, Any]) -> list[tuple[str, str, float]]:
    requests = [LabelRequest(r["key"], tuple(r["anchor"])) for r in case["requests"]]
    placed = place_labels(requests, case["middle"], case["lo"], case["hi"], case["step"])
    return sorted((p.key, p.side, p.y) for p in placed)


def js_places(placed: list[dict[str, Any]]) -> list[tuple[str, str, float]]:
    return sorted((p["key"], p["side"], p["y"]) for p in placed)


def assert_same(case: dict[str, Any], placed: list[dict[str, Any]]) -> None:
    want, got = python_places(case), js_places(placed)
    assert [(k, s) for k, s, _ in got] == [(k, s) for k, s, _ in want]
    for (_, _, y_js), (_, _, y_py) in zip(got, want, strict=True):
        assert y_js == pytest.approx(y_py, abs=1e-9)


def test_every_view_and_layer_set_places_labels_as_python_does() -> None:
    cases = []
    for view in VIEWS:
        geo = label_geometry(view)
        for n in range(1, len(LAYERS) + 1):
            for layers in itertools.combinations(LAYERS, n):
                ids = visible_ids(load_view(view), layers)
                requests = [{"key": sid, "anchor": geo["anchors"][sid]} for sid in ids]
                cases.append(
                    {**{k: geo[k] for k in ("middle", "lo", "hi", "step")}, "requests": requests}
                )
    assert len(cases) == len(VIEWS) * (2 ** len(LAYERS) - 1)
    for case, placed in zip(cases, run_js(cases), strict=True):
        assert_same(case, placed)


_coord = st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(_coord, _coord), min_size=0, max_size=40),
        min_size=1,
        max_size=8,
    ),
    st.floats(1, 8),
)
def test_random_anchors_are_placed_as_python_does(anchor_sets: list[Any], step: float) -> None:
    cases = [
        {
            "middle": 0.0,
            "lo": -40.0,
            "hi": 40.0,
            "step": step,
            "requests": [{"key": f"s{i:02d}", "anchor": list(a)} for i, a in enumerate(anchors)],
        }
        for anchors in anchor_sets
    ]
    for case, placed in zip(cases, run_js(cases), strict=True):
        assert_same(case, placed)


def test_the_geometry_maps_python_label_positions_onto_the_svg() -> None:
    """Every label's text in the all-layer SVG sits where ``to_svg`` puts Python's placement,
    one constant baseline shift below it: what the browser relies on to move labels."""
    for view in VIEWS:
        geo = label_geometry(view)
        sx, tx, sy, ty = geo["to_svg"]
        ids = visible_ids(load_view(view), LAYERS)
        requests = [LabelRequest(sid, tuple(geo["anchors"][sid])) for sid in ids]
        placed = place_labels(requests, geo["middle"], geo["lo"], geo["hi"], geo["step"])
        svg = explorer_svg(view)
        shifts = set()
        for p in placed:
            text = re.search(
                rf'<g id="label-{p.key}"[^>]*>\s*<text [^>]*x="([-\d.]+)" y="([-\d.]+)"', svg
            )
            assert text is not None, p.key
            column = geo["left_x"] if p.side == "left" else geo["right_x"]
            assert float(text.group(1)) == pytest.approx(sx * column + tx, abs=1e-3)
            shifts.add(round(float(text.group(2)) - (sy * p.y + ty), 3))
        assert len(shifts) == 1, (view, shifts)


def test_every_widget_module_parses(tmp_path: Any) -> None:
    """Each joined ES module (shared helpers + the widget's own) is valid JavaScript: a name
    declared twice across the joined files is a syntax error that only a browser would show."""
    from course.widgets.frontend import HELPERS, module

    helpers = {"shared.js", *(name for names in HELPERS.values() for name in names)}
    for script in sorted(STATIC.glob("*.js")):
        if script.name in helpers:  # joined into the widgets' modules, checked there
            continue
        joined = tmp_path / f"{script.stem}.mjs"
        joined.write_text(module(script.name), encoding="utf-8")
        checked = subprocess.run(
            [str(NODE), "--check", str(joined)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
