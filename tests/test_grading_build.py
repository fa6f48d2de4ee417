"""``ankle-course grade build``: the source notebooks built from the item banks.

The command finds the assessments from ``<course>/source/*.yaml``, writes every notebook or
(``--check``) names the stale ones, and refuses a bad bank without writing anything. The
region markers come from nbgrader's configuration, and plain nbgrader releases what it builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from course.errors import GradingError
from course.grading.build.cells import GRADED_MARKER, regions
from course.grading.build.source import build_all
from course.grading.course import Course

REPO = Path(__file__).resolve().parent.parent
GRADING = REPO / "grading"
BIN = Path(sys.executable).parent


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ankle-course"), "grade", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def _course_copy(tmp_path: Path) -> Path:
    """The course directory's configuration, item banks and built notebooks, in tmp_path."""
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(GRADING / "nbgrader_config.py", course)
    for bank in (GRADING / "source").glob("*.yaml"):
        shutil.copy(bank, course / "source")
        notebook = GRADING / "source" / bank.stem / f"{bank.stem}.ipynb"
        (course / "source" / bank.stem).mkdir()
        shutil.copy(notebook, course / "source" / bank.stem)
    return course


def _snapshot(course: Path) -> dict[str, bytes]:
    return {str(p.relative_to(course)): p.read_bytes() for p in course.rglob("*") if p.is_file()}


def _sources(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def _new_bank(course: Path, name: str) -> Path:
    """A new fixed bank, ``name``: the scenario bank under another assignment name."""
    text = (course / "source" / "safety_scenarios.yaml").read_text(encoding="utf-8")
    text = text.replace("assignment: safety_scenarios", f"assignment: {name}", 1)
    path = course / "source" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_passes_on_the_repository() -> None:
    """The committed notebooks are exactly what the banks build (default course: grading)."""
    done = _cli("build", "--check")
    assert done.returncode == 0, done.stderr
    banks = sorted(p.stem for p in (GRADING / "source").glob("*.yaml"))
    assert len(banks) >= 3
    assert f"{len(banks)} file(s) up to date" in done.stdout


def test_a_stale_notebook_fails_the_check_naming_it(tmp_path: Path) -> None:
    course = _course_copy(tmp_path)
    stale = course / "source" / "anatomy_techniques" / "anatomy_techniques.ipynb"
    stale.write_text(stale.read_text(encoding="utf-8").replace("Question 1", "Question one"))
    before = _snapshot(course)
    done = _cli("build", "--check", "--course-dir", str(course))
    assert done.returncode == 1
    assert f"stale: {stale}" in done.stderr
    assert "safety_scenarios.ipynb" not in done.stderr
    assert _snapshot(course) == before  # --check writes nothing
    done = _cli("--course-dir", str(course), "build")
    assert done.returncode == 0, done.stderr
    assert "anatomy_techniques: wrote" in done.stdout
    assert "safety_scenarios: up to date" in done.stdout
    assert stale.read_bytes() == (GRADING / stale.relative_to(course)).read_bytes()


def test_a_new_bank_is_found_built_and_released_by_plain_nbgrader(tmp_path: Path) -> None:
    course = _course_copy(tmp_path)
    _new_bank(course, "safety_retake")
    done = _cli("--course-dir", str(course), "build")
    assert done.returncode == 0, done.stderr
    assert "safety_retake: wrote" in done.stdout
    built = course / "source" / "safety_retake" / "safety_retake.ipynb"
    original = GRADING / "source" / "safety_scenarios" / "safety_scenarios.ipynb"
    assert built.read_bytes() == original.read_bytes()  # the same bank, the same bytes
    assert _cli("build", "--check", "--course-dir", str(course)).returncode == 0

    released = subprocess.run(
        [str(BIN / "nbgrader"), "generate_assignment", "safety_retake", "--force"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=course,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert released.returncode == 0, released.stderr[-2000:]
    sources = _sources(original)
    learner = _sources(course / "release" / "safety_retake" / "safety_retake.ipynb")
    markers = regions()
    for secret in (markers.begin_solution, markers.begin_hidden, 'q01 = "DO_NOT_MASSAGE"'):
        assert secret in sources
        assert secret not in learner
    assert "q01 = None" in learner
    # the marker that lets a hub learner's JupyterLab show Validate survives the release
    assert GRADED_MARKER in learner


def test_a_bad_bank_names_its_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    course = _course_copy(tmp_path)
    bank = _new_bank(course, "safety_retake")
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("answer: SEEK_URGENT_CARE", "answer: DO_NOT_MASSAGE", 1))
    stale = course / "source" / "anatomy_techniques" / "anatomy_techniques.ipynb"
    stale.unlink()  # a build that went ahead would write it again
    before = _snapshot(course)
    done = _cli("build", "--course-dir", str(course))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"ankle-course: error: {bank}: item q02: key DO_NOT_MASSAGE but")
    assert _snapshot(course) == before


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (("pass_percent: 80", "pass_percent: [80"), "invalid item bank: while parsing"),
        (("kind: decision", "kind: riddle"), "invalid item bank: 1 validation error"),
        (("assignment: safety_retake", "assignment: other"), "names assignment 'other'"),
        (("    situation: {injury: sprain,", "    situation: {injury: sprained,"), "item q01"),
    ],
    ids=["bad yaml", "bad field", "wrong name", "bad situation"],
)
def test_every_bad_bank_error_is_one_line_naming_the_file(
    tmp_path: Path, broken: tuple[str, str], message: str
) -> None:
    course = _course_copy(tmp_path)
    bank = _new_bank(course, "safety_retake")
    text = bank.read_text(encoding="utf-8")
    assert broken[0] in text
    bank.write_text(text.replace(*broken, 1), encoding="utf-8")
    with pytest.raises(GradingError) as raised:
        build_all(course, Course.open(course).config)
    problem = str(raised.value)
    assert problem.startswith(f"{bank}: ") or problem.startswith(f"{bank.resolve()}: ")
    assert message in problem
    assert "\n" not in problem


