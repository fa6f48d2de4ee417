"""The course's marking inside plain nbgrader: the same gradebook rows and result files from
plain ``nbgrader autograde`` and ``ankle-course grade autograde`` in either order, no learner
code run by either, a Validate that fails on malformed answers only, and the sandbox hook.

Formgrader's own buttons are driven in ``test_grading_formgrader.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from handin import copy_course, grade, submit
from test_grading_autograde import ASSIGNMENT, answer_cell, fill, released, right_answers

BIN = Path(sys.executable).parent
RESULT = ".ankle-grading.json"


def nbgrader(course: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def gradebook_rows(course: Path) -> dict[str, Any]:
    """Every row autograding writes: submissions, notebooks, grades and comments."""
    from nbgrader.api import Gradebook

    rows: dict[str, Any] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ankle-course") as gb:
        for submission in gb.assignment_submissions(ASSIGNMENT):
            notebooks = {}
            for nb in submission.notebooks:
                notebooks[nb.name] = {
                    "flagged": nb.flagged,
                    "late_penalty": nb.late_submission_penalty,
                    "grades": {
                        g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                        for g in nb.grades
                    },
                    "comments": {c.name: (c.auto_comment, c.manual_comment) for c in nb.comments},
                }
            rows[submission.student.id] = {
                "timestamp": submission.timestamp,
                "score": submission.score,
                "notebooks": notebooks,
            }
    return rows


def result_files(course: Path) -> dict[str, Any]:
    results = {}
    for path in (course / "autograded").glob(f"*/{ASSIGNMENT}/{RESULT}"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("graded_at")
        results[data["student_id"]] = data
    return results


def hostile_source(course: Path, outside: Path) -> str:
    """An answer cell that, if it ever ran, would copy the answer keys outside the course."""
    keys = course / "source" / f"{ASSIGNMENT}.yaml"
    return (
        f'q01 = "DO_NOT_MASSAGE"\nq01_refer = False\n'
        f"keys = open({str(keys)!r}).read()\n"
        f"open({str(outside)!r}, 'w').write(keys)\n"
        "import os\nos.system('touch ' + " + repr(str(outside) + ".system") + ")\n"
    )


def build_class(course: Path, outside: Path) -> None:
    """The submissions of the issue: computed and faked answers, edits, a hostile cell."""
    right = right_answers(course)
    submit(course, "perfect", fill(released(course), right))
    submit(course, "careless", fill(released(course), {**right, "q02": "PROCEED"}))
    computed = fill(released(course), right)
    cell = answer_cell(computed, "q03")
    cell.source = cell.source.replace('q03 = "STOP"', 'q03 = "ST" + "OP"')
    faker = answer_cell(computed, "q01")
    faker.source = "type = lambda x: str\n" + faker.source
    submit(course, "computed", computed)
    editor = fill(released(course), {**right, "q05": "STOP"})
    for cell in editor.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q05":
            cell.source = "pass  # I edited the test"
    submit(course, "editor", editor)
    deleter = fill(released(course), right)
    deleter.cells.remove(answer_cell(deleter, "q04"))
    submit(course, "deleter", deleter)
    crosser = fill(released(course), {**right, "q02": "PROCEED"})
    answer_cell(crosser, "q03").source += '\nq02 = "SEEK_URGENT_CARE"'
    submit(course, "crosser", crosser)
    hostile = fill(released(course), right)
    answer_cell(hostile, "q01").source = hostile_source(course, outside)
    hostile.cells.append(nbformat.v4.new_code_cell(hostile_source(course, outside)))
    submit(course, "hostile", hostile)
    submit(course, "blank", released(course))


@pytest.fixture(scope="module")
def classes(
    tmp_path_factory: pytest.TempPathFactory, released_course: Callable[[Path], Path]
) -> dict[str, Any]:
    """One class, graded in two copies: plain nbgrader first, and the course's command first."""
    base = tmp_path_factory.mktemp("agreement")
    outside = base / "outside" / "stolen-keys.txt"
    outside.parent.mkdir()
    first = released_course(base / "nbgrader_first")
    build_class(first, outside)
    second = base / "course_first"
    shutil.copytree(first, second)
    steps: dict[str, Any] = {"outside": outside, "first": first, "second": second}

    done = nbgrader(first, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    steps["nbgrader"] = (gradebook_rows(first), result_files(first))
    steps["course_after_nbgrader"] = grade(first, "autograde", ASSIGNMENT)
    forced = grade(first, "autograde", ASSIGNMENT, "--force")
    assert forced.returncode == 0, forced.stderr
    steps["course_forced"] = (gradebook_rows(first), result_files(first))

    done = grade(second, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    steps["course"] = (gradebook_rows(second), result_files(second))
    steps["nbgrader_after_course"] = nbgrader(second, "autograde", ASSIGNMENT)
    steps["after_both"] = (gradebook_rows(second), result_files(second))
    forced = nbgrader(second, "autograde", ASSIGNMENT, "--force")
    assert forced.returncode == 0, forced.stderr[-3000:]
    steps["nbgrader_forced"] = (gradebook_rows(second), result_files(second))
    return steps


def test_plain_nbgrader_and_the_course_write_the_same_rows_in_either_order(
    classes: dict[str, Any],
) -> None:
    rows, results = classes["nbgrader"]
    assert len(rows) == len(results) == 8
    for step in ("course_forced", "course", "after_both", "nbgrader_forced"):
        assert classes[step][0] == rows, step
        assert classes[step][1] == results, step


def test_the_issues_disagreement_is_gone(classes: dict[str, Any]) -> None:
    """'q03 = "ST" + "OP"' and a faked ``type`` scored 48/52 in plain nbgrader; now 50/52
    (q03 only) with the critical miss, in the gradebook and the result file alike."""
    rows, results = classes["nbgrader"]
    computed = results["computed"]
    assert (computed["score"], computed["status"]) == (50, "flagged")
    assert computed["critical_misses"] == ["q03"]
    assert computed["passed"] is False
    assert rows["computed"]["score"] == 50
    comment = rows["computed"]["notebooks"][ASSIGNMENT]["comments"]["q03_answer"][0]
    assert "Critical item missed" in comment
    assert rows["computed"]["notebooks"][ASSIGNMENT]["flagged"] is True
    careless = results["careless"]
    assert (careless["score"], careless["critical_misses"]) == (50, ["q02"])
    assert rows["perfect"]["score"] == 52
    assert results["perfect"]["passed"] is True
    assert rows["perfect"]["notebooks"][ASSIGNMENT]["flagged"] is False
    blank = rows["blank"]["notebooks"][ASSIGNMENT]
    assert blank["comments"]["q01_answer"] == ("No response.", None)
    assert results["editor"]["status"] == "tampered"
    assert results["editor"]["score"] == 50
    assert results["crosser"]["answers"]["q02"] == "PROCEED"


def test_neither_path_deletes_what_the_other_needs(classes: dict[str, Any]) -> None:
    after = classes["course_after_nbgrader"]
    assert after.returncode == 0, after.stderr
    assert "graded 0, unchanged and skipped 8" in after.stdout  # nbgrader's results are used
    kept = classes["nbgrader_after_course"]
    assert kept.returncode == 0, kept.stderr[-2000:]
    assert classes["after_both"] == classes["course"]  # nbgrader skipped, deleted nothing
    report = grade(classes["second"], "report", ASSIGNMENT)
    assert report.returncode == 0
    assert "ungraded" not in report.stdout


def test_a_hostile_answer_cell_is_never_run_by_either_path(classes: dict[str, Any]) -> None:
    outside: Path = classes["outside"]
    assert not outside.exists()
    assert not Path(str(outside) + ".system").exists()
    assert not list(outside.parent.iterdir())
    for course in (classes["first"], classes["second"]):
        result = json.loads(
            (course / "autograded" / "hostile" / ASSIGNMENT / RESULT).read_text(encoding="utf-8")
        )
        assert result["status"] == "flagged"
        assert "answer cell q01_answer holds other code (never run)" in result["problems"]
        assert "1 extra code cell ignored (only answers are graded)" in result["problems"]
        assert result["score"] == 52  # the literal answers count; nothing else happened
        nb = nbformat.read(
            course / "autograded" / "hostile" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
        )
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is None for c in code)
        answers = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
        assert all(c.outputs == [] for c in answers)
        assert "scenario" not in json.dumps([c.outputs for c in code]).lower()


def test_the_autograded_notebook_reads_well_in_formgrader(classes: dict[str, Any]) -> None:
    """Each test cell shows whether its answer is well formed and, if wrong, why 0."""
    nb = nbformat.read(
        classes["second"] / "autograded" / "careless" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        as_version=4,
    )
    tests = {
        c.metadata.nbgrader.grade_id: c.outputs
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert [o.output_type for o in tests["q01"]] == ["stream"]
    assert tests["q01"][0].text == "q01: well formed\n"
    assert [o.output_type for o in tests["q02"]] == ["stream", "error"]
    assert tests["q02"][1].ename == "IncorrectAnswer"
    assert "SEEK_URGENT_CARE" not in json.dumps(tests)


def test_a_configuration_that_would_run_learner_code_is_refused(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            "\nfrom nbgrader.preprocessors import Execute\n"
            "c.Autograde.autograde_preprocessors = [Execute, RecordResult]\n"
        )
    assert grade(course, "release", ASSIGNMENT).returncode == 0
    right = right_answers(course)
    submit(course, "someone", fill(released(course), right))
    done = grade(course, "autograde", ASSIGNMENT)
    assert done.returncode == 2
    assert done.stderr.startswith("ankle-course: error: nbgrader_config.py configures nbgrader's")
    assert "Execute" in done.stderr
    assert not (course / "autograded").exists()


@pytest.mark.root
def test_an_execute_true_assessment_runs_in_the_sandbox_by_either_path(tmp_path: Path) -> None:
    """`execute: true` runs the learner's code, but only in the sandbox: nothing escapes."""
    course = copy_course(tmp_path / "course")
    bank = course / "source" / f"{ASSIGNMENT}.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace(
            "kind: decision\n", "kind: decision\nexecute: true\n"
        ),
        encoding="utf-8",
    )
    assert grade(course, "release", ASSIGNMENT).returncode == 0
    outside = tmp_path / "ran.txt"
    nb = fill(released(course), right_answers(course))
    answer_cell(nb, "q01").source = hostile_source(course, outside)
    submit(course, "coder", nb)
    result_file = course / "autograded" / "coder" / ASSIGNMENT / RESULT
    done = grade(course, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stdout + done.stderr
    first = json.loads(result_file.read_text(encoding="utf-8"))
    assert first["status"] in {"graded", "flagged"}
    assert "answer cell q01_answer holds other code (run only in the sandbox)" in first["problems"]
    assert not outside.exists()
    plain = nbgrader(course, "autograde", ASSIGNMENT, "--force")
    assert plain.returncode == 0, plain.stderr
    second = json.loads(result_file.read_text(encoding="utf-8"))
    assert (second["status"], second["score"]) == (first["status"], first["score"])
    assert not outside.exists()


# --- Validate: fails on malformed answers only, never says right or wrong ---------------------


@pytest.fixture(scope="module")
def validate_env(
    tmp_path_factory: pytest.TempPathFactory, released_course: Callable[[Path], Path]
) -> tuple[Path, dict[str, str]]:
    from kernels import this_python_kernel

    base = tmp_path_factory.mktemp("validate")
    course = released_course(base / "course")
    env = dict(os.environ, JUPYTER_PATH=str(this_python_kernel(base)))
    return course, env


def validate(course: Path, env: dict[str, str], nb: Any, name: str) -> str:
    folder = course.parent / "learner" / name
    folder.mkdir(parents=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nb, path)
    done = subprocess.run(
        [str(BIN / "nbgrader"), "validate", str(path)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return " ".join(done.stdout.split())  # nbgrader wraps long error lines


def test_validate_fails_on_an_unanswered_notebook_naming_every_item(
    validate_env: tuple[Path, dict[str, str]],
) -> None:
    course, env = validate_env
    out = validate(course, env, released(course), "blank")
    assert "VALIDATION FAILED ON 30 CELL(S)!" in out
    assert "Success!" not in out
    for name in right_answers(course):
        assert f"{name}: not answered yet (replace None with your answer)" in out, name


def test_validate_names_a_computed_answer_and_an_invalid_name_only(
    validate_env: tuple[Path, dict[str, str]],
) -> None:
    course, env = validate_env
    right = right_answers(course)
    nb = fill(released(course), {**right, "q05": "do not massage", "q04_refer": "yes"})
    cell = answer_cell(nb, "q03")
    cell.source = cell.source.replace('q03 = "STOP"', 'q03 = "ST" + "OP"')
    out = validate(course, env, nb, "malformed")
    assert "VALIDATION FAILED ON 3 CELL(S)!" in out
    assert "q03: write the answer itself in its answer cell" in out
    assert "q05: 'do not massage' is not one of: PROCEED," in out
    assert "q04_refer: must be True or False, not 'yes'" in out


def test_validate_passes_well_formed_answers_right_or_wrong_alike(
    validate_env: tuple[Path, dict[str, str]],
) -> None:
    course, env = validate_env
    right = right_answers(course)
    wrong = {
        name: (not key if isinstance(key, bool) else ("PROCEED" if key != "PROCEED" else "STOP"))
        for name, key in right.items()
    }
    outputs = [
        validate(course, env, fill(released(course), a), n)
        for n, a in [("right", right), ("wrong", wrong)]
    ]
    for out in outputs:
        assert "Success! Your notebook passes all the tests." in out
        assert "FAILED" not in out
    assert outputs[0] == outputs[1]  # nothing tells a right answer from a wrong one
