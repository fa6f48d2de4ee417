"""Benchmark: plain ``nbgrader autograde`` (executing) versus ``ankle-course grade autograde``.

    .venv/bin/python benchmarks/grading.py [--submissions 30] [--large 300] [--jobs 2]

Builds a class of submissions of ``safety_scenarios`` (a seeded mix of right and wrong
answers) and grades copies of it on this machine, in one run:

1. sequential plain ``nbgrader autograde`` with nbgrader's own pipeline, which executes every
   notebook in a kernel (what the course ran before static marking), on ``--submissions``;
2. ``ankle-course grade autograde --jobs 1`` (static marking, no kernel, one worker) and
   ``--jobs N`` on the same ones, so the speed-up of the design (``--jobs 1`` against
   nbgrader) and of the parallel workers (``--jobs N`` against ``--jobs 1``) show apart;
3. ``ankle-course grade autograde --jobs N`` on ``--large`` submissions.

Prints the times, the speed-up (target >= 10x with ``--jobs N``), the large run's time
(target <= 30 s on 2 cores) and the peak memory of each run (summed over the process tree,
sampled), and checks that every learner's score is identical across the tools and equal to the
score expected from the answers written. Exits 1 if any score differs or a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "safety_scenarios"
BIN = Path(sys.executable).parent

#: nbgrader's own autograde pipeline (executing), as the course directory had it before.
BASELINE_CONFIG = """
# benchmark baseline: nbgrader's default autograde pipeline, executing every notebook
from nbconvert.preprocessors import ClearMetadataPreprocessor as _ClearMetadata
from nbgrader import preprocessors as _pp

c.Autograde.sanitize_preprocessors = [
    _pp.ClearOutput, _pp.DeduplicateIds, _pp.OverwriteKernelspec, _pp.OverwriteCells,
    _pp.CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    _pp.Execute, _pp.IgnorePattern, _ClearMetadata, _pp.LimitOutput, _pp.SaveAutoGrades,
    _pp.AssignLatePenalties, _pp.CheckCellMetadata,
]
c.Execute.timeout = 10
c.Execute.startup_timeout = 60
"""


def make_submissions(course: Path, count: int, seed: int = 6) -> dict[str, float]:
    """Write ``count`` submissions with a seeded mix of answers; returns the expected scores."""
    from course.grading.items.bank import load_item_bank
    from course.safety.decisions import DECISION_ORDER

    bank = load_item_bank(course, ASSIGNMENT)
    gradeables = {g.variable: g for g in bank.gradeables}
    rng = random.Random(seed)
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    expected: dict[str, float] = {}
    for n in range(count):
        student = f"learner{n:03d}"
        nb = nbformat.from_dict(released)
        skill = rng.uniform(0.4, 1.0)
        score = 0.0
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("solution"):
                continue
            item = bank.item(meta["grade_id"].removesuffix("_answer"))
            answer = item.answer if rng.random() < skill else rng.choice(DECISION_ORDER)
            lines = [f'{item.id} = "{answer}"']
            score += gradeables[item.id].points if answer == item.answer else 0.0
            if getattr(item, "ask_refer", False):
                refer = getattr(item, "refer", None)
                given = refer if rng.random() < skill else not refer
                lines.append(f"{item.id}_refer = {given}")
                score += gradeables[f"{item.id}_refer"].points if given == refer else 0.0
            cell.source = "\n".join(lines)
        hand_in(course, ASSIGNMENT, student, nb)
        expected[student] = score
    return expected


def hand_in(course: Path, assignment: str, student: str, nb: object, *extra: Path) -> None:
    """Put ``nb`` (and the release's ``extra`` files) in submitted/, as nbgrader collect does."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    for path in extra:
        shutil.copy(path, folder / path.name)
    (folder / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC")


def scores(course: Path, assignment: str = ASSIGNMENT) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(assignment)}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command``; returns its wall time and peak memory (MB, summed over its tree)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = [0]

    def sample() -> None:
        root = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                for member in tree:
                    with contextlib.suppress(psutil.Error):
                        total += member.memory_info().rss
                peak[0] = max(peak[0], total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return seconds, peak[0] / 1e6


def fresh_course(tmp: Path, name: str) -> Path:
    from course.grading.course import Course
    from course.grading.release import release

    target = tmp / name
    shutil.copytree(
        ROOT / "grading",
        target,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", ".*"
        ),
    )
    release(Course.open(target), ASSIGNMENT)
    return target


def ours(course: Path, jobs: int) -> list[str]:
    return [
        str(BIN / "ankle-course"),
        "grade",
        "autograde",
        ASSIGNMENT,
        "--course-dir",
        str(course),
        "--jobs",
        str(jobs),
    ]


# --- the variant assessment and the item analysis --------------------------------------------

VARIANTS = "safety_cases"


def variant_course(tmp: Path, name: str, count: int) -> tuple[Path, list[str], float]:
    """A course with ``count`` learners in the gradebook and ``safety_cases`` released to them;
    returns the course, the learners and the release time."""
    from course.grading.course import Course
    from course.grading.release import release

    target = tmp / name
    shutil.copytree(
        ROOT / "grading",
        target,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", ".*"
        ),
    )
    students = [f"learner{n:03d}" for n in range(count)]
    course = Course.open(target)
    with course.gradebook() as gb:
        for student in students:
            gb.update_or_create_student(student)
    started = time.perf_counter()
    release(course, VARIANTS)
    return target, students, time.perf_counter() - started


