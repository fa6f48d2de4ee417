"""Click-to-pixels latency of the course diagrams in a real browser, against plain ipympl.

Starts a real JupyterLab (temporary folder, free port, token) and Debian's Chromium, opens a
notebook holding the course's AnkleExplorer and a plain ipympl figure of the same kind, and
measures, 30 times each, the time from the learner's input (the pointerdown or keydown event)
to the first animation frame after the change is visible (new SVG markup or new canvas pixels).
Prints p50 and p95 in ms; exits 1 when a course target is missed.

Target: every change within two frames, p95 <= 33 ms (selection, view change, layer toggle;
issue 25). The plain ipympl figure is the baseline: every change there is a kernel round trip
and a new PNG. The course's changes need no kernel round trip: the browser switches views,
layers and labels itself (course.diagrams.browser).

The floor, measured in the same page by the same probe: a plain HTML button that does nothing
but switch one attribute of its own, clicked and pressed with Enter. No change can be quicker
than that on this machine and browser; where the floor itself misses two frames at p95, so
must every change, whatever the page does (a loaded machine drops frames).

``--slowdown N`` runs the page's CPU N times slower (Chromium's CPU throttling; the floor is
throttled too): what a slower learner's computer would see, i.e. the margin the course has.

Run: ``.venv/bin/python benchmarks/browser_latency.py [--slowdown 2]`` (``make bench`` runs it
too, unthrottled).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests" / "browser"), str(REPO / "tests")]  # harness, local_services

import harness  # noqa: E402
import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook  # noqa: E402
from notebook_ui import NOTEBOOK, error_outputs, open_notebook, run_all_cells  # noqa: E402

PROBE_JS = (REPO / "tests" / "browser" / "latency.js").read_text(encoding="utf-8")

# The baseline: the same kind of figure drawn by plain ipympl. A click on the canvas selects
# the shape under it (a matplotlib pick in the kernel, then a redraw); the view buttons swap
# the shapes. Both mean a kernel round trip and a new PNG, which is what the course avoids.
BASELINE = """\
%matplotlib widget
import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse

plt.ioff()
fig, ax = plt.subplots(figsize=(5, 4))
fig.subplots_adjust(0, 0, 1, 1)
fig.canvas.header_visible = False
fig.canvas.toolbar_visible = False
SHAPES = {
    "lateral": [(0.3, 0.5, 0.3, 0.4, "#0072B2"), (0.7, 0.5, 0.3, 0.4, "#E69F00")],
    "medial": [(0.3, 0.5, 0.3, 0.4, "#009E73"), (0.7, 0.5, 0.3, 0.4, "#CC79A7")],
}
patches = []

def draw(view):
    ax.clear()
    patches.clear()
    for x, y, w, h, color in SHAPES[view]:
        patches.append(ax.add_patch(Ellipse((x, y), w, h, color=color)))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    fig.canvas.draw_idle()

def select(event):
    for patch in patches:
        hit = patch.contains(event)[0]
        patch.set_edgecolor("black" if hit else patch.get_facecolor())
        patch.set_linewidth(5 if hit else 0)
    fig.canvas.draw_idle()

