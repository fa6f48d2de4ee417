"""safety_cases end to end: one release for the class, each learner's own cases shown when the
notebook runs, static marking against the submitter's own variant, variant-mismatch for a
copied notebook, item analysis, through the real ``ankle-course grade`` CLI and plain nbgrader.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import handin
import nbformat
import pytest
from handin import copy_course, enrol, grade, show_record
from kernels import this_python_kernel
from learner_answers import fill

from course.cases import RECORD_MIME
from course.content.anatomy import get
from course.grading.marking.banks import max_score_of
from course.grading.variants.bank import load_variant_bank
from course.grading.variants.generate import generate
from course.grading.variants.marking import gradeables_for
from course.grading.variants.release import variant_fingerprint

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "safety_cases"
BIN = Path(sys.executable).parent
CLASS = ("alice", "bob", "carol", "dave", "erin")


def right_answers(course: Path, student: str) -> dict[str, Any]:
    bank = load_variant_bank(course, ASSIGNMENT)
    return {g.variable: g.key for g in gradeables_for(bank, student)}


def released(course: Path) -> Any:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def shown_to(course: Path, nb: Any, student: str | None) -> Any:
    """The record the setup cell leaves when it shows ``student``'s cases (None: never run)."""
    if student is None:
        return show_record(nb, "", None)
    bank = load_variant_bank(course, ASSIGNMENT)
    record = {
        "assignment": ASSIGNMENT,
        "student": student,
        "variant": variant_fingerprint(bank, student, generate(bank, student)),
    }
    return show_record(nb, student, record)


def submit(course: Path, student: str, nb: Any) -> None:
    handin.submit(course, student, nb, assignment=ASSIGNMENT)


def run_as_learner(course: Path, student: str) -> Any:
    """Open the release as ``student`` would on the hub and run every cell in a real kernel."""
    from nbclient import NotebookClient

    work = course.parent / f"home-{student}"
    shutil.copytree(course / "release" / ASSIGNMENT, work)
    nb = nbformat.read(work / f"{ASSIGNMENT}.ipynb", as_version=4)
    jupyter_path = str(this_python_kernel(course.parent / f"kernel-{student}"))
    env = {k: v for k, v in os.environ.items() if k != "ANKLE_COURSE_STUDENT"}
    env.update(JUPYTERHUB_USER=student, JUPYTER_PATH=jupyter_path)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": str(work)}},
    )
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = jupyter_path  # the kernelspec is looked up in this process
    try:
        client.execute(env=env)
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved
    return nb


