"""``ankle-course export-html``: static HTML with diagrams as images carrying alt text."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from html_checks import external_resources, figure_alt_problems
from kernels import this_python_kernel

from course.errors import ExportError
from course.export_html import WIDGET_VIEW, export_html, static_outputs

REPO = Path(__file__).resolve().parent.parent


def test_static_outputs_drop_widget_views_and_give_images_alt_text() -> None:
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                WIDGET_VIEW: {"model_id": "1"},
                "text/html": "<p>fallback</p>",
                "text/plain": "W",
            },
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "a plain description"},
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": 'the "alt" text'}},
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["widgets"] = {"state": {}}
    static_outputs(notebook)
    first, second, third = cell.outputs
    assert WIDGET_VIEW not in first["data"]
    assert first["data"]["text/html"] == "<p>fallback</p>"
    assert 'alt="a plain description"' in second["data"]["text/html"]
    assert 'alt="the &quot;alt&quot; text"' in third["data"]["text/html"]
    assert "widgets" not in notebook.metadata


def test_no_notebooks_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no notebooks found"):
        export_html(tmp_path / "out", source=tmp_path)


def test_a_destination_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from course.cli import app

    blocker = tmp_path / "handouts"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["export-html", str(blocker)])
    assert result.exit_code == 2
    assert f"ankle-course: error: cannot create the folder {blocker}: File exists" in result.output
    assert "Errno" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def _kernel_on_this_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(this_python_kernel(tmp_path)))


def test_the_offline_checks_find_what_a_browser_would_fetch() -> None:
    page = (
        '<script src="https://cdn.example/require.js"></script>'
        '<script type="module">import m from "https://cdn.example/mermaid.mjs";</script>'
        '<link rel="stylesheet" href="//fonts.example/a.css"><img src="http://x/y.png" alt="y">'
        "<style>/* see https://docs.example */ @import url(https://css.example/b.css);</style>"
        '<a href="https://example.org/">a plain link is not loaded</a>'
        '<script src="data:text/javascript,1"></script><img src="data:image/png;base64,AA" alt="z">'
    )
    assert external_resources(page) == [
        "https://cdn.example/require.js",
        "//fonts.example/a.css",
        "http://x/y.png",
        "https://cdn.example/mermaid.mjs",
        "https://css.example/b.css",
    ]
    repeated = (
        '<figure><img alt="Two views" src="data:,"><figcaption>Two views</figcaption></figure>'
    )
    assert figure_alt_problems(repeated) == ["caption repeats the alt text: Two views"]
    assert figure_alt_problems('<img alt="" src="data:,">') == [
        'no text alternative: <img alt="" src="data:,">'
    ]


@pytest.mark.slow
def test_export_writes_static_pages_with_alt_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    _kernel_on_this_python(tmp_path, monkeypatch)
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ("01_anatomy", "02_preparation", "05_safety"):
        shutil.copy(REPO / "notebooks" / f"{name}.ipynb", source)
    learner_progress = Path(os.environ["ANKLE_COURSE_PROGRESS"])
    files = export_html(tmp_path / "site", source=source)
    names = ["index.html", "01_anatomy.html", "02_preparation.html", "05_safety.html"]
    assert [f.name for f in files] == names
    # really offline: nothing to fetch, every image described once, no kernel warnings
    for page in files:
        text = page.read_text(encoding="utf-8")
        assert external_resources(text) == [], page.name
        assert figure_alt_problems(text) == [], page.name
    assert "without encryption" not in capfd.readouterr().err
    anatomy = files[1].read_text(encoding="utf-8")
    assert 'alt="Outer side view, foot turning at the ankle joint"' in anatomy  # range of motion
    back = "Back view, the whole foot turning under the ankle (subtalar and midfoot joints)"
    assert f'alt="{back}"' in anatomy
    files = files[:1] + files[2:]
    index = files[0].read_text(encoding="utf-8")
    assert '<a href="05_safety.html">Safety, contraindications and when to refer</a>' in index
    assert "education, not diagnosis" in index
    safety = files[2].read_text(encoding="utf-8")
    assert WIDGET_VIEW not in safety
    images = re.findall(r"<img\b[^>]*>", safety)
    assert images
    for image in images:
        assert re.search(r'alt="[^"]+"', image), image[:120]
    assert 'alt="A decision flowchart in two parts.' in safety
    assert "Nothing in the policy stops an ordinary, comfortable massage." in safety
    assert "q01 =" not in safety  # no code cells in the reading copy
    preparation = files[1].read_text(encoding="utf-8")
    assert 'alt="Self-massage: Side view of a person sitting in a chair' in preparation
    assert not learner_progress.exists()  # the export used a scratch progress file
