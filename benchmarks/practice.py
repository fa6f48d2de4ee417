"""Drawing a new practice case (``Practice.next_case()``): target <= 50 ms at p95.

Measured as a learner meets it: a practice whose templates are loaded, drawing a case after
each answer (the answers, which write the progress file, are not timed). The baseline, in the
same run, is one ``assess()`` of the case's situation: the least any feedback must cost.
Then the same through the widget, as the kernel runs it on *Next case*
(``PracticeCases.next_case()``: the draw, the story, the announcement and the mastery table
set on the widget; no browser). Prints p50 and p95 and the ratios; exits 1 when either misses
the target.

Run: ``.venv/bin/python benchmarks/practice.py`` (``make bench`` runs it too).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 50.0
DRAWS = 300


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ANKLE_COURSE_PROGRESS"] = str(Path(folder) / "progress.json")
        from course.practice import Practice
        from course.progress.store import ProgressStore
        from course.safety import assess

        start = time.perf_counter()
        practice = Practice("bench", ProgressStore(Path(folder) / "progress.json"))
        first_ms = _ms(start)
        draws, baseline = [], []
        for number in range(DRAWS):
            start = time.perf_counter()
            case = practice.next_case()
            draws.append(_ms(start))
            start = time.perf_counter()
            result = assess(case.situation)
            baseline.append(_ms(start))
            right = number % 4 != 0
            decision = result.decision.value if right else None
            practice.answer(case.id, decision, result.refer if case.asks_refer else None)
        widget_draws = _widget_draws(Path(folder) / "widget.json")
    p50, p95 = statistics.median(draws), statistics.quantiles(draws, n=20)[18]
    b95 = statistics.quantiles(baseline, n=20)[18]
    w50, w95 = statistics.median(widget_draws), statistics.quantiles(widget_draws, n=20)[18]
    print(
        f"Practice.next_case(): p50 {p50:.2f} ms, p95 {p95:.2f} ms over {DRAWS} draws "
        f"(first Practice() with loading the templates: {first_ms:.0f} ms); baseline one "
        f"assess(): p95 {b95:.3f} ms; ratio {p95 / b95:.1f}x; target p95 <= {TARGET_MS:.0f} ms"
    )
    print(
        f"PracticeCases.next_case() (the widget's Next case in the kernel): p50 {w50:.2f} ms, "
        f"p95 {w95:.2f} ms over {DRAWS} draws; ratio to the baseline {w95 / b95:.1f}x; "
        f"target p95 <= {TARGET_MS:.0f} ms"
    )
    measured = (("drawing", p95), ("the widget's draw", w95))
    missed = [(name, p) for name, p in measured if p > TARGET_MS]
    for name, p in missed:
        print(f"MISSED: {name} took {p:.1f} ms at p95 (> {TARGET_MS:.0f} ms)")
    return 1 if missed else 0


def _widget_draws(path: Path) -> list[float]:
    """``PracticeCases.next_case()`` after each checked answer (the checks are not timed)."""
    from course.practice import DONT_KNOW
    from course.progress.store import ProgressStore
    from course.safety import assess
    from course.widgets.practice import PracticeCases

    widget = PracticeCases("bench-widget", ProgressStore(path))
    times = []
    for number in range(DRAWS):
        case = widget.case
        assert case is not None
        result = assess(case.situation)
        right = number % 4 != 0
        widget.choose(result.decision.value if right else DONT_KNOW, result.refer)
        widget.check()
        start = time.perf_counter()
        widget.next_case()
        times.append(_ms(start))
    return times


if __name__ == "__main__":
    sys.exit(main())