def test_a_course_without_item_banks_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    with pytest.raises(GradingError, match=r"holds no item bank \(<assignment>.yaml\)"):
        build_all(tmp_path)
    with pytest.raises(GradingError, match=r"does not exist: it should hold the item banks"):
        build_all(tmp_path / "nowhere")


def test_region_markers_come_from_nbgrader_configuration(tmp_path: Path) -> None:
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    default = regions()
    assert default.begin_solution.endswith(ClearSolutions().begin_solution_delimeter)
    assert default.end_hidden.endswith(ClearHiddenTests().end_test_delimeter)
    assert default.begin_solution.startswith("#")

    config = Config()
    config.ClearSolutions.begin_solution_delimeter = "BEGIN ANSWER KEY"
    config.ClearSolutions.end_solution_delimeter = "END ANSWER KEY"
    config.ClearHiddenTests.begin_test_delimeter = "# SECRET TESTS START"
    config.ClearHiddenTests.end_test_delimeter = "# SECRET TESTS END"
    custom = regions(config)
    assert (custom.begin_solution, custom.begin_hidden) == (
        "### BEGIN ANSWER KEY",
        "# SECRET TESTS START",  # a delimiter with its own comment mark is kept as is
    )

    course = _course_copy(tmp_path)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config_file:
        config_file.write(
            '\nc.ClearSolutions.begin_solution_delimeter = "BEGIN ANSWER KEY"\n'
            'c.ClearSolutions.end_solution_delimeter = "END ANSWER KEY"\n'
            'c.ClearHiddenTests.begin_test_delimeter = "SECRET TESTS START"\n'
            'c.ClearHiddenTests.end_test_delimeter = "SECRET TESTS END"\n'
        )
    opened = Course.open(course)
    (built,) = [b for b in build_all(opened.root, opened.config) if b.name == "safety_scenarios"]
    nb = nbformat.reads(built.text, as_version=4)
    sources = "\n".join(cell.source for cell in nb.cells)
    assert "### BEGIN ANSWER KEY" in sources
    assert "### SECRET TESTS START" in sources
    assert default.begin_solution not in sources
    assert default.begin_hidden not in sources


@pytest.mark.parametrize("name", ["a+b", "quiz one", "-dash", "über"])
def test_a_bank_whose_name_nbgrader_cannot_take_is_refused_naming_it(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "fine_name.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "source" / f"{name}.yaml").write_text("{}\n", encoding="utf-8")
    with pytest.raises(GradingError) as raised:
        build_all(tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'source' / name}.yaml: {name!r} is not")
