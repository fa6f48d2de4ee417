"""Kernel-side cost of the ankle diagrams, against a plain ipympl figure of the same drawing.

Run: ``.venv/bin/python benchmarks/diagrams.py`` (about a minute). Prints p50/p95 in
milliseconds for a cold view render (nothing cached), a cached view change and a selection
change, the same three for ipympl (which must redraw and re-encode its canvas for any visual
change), the ratios, and the memory growth of opening and closing 20 explorers.

Targets (issue 4): selection < 1 ms, cached view change < 5 ms, cold render <= 150 ms,
20 explorers open/close < 50 MB. No browser here: widget messages go to ipywidgets' dummy
comm, so this measures exactly the kernel's share. Browser latency: benchmarks/browser_latency.py.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import gc
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib

matplotlib.use("Agg")

TARGETS = {"cold": 150.0, "view": 5.0, "select": 1.0}
MISSED: list[str] = []  # the targets this run missed


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(
    action: Callable[[], object], repeats: int, before: Callable[[], object] | None = None
) -> list[float]:
    samples = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def row(label: str, samples: list[float], target: float | None = None) -> tuple[float, float]:
    p50, p95 = percentiles(samples)
    verdict = "" if target is None else ("  ok" if p95 < target else "  OVER TARGET")
    if target is not None and p95 >= target:
        MISSED.append(label)
    goal = "" if target is None else f"  (target p95 < {target:g} ms)"
    print(f"  {label:<34} p50 {p50:8.3f} ms   p95 {p95:8.3f} ms{goal}{verdict}")
    return p50, p95


def main() -> int:
    start = time.perf_counter()
    from course.diagrams import render
    from course.diagrams.draw import RC, draw_view, new_figure
    from course.diagrams.geometry import VIEWS
    from course.widgets import AnkleExplorer
    from course.widgets import explorer as explorer_module

    render.render_svg("lateral")
    print(
        f"first render in a fresh process (imports, content, fonts): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    views = itertools.cycle(VIEWS)

    def clear() -> None:
        render.clear_caches()
        explorer_module._view_data.cache_clear()

    print("\nankle-course (SVG cached per view and layer set, selection in the browser)")
    cold = row(
        "cold view render (SVG)",
        timed(lambda: render.render_svg(next(views)), 40, clear),
        TARGETS["cold"],
    )
    explorer = AnkleExplorer("lateral")
    for view in VIEWS:  # fill the cache
        explorer.view = view
    order = itertools.cycle(VIEWS)
    view_change = row(
        "cached view change",
        timed(lambda: setattr(explorer, "view", next(order)), 400),
        TARGETS["view"],
    )
    explorer.view = "lateral"
    ids = itertools.cycle([*explorer.visible_ids, None])
    select = row(
        "selection change",
        timed(lambda: setattr(explorer, "selected", next(ids)), 2000),
        TARGETS["select"],
    )
    explorer.close()

    print("\nplain ipympl, same figure (every visual change redraws and re-encodes the canvas)")
    from ipympl.backend_nbagg import new_figure_manager_given_figure

    counter = itertools.count(1)

    def ipympl_figure(view: str) -> tuple[object, object, object]:
        with matplotlib.rc_context(RC):
            fig, ax = new_figure(view)
            drawn = draw_view(ax, view)
            manager = new_figure_manager_given_figure(next(counter), fig)
            manager.canvas.draw()
            manager.canvas.get_diff_image()
        return manager, ax, drawn

    managers = []
    ip_cold = row(
        "cold view render (canvas)", timed(lambda: managers.append(ipympl_figure(next(views))), 20)
    )
    for manager, _ax, _drawn in managers:
        manager.canvas.close()
    manager, ax, drawn = ipympl_figure("lateral")
    canvas = manager.canvas
    state = {"drawn": drawn}

    def ipympl_view() -> None:
        with matplotlib.rc_context(RC):
            ax.clear()
            ax.set_axis_off()
            state["drawn"] = draw_view(ax, next(order))
            canvas.draw()
            canvas.get_diff_image()

    ip_view = row("view change (redraw)", timed(ipympl_view, 40))
    with matplotlib.rc_context(RC):
        ax.clear()
        ax.set_axis_off()
        state["drawn"] = draw_view(ax, "lateral")
    patches = state["drawn"].patches
    sids = itertools.cycle(patches)

    def ipympl_select() -> None:
        chosen = next(sids)
        for sid, patch in patches.items():
            patch.set_alpha(1.0 if sid == chosen else 0.35)
            patch.set_linewidth(2.6 if sid == chosen else 0.9)
        canvas.draw()
        canvas.get_diff_image()

    ip_select = row("selection change (redraw)", timed(ipympl_select, 60))
    canvas.close()

    print("\nratios (ipympl / ankle-course, p50)")
    print(f"  cold render        {ip_cold[0] / cold[0]:8.1f}x")
    print(f"  view change        {ip_view[0] / view_change[0]:8.1f}x")
    print(f"  selection change   {ip_select[0] / select[0]:8.1f}x")

    print("\nmemory: open and close 20 explorers in one kernel")
    clear()
    gc.collect()
    before = rss_mb()
    opened = [AnkleExplorer(v) for v, _ in zip(itertools.cycle(VIEWS), range(20), strict=False)]
    peak = rss_mb()
    for widget in opened:
        widget.close()
    del opened
    gc.collect()
    after = rss_mb()
    growth = after - before
    verdict = "ok" if growth < 50 else "OVER TARGET"
    if growth >= 50:
        MISSED.append("memory growth")
    print(f"  RSS before {before:.1f} MB, with 20 open {peak:.1f} MB, after closing {after:.1f} MB")
    print(f"  growth {growth:.1f} MB (target < 50 MB) {verdict}")
    if MISSED:
        print(f"missed: {', '.join(MISSED)}")
    return 1 if MISSED else 0


if __name__ == "__main__":
    sys.exit(main())