@dataclass
class Graded:
    course: Path
    run: subprocess.CompletedProcess[str]
    results: dict[str, dict[str, Any]]
    shown: Any  # the notebook erin's kernel ran
    plain: dict[str, dict[str, Any]]  # the results of plain `nbgrader autograde`


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    course = copy_course(tmp_path_factory.mktemp("cases") / "course")
    enrol(course, CLASS)
    done = grade(course, "release", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    assert (course / "release" / ASSIGNMENT / "cases.json.gz").is_file()

    bank = load_variant_bank(course, ASSIGNMENT)
    alice = right_answers(course, "alice")
    picture = next(g for g in gradeables_for(bank, "alice") if g.kind == "structure")
    alice[picture.variable] = get(str(picture.key)).name.upper()  # any name counts
    submit(course, "alice", shown_to(course, fill(released(course), alice), "alice"))
    # bob hands in alice's notebook: her cases shown, her answers
    submit(course, "bob", shown_to(course, fill(released(course), alice), "alice"))
    # carol would let a massage go on where it must stop
    carol = right_answers(course, "carol")
    critical = next(i for i in generate(bank, "carol") if i.critical and i.key == "DO_NOT_MASSAGE")
    carol[critical.id] = "PROCEED_WITH_CAUTION"
    submit(course, "carol", shown_to(course, fill(released(course), carol), "carol"))
    # dave never ran the first cell (no record), but answered his own cases
    submit(
        course,
        "dave",
        shown_to(course, fill(released(course), right_answers(course, "dave")), None),
    )
    # erin runs the notebook on the hub (JUPYTERHUB_USER), then answers
    shown = run_as_learner(course, "erin")
    submit(course, "erin", fill(shown, right_answers(course, "erin")))

    plain = course.parent / "plain"
    shutil.copytree(course, plain)
    run = grade(course, "autograde", ASSIGNMENT, "--jobs", "2")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    plain_run = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", ASSIGNMENT],
        cwd=plain,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert plain_run.returncode == 0, plain_run.stderr[-2000:]
    return Graded(course, run, _results(course), shown, _results(plain))


def _results(course: Path) -> dict[str, dict[str, Any]]:
    results = {}
    for student in CLASS:
        path = course / "autograded" / student / ASSIGNMENT / ".ankle-grading.json"
        results[student] = json.loads(path.read_text(encoding="utf-8"))
    return results


def test_the_released_notebook_shows_the_learners_own_cases(graded: Graded) -> None:
    bank = load_variant_bank(graded.course, ASSIGNMENT)
    items = generate(bank, "erin")
    setup = next(c for c in graded.shown.cells if c.metadata.nbgrader.get("grade_id") == "setup")
    record = next(o["data"][RECORD_MIME] for o in setup.outputs if RECORD_MIME in o.get("data", {}))
    assert record["student"] == "erin"
    shows = [
        c for c in graded.shown.cells if c.metadata.nbgrader.get("grade_id", "").endswith("_show")
    ]
    assert len(shows) == len(items)
    for cell, item in zip(shows, items, strict=True):
        text = cell.outputs[0]["data"]["text/plain"]
        assert (item.text or "Which structure is marked") in text
    released_text = (graded.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert items[0].text not in released_text  # one release for all: no story in the notebook


def test_own_right_answers_score_full_marks(graded: Graded) -> None:
    bank = load_variant_bank(graded.course, ASSIGNMENT)
    for student in ("alice", "erin"):
        result = graded.results[student]
        assert result["status"] == "graded", result
        assert result["score"] == max_score_of(bank)
        assert result["passed"] is True


def test_a_copied_notebook_is_a_variant_mismatch_marked_against_the_submitters_cases(
    graded: Graded,
) -> None:
    bank = load_variant_bank(graded.course, ASSIGNMENT)
    result = graded.results["bob"]
    assert result["status"] == "variant-mismatch"
    assert any("showed the cases of 'alice', not 'bob'" in p for p in result["problems"])
    assert result["score"] < 0.8 * max_score_of(bank)
    assert result["passed"] is False
    assert "bob: variant-mismatch:" in graded.run.stdout


def test_critical_items_work_as_in_safety_scenarios(graded: Graded) -> None:
    result = graded.results["carol"]
    assert result["status"] == "graded"
    assert len(result["critical_misses"]) == 1
    assert result["passed"] is False


def test_no_record_is_flagged_and_still_marked(graded: Graded) -> None:
    bank = load_variant_bank(graded.course, ASSIGNMENT)
    result = graded.results["dave"]
    assert result["status"] == "flagged"
    assert any("no record of whose cases" in p for p in result["problems"])
    assert result["score"] == max_score_of(bank)


def test_export_and_report(graded: Graded, tmp_path: Path) -> None:
    done = grade(graded.course, "export", ASSIGNMENT, "--to", str(tmp_path / "grades.csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "grades.csv").open(encoding="utf-8") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert rows["bob"]["status"] == "variant-mismatch"
    assert rows["bob"]["passed"] == "false"
    assert rows["alice"]["passed"] == "true"
    canvas = tmp_path / "canvas.csv"
    done = grade(graded.course, "export", ASSIGNMENT, "--to", str(canvas), "--format", "canvas")
    assert done.returncode == 0, done.stderr
    with canvas.open(encoding="utf-8") as handle:
        cells = {r[3]: r[-1] for r in csv.reader(handle)}
    assert cells["bob"] == "0"
    assert cells["alice"] == "54"
    done = grade(graded.course, "report", ASSIGNMENT, "--items", "--html", str(tmp_path / "items"))
    assert done.returncode == 0, done.stderr
    for family in ("injury", "sharp-pain", "picture questions"):
        assert family in done.stdout
    assert (tmp_path / "items" / "index.html").is_file()
    assert len(list((tmp_path / "items").glob("*.png"))) == 3


def test_plain_nbgrader_marks_every_variant_the_same(graded: Graded) -> None:
    fields = ("status", "score", "passed", "critical_misses", "problems", "item_scores")
    for student in CLASS:
        ours = {f: graded.results[student][f] for f in fields}
        theirs = {f: graded.plain[student][f] for f in fields}
        assert ours == theirs, student


def test_feedback_shows_each_learner_their_own_cases(graded: Graded) -> None:
    import html

    done = grade(graded.course, "feedback", ASSIGNMENT, "--with-answers")
    assert done.returncode == 0, done.stderr
    bank = load_variant_bank(graded.course, ASSIGNMENT)
    for student in ("alice", "bob"):
        page = html.unescape(
            (graded.course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        )
        items = generate(bank, student)
        assert all(i.text in page for i in items if i.text)
        assert "education, not diagnosis" in page
    bob = html.unescape(
        (graded.course / "feedback" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    )
    assert "the notebook showed the cases of 'alice', not 'bob'" in bob
    assert "not passed" in bob
