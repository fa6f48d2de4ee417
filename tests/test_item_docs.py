"""docs/assessment_items.md is generated from the item banks, kept in sync, and never shipped."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from course.grading.items import load_item_bank

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "assessment_items.md"


def _builder() -> ModuleType:
    path = REPO / "grading" / "source" / "build_item_docs.py"
    spec = importlib.util.spec_from_file_location("build_item_docs", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_is_in_sync_with_the_item_banks() -> None:
    assert PAGE.read_text(encoding="utf-8") == _builder().render(), (
        "run .venv/bin/python grading/source/build_item_docs.py"
    )
    assert _builder().main(["--check"]) == 0


def test_the_page_lists_every_item_with_key_rules_and_neighbours() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for assignment in ("safety_scenarios", "anatomy_techniques"):
        for item in load_item_bank(REPO / "grading", assignment).items:
            row = next(line for line in page.splitlines() if line.startswith(f"| `{item.id}`"))
            assert f"`{item.answer}`" in row, item.id
    q20 = next(line for line in page.splitlines() if line.startswith("| `q20`"))
    assert "unsettled-injury" in q20
    assert "not Stop" in q20
    assert "Instructor only" in page
    assert "BEGIN SOLUTION" not in page
    assert "BEGIN HIDDEN TESTS" not in page


def test_check_mode_fails_on_a_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builder = _builder()
    stale = tmp_path / "assessment_items.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(builder, "PAGE", stale)
    assert builder.main(["--check"]) == 1


def test_the_page_is_in_no_distribution(built_wheel: Path, tmp_path: Path) -> None:
    assert not any("assessment_items" in n for n in zipfile.ZipFile(built_wheel).namelist())
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(tmp_path), REPO],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = tmp_path.glob("ankle_course-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert any(n.endswith("docs/instructor_guide.md") for n in names)
    assert not any("assessment_items" in n for n in names)
    assert not any("/grading/source" in n for n in names)
