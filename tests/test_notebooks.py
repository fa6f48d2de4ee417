"""The learner notebooks: structure, hygiene (no committed outputs) and a headless run of all."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from kernels import this_python_kernel

from course.content.loader import load_content
from course.content.sections import sections

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
LESSONS = [lesson.id for lesson in load_content().lessons]
COURSE_NAME = re.compile(r"^(lesson|quiz|widgets|progress)\.[A-Za-z_]+$")
IMPORT = re.compile(r"^from course import [a-z_]+(, [a-z_]+)*$")


def _read(lesson_id: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{lesson_id}.ipynb", as_version=4)


def test_every_lesson_has_a_notebook_and_nothing_else_is_there() -> None:
    found = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == LESSONS


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_committed_notebooks_carry_no_outputs(lesson_id: str) -> None:
    raw = json.loads((NOTEBOOKS / f"{lesson_id}.ipynb").read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{lesson_id}: cell {cell['id']} has outputs"
            assert cell["execution_count"] is None, f"{lesson_id}: cell {cell['id']} was run"
        assert not set(cell.get("metadata", {})) - {"nbgrader", "tags"}, cell["id"]
    assert "widgets" not in raw["metadata"], f"{lesson_id}: saved widget state"
    assert raw["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_notebook_follows_the_lesson_frame(lesson_id: str) -> None:
    notebook = _read(lesson_id)
    nbformat.validate(notebook)
    cells = notebook.cells
    lesson = load_content().lesson(lesson_id)
    first = cells[0].source
    assert cells[0].cell_type == "markdown"
    assert first.splitlines()[0] == f"# {lesson.title}"
    assert "education, not diagnosis" in first
    assert IMPORT.match(cells[1].source)
    assert cells[2].source == f'lesson.header("{lesson_id}")'
    assert cells[-1].source == f'lesson.key_points("{lesson_id}")'
    for cell in cells[2:]:
        if cell.cell_type == "code":
            assert _one_course_call(cell.source), f"{cell.id} is not one call of the course"


def _one_course_call(source: str) -> bool:
    """Whether a cell is one expression: a call of ``lesson``/``quiz``/``widgets``/``progress``
    (a section's marker with its parts, ``lesson.section(...).show(...)``, counts as one when
    each part is such a call too)."""
    body = ast.parse(source).body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "show"
    ):
        return _course_call(call.func.value) and all(_course_call(part) for part in call.args)
    return _course_call(call)


def _course_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and bool(COURSE_NAME.match(ast.unparse(node.func)))


def test_the_frame_check_refuses_logic_in_a_cell() -> None:
    assert _one_course_call('lesson.section("01_anatomy", "bones").show(lesson.positions())')
    assert _one_course_call('widgets.AnkleExplorer(\n    view="lateral",\n)')
    for source in (
        "x = 1",
        'lesson.header("01_anatomy")\nlesson.key_points("01_anatomy")',
        "for i in range(3):\n    lesson.positions()",
        "print(1)",
        "lesson",
        'lesson.section("01_anatomy", "bones").show(print(1))',
    ):
        assert not _one_course_call(source), source


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_sections_match_the_data_and_are_marked(lesson_id: str) -> None:
    cells = _read(lesson_id).cells
    headings: list[str] = []
    markers: list[str] = []
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            headings += [h[3:] for h in cell.source.splitlines() if h.startswith("## ")]
            if cell.source.startswith("## ") and cell.source[3:].split("\n")[0] != "Summary":
                nxt = cells[index + 1]
                assert nxt.cell_type == "code", cell.source
                assert nxt.source.startswith(f'lesson.section("{lesson_id}", '), nxt.source
        elif cell.source.startswith("lesson.section("):
            markers.append(cell.source.split('"')[3])
    expected = sections(lesson_id)
    assert headings == [s.title for s in expected] + ["Summary"]
    assert markers == [s.id for s in expected]


def test_widgets_the_issue_asks_for_are_used() -> None:
    text = {lesson_id: "\n".join(c.source for c in _read(lesson_id).cells) for lesson_id in LESSONS}
    assert "widgets.AnkleExplorer(" in text["01_anatomy"]
    assert "widgets.RangeOfMotion()" in text["01_anatomy"]
    assert "widgets.FindOnDiagramQuiz(" in text["01_anatomy"]
    assert "lesson.positions()" in text["02_preparation"]
    for lesson_id in ("03_core_techniques", "04_ligaments_and_tendons"):
        lesson = load_content().lesson(lesson_id)
        demos = re.findall(r'TechniqueDemo\(technique="([a-z_]+)"\)', text[lesson_id])
        cards = re.findall(r'lesson\.technique\("([a-z_]+)"\)', text[lesson_id])
        assert demos == list(lesson.techniques) == cards  # the guide's order
    assert "lesson.scenario_explorer()" in text["05_safety"]
    assert "lesson.flowchart()" in text["05_safety"]
    assert "lesson.rules()" in text["05_safety"]
    assert "lesson.checklist()" in text["06_review_and_routine"]
    for lesson_id in ("00_welcome", "06_review_and_routine"):
        assert "progress.ProgressSummary()" in text[lesson_id]
    for lesson_id in LESSONS:
        assert f'quiz.self_check("{lesson_id}")' in text[lesson_id]


# --- run every notebook, top to bottom, headless ------------------------------------------------
def _kernel_env(tmp_path: Path) -> dict[str, str]:
    """A python3 kernelspec that runs this interpreter, a scratch progress file, ipympl."""
    return {
        "JUPYTER_PATH": str(this_python_kernel(tmp_path)),
        "ANKLE_COURSE_PROGRESS": str(tmp_path / "progress.json"),
        "MPLBACKEND": "module://ipympl.backend_nbagg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


async def _run_all(
    notebooks: dict[str, nbformat.NotebookNode], timings: dict[str, float], workers: int
) -> None:
    """Execute the notebooks, ``workers`` kernels at a time (the machine has 2 cores)."""
    from nbclient import NotebookClient

    gate = asyncio.Semaphore(workers)

    async def run(lesson_id: str, notebook: nbformat.NotebookNode) -> None:
        async with gate:
            begin = time.perf_counter()
            client = NotebookClient(
                notebook,
                timeout=120,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            )
            await client.async_execute(env=dict(os.environ))
            timings[lesson_id] = time.perf_counter() - begin

    await asyncio.gather(*(run(k, nb) for k, nb in notebooks.items()))


@pytest.mark.slow
def test_every_notebook_runs_headless_without_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    for key, value in _kernel_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable
    notebooks = {lesson_id: _read(lesson_id) for lesson_id in LESSONS}
    timings: dict[str, float] = {}
    workers = max(1, min(2, os.cpu_count() or 1))
    started = time.perf_counter()
    asyncio.run(_run_all(notebooks, timings, workers))
    for lesson_id, notebook in notebooks.items():
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", f"{lesson_id}: {output}"
                if output["output_type"] == "stream":
                    assert output["name"] == "stdout", f"{lesson_id}: {output['text']}"
    total = time.perf_counter() - started
    per = ", ".join(f"{k} {timings[k]:.1f}s" for k in LESSONS)
    print(f"\nnotebook series executed in {total:.1f}s with {workers} kernels at a time ({per})")
    # every section marker ran and was recorded in the scratch progress file
    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    for lesson_id in LESSONS:
        opened = list(data["lessons"][lesson_id]["sections"])
        assert opened == [s.id for s in sections(lesson_id)]


# --- nbstripout: the git filter that keeps outputs out -----------------------------------------
def _nbstripout(path: Path) -> str:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", "-t", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def test_committed_notebooks_are_exactly_what_nbstripout_keeps(tmp_path: Path) -> None:
    import shutil
    import subprocess

    copies = [shutil.copy(NOTEBOOKS / f"{lesson_id}.ipynb", tmp_path) for lesson_id in LESSONS]
    subprocess.run([sys.executable, "-m", "nbstripout", *map(str, copies)], check=True)
    for lesson_id in LESSONS:
        stripped = (tmp_path / f"{lesson_id}.ipynb").read_text(encoding="utf-8")
        assert stripped == (NOTEBOOKS / f"{lesson_id}.ipynb").read_text(encoding="utf-8")


def test_nbstripout_keeps_nbgrader_metadata(tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("q01 = 'STOP'", id="answer")
    cell.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": "q01",
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
        "checksum": "abc123",
    }
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    cell.execution_count = 3
    path = tmp_path / "graded.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    stripped = nbformat.reads(_nbstripout(path), as_version=4)
    assert stripped.cells[0].outputs == []
    assert stripped.cells[0].metadata["nbgrader"] == cell.metadata["nbgrader"]


def test_gitattributes_filter_learner_notebooks_only() -> None:
    import subprocess

    def attr(path: str) -> str:
        out = subprocess.run(
            ["git", "check-attr", "filter", "--", path],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return out.rsplit(": ", 1)[-1].strip()

    assert attr("notebooks/01_anatomy.ipynb") == "nbstripout"
    assert attr("grading/source/safety_scenarios/safety_scenarios.ipynb") == "unset"