fig.canvas.mpl_connect("button_press_event", select)
baseline_view = widgets.ToggleButtons(options=list(SHAPES), description="Baseline view")
baseline_view.observe(lambda change: draw(change["new"]), names="value")
draw("lateral")
widgets.VBox([baseline_view, fig.canvas], layout={"border": "1px solid #ccc"})
"""
BASELINE_BOX = f"{NOTEBOOK} .widget-vbox:has(.jupyter-matplotlib)"
BASELINE_CANVAS = f"{BASELINE_BOX} .jupyter-matplotlib-canvas-div canvas"

REPETITIONS = 30
# Resolves once what the page changed before is painted (the start of the second frame from
# now), then at a random moment within a frame (0-17 ms later), as a learner's next key press
# is: right after a frame starts, a change would have the whole frame to itself.
PAINTED_JS = """() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(r, Math.random() * 17))))"""
TWO_FRAMES_MS = 33.0


@dataclass
class Result:
    label: str
    samples: list[float]
    target: float | None
    kind: str = "baseline"  # what a result without a target is: a baseline or the floor

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def ok(self) -> bool:
        return self.target is None or self.p95 <= self.target

    def line(self) -> str:
        verdict = self.kind if self.target is None else f"target p95 <= {self.target:.0f}"
        if self.target is not None:
            verdict += ": met" if self.ok else ": MISSED"
        return f"{self.label:<44} {self.p50:7.1f} {self.p95:7.1f}   {verdict}"


def latency_notebook(course_cells: list[str]) -> str:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [new_markdown_cell("# Browser latency benchmark")]
    nb.cells += [new_code_cell(source) for source in course_cells]
    nb.cells.append(new_code_cell(BASELINE))
    return str(nbformat.writes(nb))


def measure(
    page: Any,
    label: str,
    spec: dict[str, Any],
    act: Callable[[int], None],
    target: float | None,
    repetitions: int = REPETITIONS,
    prepare: Callable[[int], None] | None = None,
    verify: Callable[[int], None] | None = None,
) -> Result:
    """Arm the probe, perform ``act(i)`` (a real click or key press), collect input-to-pixels.

    Each input is made once the last change is painted (the repetition before, or
    ``prepare(i)``, e.g. the arrow key that moves the focus to the structure Enter will
    select), at a random moment within a frame: as a learner sees the focus move before
    pressing Enter. Playwright would otherwise press the next key within a millisecond of the
    last change being shown, while the browser still rasterises it, and time that work too."""
    samples = []
    for i in range(repetitions + 1):
        if prepare is not None:
            prepare(i)
        page.evaluate(PAINTED_JS)
        page.evaluate("(spec) => { window.__ankleRun = window.__ankleLatency.arm(spec); }", spec)
        act(i)
        result = page.evaluate("() => window.__ankleRun")
        if result.get("timeout"):
            raise RuntimeError(f"{label}: no change on screen within 10 s (repetition {i})")
        if verify is not None:
            verify(i)  # the change seen is the one asked for (e.g. the new view's picture)
        if i > 0:  # the first repetition warms caches and is not counted
            samples.append(float(result["t1"] - result["t0"]))
    return Result(label, samples, target)


def baseline_measurements(page: Any, repetitions: int) -> list[Result]:
    canvas = page.locator(BASELINE_CANVAS).first
    canvas.scroll_into_view_if_needed()
    # ipympl acts on the canvas's pointerdown; ToggleButtons on click
    spec = {"kind": "canvas", "target": BASELINE_CANVAS, "on": ["pointerdown"]}

    def click_shape(i: int) -> None:
        box = canvas.bounding_box()
        x = box["x"] + box["width"] * (0.3 if i % 2 else 0.7)
        page.mouse.click(x, box["y"] + box["height"] * 0.5)

    buttons = page.locator(f"{BASELINE_BOX} .widget-toggle-button")
    n = repetitions

    def switch_view(i: int) -> None:
        buttons.nth((i + 1) % 2).click()

    return [
        measure(page, "baseline ipympl: select (click on canvas)", spec, click_shape, None, n),
        measure(
            page,
            "baseline ipympl: view change (button)",
            {**spec, "on": ["click"]},
            switch_view,
            None,
            n,
        ),
    ]


# The floor: a button laid over the page that only switches one attribute of its own.
FLOOR_JS = """() => {
  if (document.getElementById('latency-floor')) return;
  const host = document.createElement('div');
  host.id = 'latency-floor';
  host.style.cssText = 'position: fixed; top: 8px; right: 8px; z-index: 10000';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'floor';
  button.dataset.n = '0';
  button.addEventListener('click', () => {
    button.dataset.n = String(Number(button.dataset.n) + 1);
  });
  host.append(button);
  document.body.append(host);
}"""


def floor_measurements(page: Any, repetitions: int) -> list[Result]:
    page.evaluate(FLOOR_JS)
    button = page.locator("#latency-floor button")
    count = {"n": 0}

    def switched(_i: int) -> None:
        count["n"] += 1
        if button.get_attribute("data-n") != str(count["n"]):
            raise RuntimeError("the floor button did not switch")

    def focus(i: int) -> None:
        if i == 0:
            button.focus()

    target = "#latency-floor"
    results = [
        measure(
            page,
            "floor: plain button (click)",
            {"kind": "dom", "target": target, "on": ["click"]},
            lambda _i: button.click(),
            None,
            repetitions,
            verify=switched,
        ),
        measure(
            page,
            "floor: plain button (keyboard, Enter)",
            {"kind": "dom", "target": target, "on": ["keydown"]},
            lambda _i: page.keyboard.press("Enter"),
            None,
            repetitions,
            focus,
            switched,
        ),
    ]
    return [replace(result, kind="floor") for result in results]


COURSE = """\
from course.widgets import AnkleExplorer

