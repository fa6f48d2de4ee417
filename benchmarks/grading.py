"""Benchmark: sequential ``nbgrader autograde`` versus ``ankle-course grade autograde --jobs 2``.

    .venv/bin/python benchmarks/grading.py [--submissions 30] [--jobs 2]

Builds a class of submissions of ``safety_scenarios`` (a seeded mix of right and wrong
answers), grades a copy with each tool on this machine, checks that every learner's score is
identical and prints both times and the ratio. Exits 1 if the scores differ.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "safety_scenarios"
BIN = Path(sys.executable).parent


def make_submissions(course: Path, count: int, seed: int = 6) -> list[str]:
    """Write ``count`` submissions with a seeded mix of answers into ``course/submitted``."""
    from course.grading.items import load_item_bank
    from course.loader import DECISION_ORDER

    bank = load_item_bank(course, ASSIGNMENT)
    decisions = DECISION_ORDER
    rng = random.Random(seed)
    released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    students = [f"learner{n:02d}" for n in range(count)]
    for student in students:
        nb = nbformat.read(released, as_version=4)
        skill = rng.uniform(0.4, 1.0)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("solution"):
                continue
            item = bank.item(meta["grade_id"].removesuffix("_answer"))
            answer = item.answer if rng.random() < skill else rng.choice(decisions)
            lines = [f'{item.id} = "{answer}"']
            refer = getattr(item, "refer", None)
            if getattr(item, "ask_refer", False):
                lines.append(f"{item.id}_refer = {refer if rng.random() < skill else not refer}")
            cell.source = "\n".join(lines)
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC")
    return students


def scores(course: Path, students: list[str]) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        return {s: float(gb.find_submission(ASSIGNMENT, s).score) for s in students}


def timed(command: list[str], cwd: Path) -> float:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from course.grading.course import Course
    from course.grading.release import release

    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        base = Path(tmp) / "nbgrader"
        shutil.copytree(
            ROOT / "grading",
            base,
            ignore=shutil.ignore_patterns(
                "release", "submitted", "autograded", "feedback", "gradebook.db", ".*"
            ),
        )
        release(Course.open(base), ASSIGNMENT)
        students = make_submissions(base, args.submissions)
        ours = Path(tmp) / "ankle"
        shutil.copytree(base, ours)

        sequential = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT], cwd=base)
        parallel = timed(
            [
                str(BIN / "ankle-course"),
                "grade",
                "--course-dir",
                str(ours),
                "autograde",
                ASSIGNMENT,
                "--jobs",
                str(args.jobs),
            ],
            cwd=ours,
        )
        reference, candidate = scores(base, students), scores(ours, students)

    same = reference == candidate
    print(f"submissions: {args.submissions}, cores: {os.cpu_count()}")
    print(
        f"nbgrader autograde (sequential): {sequential:.2f} s "
        f"({sequential / args.submissions:.2f} s/submission)"
    )
    print(
        f"ankle-course grade autograde --jobs {args.jobs}: {parallel:.2f} s "
        f"({parallel / args.submissions:.2f} s/submission)"
    )
    print(f"speed-up: {sequential / parallel:.2f}x (target >= 1.8x)")
    print(
        f"scores identical: {'yes' if same else 'NO'} "
        f"(mean {sum(reference.values()) / len(reference):.2f})"
    )
    if not same:
        for student in students:
            if reference[student] != candidate[student]:
                print(f"  {student}: nbgrader {reference[student]} vs ours {candidate[student]}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
