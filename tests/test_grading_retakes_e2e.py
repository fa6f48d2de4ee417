"""A retake of safety_cases end to end: release attempt 2, hand in, autograde (our CLI and plain
nbgrader), export and report with a policy across attempts; a reused earlier notebook is a
variant-mismatch. Through the real ``ankle-course grade`` CLI.
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
from handin import copy_course, enrol, show_record
from learner_answers import fill

from course.grading.variants import VariantBank, generate, load_variant_bank
from course.grading.variants.marking import gradeables_for
from course.grading.variants.release import variant_fingerprint

REPO = Path(__file__).resolve().parent.parent
FIRST = "safety_cases"
RETAKE = "safety_cases_attempt2"
BIN = Path(sys.executable).parent
CLASS = ("alice", "bob", "carol")

pytestmark = pytest.mark.slow


def grade(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return handin.grade(course, *args, timeout=600)


def _answers(bank: VariantBank, student: str) -> dict[str, Any]:
    from course.content.anatomy import get

    answers: dict[str, Any] = {}
    for g in gradeables_for(bank, student):
        answers[g.variable] = get(str(g.key)).name if g.kind == "structure" else g.key
    return answers


def _notebook(course: Path, assignment: str, bank: VariantBank, student: str, answers: Any) -> Any:
    """The released notebook of ``assignment``, answered, with the record of ``bank``'s cases."""
    nb = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    record = {
        "assignment": FIRST,
        "student": student,
        "variant": variant_fingerprint(bank, student, generate(bank, student)),
        "attempt": bank.attempt,
    }
    return fill(show_record(nb, student, record), answers)


def _submit(course: Path, assignment: str, student: str, nb: Any) -> None:
    handin.submit(
        course, student, nb, assignment=assignment, stamp="2026-03-09 10:00:00.000000 UTC"
    )


@dataclass
class Retaken:
    course: Path
    runs: list[subprocess.CompletedProcess[str]]
    first: dict[str, dict[str, Any]]
    retake: dict[str, dict[str, Any]]
    plain: dict[str, dict[str, Any]]


def _results(course: Path, assignment: str, students: tuple[str, ...]) -> dict[str, Any]:
    return {
        s: json.loads(
            (course / "autograded" / s / assignment / ".ankle-grading.json").read_text("utf-8")
        )
        for s in students
    }


@pytest.fixture(scope="module")
def retaken(tmp_path_factory: pytest.TempPathFactory) -> Retaken:
    course = copy_course(tmp_path_factory.mktemp("retake") / "course")
    enrol(course, CLASS)
    for args in ((FIRST,), (FIRST, "--attempt", "2")):
        done = grade(course, "release", *args)
        assert done.returncode == 0, done.stderr
    assert f"released {RETAKE}" in done.stdout
    first = load_variant_bank(course, FIRST)
    retake = load_variant_bank(course, RETAKE)
    # attempt 1: alice would massage where she must not; bob and carol pass
    alice = _answers(first, "alice")
    critical = next(i for i in generate(first, "alice") if i.critical and i.key == "DO_NOT_MASSAGE")
    alice[critical.id] = "PROCEED"
    _submit(course, FIRST, "alice", _notebook(course, FIRST, first, "alice", alice))
    bob_first = _notebook(course, FIRST, first, "bob", _answers(first, "bob"))
    _submit(course, FIRST, "bob", bob_first)
    _submit(
        course, FIRST, "carol", _notebook(course, FIRST, first, "carol", _answers(first, "carol"))
    )
    # attempt 2: alice answers her new cases; bob hands in his attempt-1 notebook again
    _submit(
        course,
        RETAKE,
        "alice",
        _notebook(course, RETAKE, retake, "alice", _answers(retake, "alice")),
    )
    _submit(course, RETAKE, "bob", bob_first)

    plain = course.parent / "plain"
    shutil.copytree(course, plain)
    runs = [grade(course, "autograde", name, "--jobs", "2") for name in (FIRST, RETAKE)]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    plain_run = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", RETAKE],
        cwd=plain,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert plain_run.returncode == 0, plain_run.stderr[-2000:]
    return Retaken(
        course,
        runs,
        _results(course, FIRST, CLASS),
        _results(course, RETAKE, ("alice", "bob")),
        _results(plain, RETAKE, ("alice", "bob")),
    )