def make_variant_submissions(course: Path, students: list[str], seed: int = 8) -> dict[str, float]:
    """Each learner answers their own cases (a seeded mix of right and wrong), with the record
    the notebook leaves when it shows their cases, and the release's other files, as
    ``nbgrader submit`` hands them in. Returns the expected scores."""
    from learner_answers import fill

    from course.cases import CASES_FILE, RECORD_MIME
    from course.grading.marking.score import item_score
    from course.grading.variants.bank import load_variant_bank
    from course.grading.variants.generate import generate
    from course.grading.variants.marking import gradeables_for
    from course.grading.variants.release import variant_fingerprint
    from course.safety.decisions import DECISION_ORDER

    bank = load_variant_bank(course, VARIANTS)
    rng = random.Random(seed)
    release_dir = course / "release" / VARIANTS
    released = nbformat.read(release_dir / f"{VARIANTS}.ipynb", as_version=4)
    expected: dict[str, float] = {}
    for student in students:
        skill = rng.uniform(0.4, 1.0)
        answers: dict[str, object] = {}
        score = 0.0
        for g in gradeables_for(bank, student):
            if rng.random() < skill:
                answer: object = g.key
            elif g.kind == "refer":
                answer = not g.key
            elif g.kind == "structure":
                answer = "talus"
            else:  # a neighbour of the right decision, the nearer the likelier
                index = DECISION_ORDER.index(str(g.key))
                near = [d for d in DECISION_ORDER if 0 < abs(DECISION_ORDER.index(d) - index) <= 3]
                weights = [1 / abs(DECISION_ORDER.index(d) - index) for d in near]
                answer = rng.choices(near, weights)[0]
            answers[g.variable] = answer
            score += item_score(g, answer, g.points)
        nb = nbformat.from_dict(released)
        record = {
            "assignment": VARIANTS,
            "student": student,
            "variant": variant_fingerprint(bank, student, generate(bank, student)),
        }
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup":
                cell.outputs = [
                    nbformat.v4.new_output(
                        "display_data", data={"text/plain": student, RECORD_MIME: record}
                    )
                ]
        fill(nb, answers)
        hand_in(course, VARIANTS, student, nb, release_dir / CASES_FILE)
        expected[student] = score
    return expected


def autograde_variants(course: Path, jobs: int) -> list[str]:
    return [
        str(BIN / "ankle-course"),
        "grade",
        "autograde",
        VARIANTS,
        "--course-dir",
        str(course),
        "--jobs",
        str(jobs),
    ]