AnkleExplorer(view="lateral")
"""


def clickable_pair(page: Any, scope: str) -> tuple[str, str]:
    """Two structures whose centres a mouse click reaches (not covered by another one)."""
    from notebook_ui import structure

    ids = page.eval_on_selector_all(
        f"{scope} g.structure[data-structure]", "(gs) => gs.map(g => g.dataset.structure)"
    )
    found: list[str] = []
    for sid in ["anterior_talofibular_ligament", "lateral_malleolus", *ids]:
        try:
            structure(page, scope, sid).click(trial=True, timeout=500)
        except Exception:  # covered by another structure: try the next one
            continue
        if sid not in found:
            found.append(sid)
        if len(found) == 2:
            return found[0], found[1]
    raise RuntimeError("no two clickable structures in the explorer")


def course_measurements(page: Any, repetitions: int) -> list[Result]:
    from notebook_ui import cell_output, mark_scope, structure

    from course.diagrams.geometry import load_view

    n = repetitions
    explorer = cell_output(page, "AnkleExplorer(")
    scope = mark_scope(explorer, "latency-explorer")
    figure = f"{scope} .ankle-figure"
    shown_svg = f"{figure} > .is-shown svg"  # the view shown (the others stay laid out, hidden)
    # t0 is the input event that makes the change: a structure is selected and a check box
    # toggles on click (not on pointerdown), the keyboard acts on keydown.
    on_click = {"kind": "dom", "target": figure, "on": ["click"]}
    on_key = {"kind": "dom", "target": figure, "on": ["keydown"]}
    page.locator(shown_svg).wait_for()
    explorer.scroll_into_view_if_needed()
    pair = clickable_pair(page, scope)

    def click_structure(i: int) -> None:
        structure(page, scope, pair[i % 2]).click()

    def focus_next(i: int) -> None:
        if i == 0:
            structure(page, scope, "tibia").focus()
        else:  # the arrow keys move in space: right and back left always move the focus
            page.keyboard.press("ArrowRight" if i % 2 else "ArrowLeft")

    def press_enter(_i: int) -> None:
        page.keyboard.press("Enter")

    view_menu = explorer.get_by_label("View", exact=True)

    def focus_view(i: int) -> None:
        if i == 0:
            view_menu.focus()

    def arrow_view(i: int) -> None:
        page.keyboard.press("ArrowDown" if i % 2 == 0 else "ArrowUp")

    from course.content.text import ui_text
    from course.diagrams.draw import visible_ids
    from course.diagrams.palette import LAYERS

    boxes = {
        layer: explorer.get_by_label(ui_text(f"layers.{layer}"), exact=True) for layer in LAYERS
    }

    def toggle_layer(_i: int) -> None:
        boxes["ligaments"].click()

    def layers_shown(_i: int) -> None:
        layers = [layer for layer in LAYERS if boxes[layer].is_checked()]
        view = (
            "medial"
            if titles["medial"] == page.locator(f"{shown_svg} > title").first.text_content()
            else "lateral"
        )
        want = set(visible_ids(load_view(view), layers))
        shown = set(
            page.eval_on_selector_all(
                f"{shown_svg} g.structure[data-structure]:not(.is-off)",
                "(gs) => gs.map(g => g.dataset.structure)",
            )
        )
        if shown != want:
            raise RuntimeError(f"layers {layers}: the picture shows {sorted(shown ^ want)} wrongly")

    def selected(sid: str) -> None:
        classes = structure(page, scope, sid).get_attribute("class") or ""
        if "is-selected" not in classes:
            raise RuntimeError(f"{sid} was not selected")

    def clicked(i: int) -> None:
        selected(pair[i % 2])

    def entered(_i: int) -> None:
        selected(page.evaluate("() => document.activeElement.dataset.structure"))

    titles = {view: load_view(view).title for view in ("lateral", "medial")}

    def view_shown(i: int) -> None:
        want = titles["medial" if i % 2 == 0 else "lateral"]
        shown = page.locator(f"{shown_svg} > title").first.text_content()
        if shown != want:
            raise RuntimeError(f"the picture shows {shown!r}, not {want!r}")

    goal = TWO_FRAMES_MS
    return [
        measure(
            page,
            "course: select (click on a structure)",
            on_click,
            click_structure,
            goal,
            n,
            verify=clicked,
        ),
        measure(
            page,
            "course: select (keyboard, Enter)",
            on_key,
            press_enter,
            goal,
            n,
            focus_next,
            entered,
        ),
        measure(
            page,
            "course: view change (View menu, arrow key)",
            on_key,
            arrow_view,
            goal,
            n,
            focus_view,
            view_shown,
        ),
        measure(
            page,
            "course: layer toggle (click a checkbox)",
            on_click,
            toggle_layer,
            goal,
            n,
            verify=layers_shown,
        ),
    ]


def run(repetitions: int, keep: bool, slowdown: float = 1.0) -> int:
    files = {"latency.ipynb": latency_notebook([COURSE])}
    results: list[Result] = []
    started = time.monotonic()
    with harness.lab_session("ankle-latency-", files, keep=keep) as lab:
        page = lab.page
        if slowdown != 1.0:  # a slower learner's machine: the page's own work takes longer
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.add_init_script(PROBE_JS)
        open_notebook(page, lab.server, "latency.ipynb")
        run_all_cells(page)
        errors = error_outputs(page)
        if errors:
            raise RuntimeError("the benchmark notebook failed:\n" + "\n".join(errors))
        page.wait_for_selector(BASELINE_CANVAS)
        results += course_measurements(page, repetitions)
        results += baseline_measurements(page, repetitions)
        results += floor_measurements(page, repetitions)
        version = lab.browser.version
    slower = f", the page's CPU {slowdown:g} times slower" if slowdown != 1.0 else ""
    print(
        f"Browser latency, input event to updated pixels, {repetitions} repetitions each "
        f"(Chromium {version}, JupyterLab{slower}, {time.monotonic() - started:.0f} s)"
    )
    print(f"{'':<44} {'p50 ms':>7} {'p95 ms':>7}")
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=REPETITIONS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary lab folder")
    parser.add_argument(
        "--slowdown",
        type=float,
        default=1.0,
        metavar="N",
        help="run the page's CPU N times slower (Chromium's CPU throttling), as a slower "
        "learner's computer would: the margin the course has (default 1, not throttled)",
    )
    args = parser.parse_args()
    if args.slowdown < 1:
        parser.error("--slowdown must be 1 or more")
    return run(args.repetitions, args.keep, args.slowdown)


if __name__ == "__main__":
    sys.exit(main())