def test_the_retake_release_has_new_cases_and_no_key(retaken: Retaken) -> None:
    import gzip

    release = retaken.course / "release" / RETAKE
    table = json.loads(gzip.decompress((release / "cases.json.gz").read_bytes()))
    assert table["attempt"] == 2
    first = load_variant_bank(retaken.course, FIRST)
    retake = load_variant_bank(retaken.course, RETAKE)
    for student in CLASS:
        new = {i.text for i in generate(retake, student) if i.kind == "scenario"}
        old = {i.text for i in generate(first, student) if i.kind == "scenario"}
        assert new != old
        assert new <= set(table["stories"])
    text = (release / f"{RETAKE}.ipynb").read_text("utf-8")
    for word in ("DO_NOT_MASSAGE =", 'SEEK_URGENT_CARE"', "situation", "hours_since"):
        assert word not in text
    assert "Attempt 2: a retake" in text


def test_each_attempt_is_marked_against_its_own_cases(retaken: Retaken) -> None:
    for run in retaken.runs:
        assert run.returncode == 0, run.stderr
    assert retaken.first["alice"]["passed"] is False
    assert len(retaken.first["alice"]["critical_misses"]) == 1
    assert retaken.retake["alice"]["status"] == "graded"
    assert retaken.retake["alice"]["passed"] is True
    assert retaken.first["bob"]["passed"] is True


@pytest.mark.parametrize("path", ["ours", "plain nbgrader"])
def test_an_earlier_notebook_handed_in_again_is_a_variant_mismatch(
    retaken: Retaken, path: str
) -> None:
    result = (retaken.retake if path == "ours" else retaken.plain)["bob"]
    assert result["status"] == "variant-mismatch"
    assert any("cases of attempt 1, not of attempt 2" in p for p in result["problems"])
    assert result["passed"] is False
    assert "bob: variant-mismatch:" in retaken.runs[1].stdout


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_export_with_each_policy_states_it(retaken: Retaken, tmp_path: Path) -> None:
    expected = {
        "best": {"alice": ("2", "true"), "bob": ("1", "true"), "carol": ("1", "true")},
        "last": {"alice": ("2", "true"), "bob": ("2", "false"), "carol": ("1", "true")},
        "first": {"alice": ("1", "false"), "bob": ("1", "true"), "carol": ("1", "true")},
    }
    for policy, rows in expected.items():
        out = tmp_path / f"{policy}.csv"
        done = grade(retaken.course, "export", FIRST, "--to", str(out), "--attempts", policy)
        assert done.returncode == 0, done.stderr
        assert f"({policy} attempt per learner)" in done.stdout
        found = _csv(out)
        for student, (attempt, passed) in rows.items():
            assert found[student]["attempt"] == attempt, (policy, student)
            assert found[student]["passed"] == passed, (policy, student)
            assert found[student]["attempts_policy"] == f"{policy} of 2 attempts"
    canvas = tmp_path / "canvas.csv"
    done = grade(
        retaken.course, "export", FIRST, "--to", str(canvas), "--format", "canvas",
        "--attempts", "last", "--canvas-assignment-id", "77",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with canvas.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][-1].endswith("[last of 2 attempts] (77)")
    cells = {row[3]: row[-1] for row in lines[2:]}
    assert cells["bob"] == "0"  # the reused notebook: never a pass in Canvas
    assert cells["alice"] == "54"


def test_report_across_attempts_and_the_item_analysis_of_one(retaken: Retaken) -> None:
    done = grade(retaken.course, "report", FIRST, "--attempts", "best")
    assert done.returncode == 0, done.stderr
    assert "best of 2 attempts" in done.stdout
    assert "2 of 2" in done.stdout  # alice's counting attempt, of the two she handed in
    done = grade(retaken.course, "report", FIRST, "--items", "--attempt", "2")
    assert done.returncode == 0, done.stderr
    assert RETAKE in done.stdout
    assert "injury" in done.stdout
    done = grade(retaken.course, "report", FIRST, "--attempt", "2", "--attempts", "best")
    assert done.returncode != 0
    assert "exclude each other" in done.stderr