def variants_section(tmp: Path, small: int, large: int, jobs: int) -> bool:
    """Release and autograde safety_cases for a small and a large class, against sequential
    plain nbgrader (executing) on the small one; then time the item analysis on the large."""
    base, students, release_small = variant_course(tmp, "cases-nbgrader", small)
    expected = make_variant_submissions(base, students)
    mine = tmp / "cases-ankle"
    shutil.copytree(base, mine)
    with (base / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(BASELINE_CONFIG)
    sequential, nbgrader_mb = timed([str(BIN / "nbgrader"), "autograde", VARIANTS], base)
    parallel, ours_mb = timed(autograde_variants(mine, jobs), mine)
    same = scores(mine, VARIANTS) == expected

    big, big_students, release_large = variant_course(tmp, "cases-large", large)
    big_expected = make_variant_submissions(big, big_students, seed=9)
    large_time, large_mb = timed(autograde_variants(big, jobs), big)
    big_same = scores(big, VARIANTS) == big_expected

    print(f"--- {VARIANTS} (a variant per learner) ---")
    print(
        f"release for {small} learners: {release_small:.2f} s; for {large}: {release_large:.2f} s"
    )
    print(
        f"{small} submissions, plain nbgrader autograde (sequential, executing): {sequential:.2f} s"
        f", peak memory {nbgrader_mb:.0f} MB"
    )
    print(
        f"{small} submissions, ankle-course grade autograde: {parallel:.2f} s, peak memory "
        f"{ours_mb:.0f} MB; speed-up {sequential / parallel:.1f}x (target >= 10x)"
    )
    print(
        f"{large} submissions, ankle-course grade autograde: {large_time:.2f} s "
        f"({large_time / large:.3f} s/submission), peak memory {large_mb:.0f} MB"
    )
    print(
        f"scores as expected from each learner's own key: {small}: {'yes' if same else 'NO'}, "
        f"{large}: {'yes' if big_same else 'NO'}"
    )
    items_ok = items_section(big, large)
    fast = sequential / parallel >= 10
    if not fast:
        print("OVER TARGET: speed-up >= 10x")
    return same and big_same and items_ok and fast


def items_section(course: Path, count: int) -> bool:
    """``grade report --items`` and ``--html`` on a graded class, against the plain report."""
    base = [str(BIN / "ankle-course"), "grade", "report", VARIANTS, "--course-dir", str(course)]
    plain, _ = timed(base, course)
    items, _ = timed([*base, "--items"], course)
    page, _ = timed([*base, "--html", str(course / "item-analysis")], course)
    print(f"--- item analysis ({VARIANTS}, {count} graded learners) ---")
    print(f"grade report (baseline, the status table): {plain:.2f} s")
    print(f"grade report --items: {items:.2f} s ({items / plain:.2f}x the baseline; target < 5 s)")
    print(f"grade report --html DIR: {page:.2f} s ({page / plain:.2f}x the baseline; target < 5 s)")
    return items < 5 and page < 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--large", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--only", choices=("all", "fixed", "variants"), default="all", help="sections to run"
    )
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    ok = True
    if args.only in ("all", "variants"):
        with tempfile.TemporaryDirectory(prefix="grading-bench-cases-") as tmp_name:
            ok = variants_section(Path(tmp_name), args.submissions, args.large, args.jobs)
        if args.only == "variants":
            return 0 if ok else 1

    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base = fresh_course(tmp, "nbgrader")
        expected = make_submissions(base, args.submissions)
        mine = tmp / "ankle"
        shutil.copytree(base, mine)
        one_worker = tmp / "ankle-1"
        shutil.copytree(base, one_worker)
        with (base / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write(BASELINE_CONFIG)

        sequential, nbgrader_mb = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT], base)
        single, single_mb = timed(ours(one_worker, 1), one_worker)
        parallel, ours_mb = timed(ours(mine, args.jobs), mine)
        reference, candidate = scores(base), scores(mine)
        single_scores = scores(one_worker)

        large_course = fresh_course(tmp, "large")
        large_expected = make_submissions(large_course, args.large, seed=7)
        large, large_mb = timed(ours(large_course, args.jobs), large_course)
        large_scores = scores(large_course)

    n, big = args.submissions, args.large
    print(f"cores: {os.cpu_count()}, jobs: {args.jobs}")
    print(
        f"{n} submissions, plain nbgrader autograde (sequential, executing): {sequential:.2f} s "
        f"({sequential / n:.3f} s/submission), peak memory {nbgrader_mb:.0f} MB"
    )
    print(
        f"{n} submissions, ankle-course grade autograde --jobs 1 (static marking): {single:.2f} s "
        f"({single / n:.3f} s/submission), peak memory {single_mb:.0f} MB"
    )
    print(
        f"{n} submissions, ankle-course grade autograde --jobs {args.jobs}: {parallel:.2f} s "
        f"({parallel / n:.3f} s/submission), peak memory {ours_mb:.0f} MB"
    )
    print(
        f"speed-up of the design (--jobs 1 against nbgrader): {sequential / single:.1f}x; "
        f"of the workers (--jobs {args.jobs} against --jobs 1): {single / parallel:.1f}x"
    )
    print(f"speed-up: {sequential / parallel:.1f}x (target >= 10x)")
    print(
        f"{big} submissions, ankle-course grade autograde: {large:.2f} s "
        f"({large / big:.3f} s/submission; target <= 30 s), peak memory {large_mb:.0f} MB "
        f"({large_mb / ours_mb:.2f}x the {n}-submission run: flat with class size)"
    )
    same = reference == candidate == single_scores == expected
    large_same = large_scores == large_expected
    targets = {"speed-up >= 10x": sequential / parallel >= 10, f"{big} in <= 30 s": large <= 30}
    missed = [name for name, met in targets.items() if not met]
    if missed:
        print(f"OVER TARGET: {', '.join(missed)}")
    print(
        f"scores identical ({n}: nbgrader executing, ankle-course, expected from the answers): "
        f"{'yes' if same else 'NO'} (mean {sum(expected.values()) / len(expected):.2f})"
    )
    print(f"scores as expected ({big}): {'yes' if large_same else 'NO'}")
    if not same:
        for student in sorted(expected):
            trio = (reference.get(student), candidate.get(student), expected[student])
            if len(set(trio)) > 1:
                print(f"  {student}: nbgrader {trio[0]}, ours {trio[1]}, expected {trio[2]}")
    return 0 if same and large_same and ok and not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
