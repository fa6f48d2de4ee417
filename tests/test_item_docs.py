"""docs/assessment_items.md is generated from the item banks, kept in sync, and never shipped."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from course.grading.build.item_docs import render
from course.grading.items.bank import load_item_bank

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "assessment_items.md"


def test_the_page_is_in_sync_with_the_item_banks() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(REPO / "grading"), (
        "run ankle-course grade build --item-docs docs/assessment_items.md"
    )


def test_every_assessment_has_a_section() -> None:
    page = PAGE.read_text(encoding="utf-8")
    banks = sorted(p.stem for p in (REPO / "grading" / "source").glob("*.yaml"))
    assert [line[3:] for line in page.splitlines() if line.startswith("## ")] == banks


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


def test_check_mode_fails_on_a_stale_page_and_build_rewrites_it(tmp_path: Path) -> None:
    stale = tmp_path / "assessment_items.md"
    stale.write_text("old\n", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "ankle-course"), "grade", "build"]
    options = ["--item-docs", str(stale), "--course-dir", str(REPO / "grading")]
    done = subprocess.run([*command, "--check", *options], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"stale: {stale}"
    assert stale.read_text(encoding="utf-8") == "old\n"
    done = subprocess.run([*command, *options], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"item docs: wrote {stale}" in done.stdout
    assert stale.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")


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


def test_the_page_says_an_ambiguous_name_scores_on_a_picture_question() -> None:
    from course.content.anatomy import ambiguous_names

    page = render(REPO / "grading")
    assert "when the marked structure is among its candidates" in page
    for ambiguity in ambiguous_names():
        assert f"`{ambiguity.terms[0]}`" in page
