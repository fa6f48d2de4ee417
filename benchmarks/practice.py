"""Drawing a new practice case (``Practice.next_case()``): target <= 50 ms at p95.

Measured as a learner meets it: a practice whose templates are loaded, drawing a case after
each answer (the answers, which write the progress file, are not timed). The baseline, in the
same run, is one ``assess()`` of the case's situation: the least any feedback must cost.
Prints p50 and p95 and the ratio; exits 1 when the target is missed.

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
    p50, p95 = statistics.median(draws), statistics.quantiles(draws, n=20)[18]
    b95 = statistics.quantiles(baseline, n=20)[18]
    print(
        f"Practice.next_case(): p50 {p50:.2f} ms, p95 {p95:.2f} ms over {DRAWS} draws "
        f"(first Practice() with loading the templates: {first_ms:.0f} ms); baseline one "
        f"assess(): p95 {b95:.3f} ms; ratio {p95 / b95:.1f}x; target p95 <= {TARGET_MS:.0f} ms"
    )
    if p95 > TARGET_MS:
        print(f"MISSED: drawing a case took {p95:.1f} ms at p95 (> {TARGET_MS:.0f} ms)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
