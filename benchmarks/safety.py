"""assess() throughput and CLI start time, each beside a floor measured in the same run.

No baseline a reader would use instead exists: nothing else implements the guide's safety
policy, so there is no competing tool to compare with, and no target is stated. The figures
beside are floors, not competitors: constructing a Situation alone (under any assess), and
starting a bare Python interpreter (under any console script). Exits 0 unless it cannot run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from course.safety import Situation, assess

CASES = [
    {},
    {"injury": "sprain", "hours_since_injury": 24, "swelling": "mild"},
    {"fever": True, "warmth": True, "redness": True},
    {"pain": 5, "blood_thinners": True, "varicose_veins": True},
    {"discomfort_days": 10, "improving": False, "sharp_pain_during": True},
]


def _per_second(work: Callable[[], object], seconds: float = 1.0) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            work()
        count += 200
    return count / elapsed


def _startup_ms(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    situations = [Situation(**case) for case in CASES]
    assess(situations[0])  # load the rules once
    index = iter(range(10**12))

    def one_assess() -> object:
        return assess(situations[next(index) % len(situations)])

    def one_situation() -> object:
        return Situation(**CASES[next(index) % len(CASES)])

    rate = _per_second(one_assess)
    baseline = _per_second(one_situation)
    print(
        f"assess(): {rate:,.0f} calls/s; floor, Situation(...) alone: {baseline:,.0f}/s; "
        f"ratio {rate / baseline:.2f}"
    )

    cli = _startup_ms([sys.executable, "-m", "course.cli", "assess", "--pain", "5", "--json"])
    bare = _startup_ms([sys.executable, "-c", "pass"])
    print(
        f"ankle-course assess start-to-exit: {cli:.0f} ms median; floor, bare python: "
        f"{bare:.0f} ms; ratio {cli / bare:.1f}x"
    )


if __name__ == "__main__":
    main()
