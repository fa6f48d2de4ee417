"""A wheel carries the content, the assets and the notebooks, and works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_contains_data(built_wheel: Path) -> None:
    names = set(zipfile.ZipFile(built_wheel).namelist())
    for yaml_file in ("anatomy", "techniques", "safety", "lessons", "sources", "practice"):
        assert f"course/content/{yaml_file}.yaml" in names
    assert any(n.startswith("course/assets/") for n in names)
    assert any(n.startswith("course/notebooks/") and n.endswith(".ipynb") for n in names) == any(
        (REPO / "notebooks").glob("*.ipynb")
    )
    assert not any(n.startswith("grading/") or "/source/" in n for n in names)
    # the offline export template and the explorers app notebook ship with the package
    assert "course/export_template/offline/index.html.j2" in names
    assert "course/export_template/offline/conf.json" in names
    assert "course/app/explorer.ipynb" in names
    # every widget front-end (ES modules and stylesheets, anywidget's _esm and _css files)
    static = REPO / "course" / "widgets" / "static"
    front_end = {f"course/widgets/static/{p.name}" for p in static.iterdir() if p.is_file()}
    assert {"course/widgets/static/diagram.css", "course/widgets/static/motion.js"} <= front_end
    assert front_end <= names


def test_installed_wheel_works_outside_the_repo(built_wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(built_wheel),
        ],
        check=True,
        timeout=300,
    )
    code = (
        "import course, course.safety as s; from course.content.loader import load_content;"
        "from course.content.resources import assets_dir;"
        "c = load_content(); print(course.__file__);"
        "print(s.assess(s.Situation(fever=True)).decision.name); print(assets_dir().is_dir());"
        "from course.widgets.diagram import DiagramView as D;"
        "print('export default' in D._esm and 'adoptStyle(' in D._esm);"
        "from course.practice import Practice;"
        "print(bool(Practice('wheel').next_case().text))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    path, decision, has_assets, has_front_end, practises = result.stdout.split()
    assert path.startswith(str(target))
    assert decision == "DO_NOT_MASSAGE"
    assert has_assets == "True"
    assert has_front_end == "True"  # the diagram widget's module and stylesheet, from the wheel
    assert practises == "True"  # practice cases from the shipped templates, no grading/ folder


def test_a_jupyter_server_and_nbformat_validation_import_no_iri_parser_builder() -> None:
    """The set-up removes rfc3987-syntax (Makefile TRIM, the k8s Dockerfile): with it, importing
    jsonschema's format checkers builds ~35 Lark parsers, about a second of CPU in every learner
    server start, nbgrader command and notebook validation."""
    probe = (
        "import sys, jupyter_server.serverapp, nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print(sorted(m for m in ('lark', 'rfc3987_syntax') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
    dockerfile = (Path(__file__).parents[1] / "deploy" / "k8s" / "Dockerfile").read_text("utf-8")
    assert "pip uninstall -y rfc3987-syntax" in dockerfile
