"""The learner's progress file: location, atomic writes, bad files moved aside, summary, CLI."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from course.progress import ENV_VAR, ProgressStore, ProgressWarning, default_path


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "data" / "progress.json")


def test_default_path_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine.json"))
    assert default_path() == tmp_path / "mine.json"
    assert ProgressStore().path == tmp_path / "mine.json"


def test_default_path_is_under_the_jupyter_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jdata"))
    assert default_path() == tmp_path / "jdata" / "ankle-course" / "progress.json"


def test_missing_file_reads_as_empty(store: ProgressStore) -> None:
    assert store.as_dict() == {"format": "ankle-course-progress", "version": 1, "lessons": {}}
    assert not store.path.exists()


def test_sections_and_attempts_are_recorded(store: ProgressStore) -> None:
    assert store.open_section("01_anatomy", "bones")
    store.open_section("01_anatomy", "bones")  # the first opening counts
    store.open_section("01_anatomy", "joints")
    store.record_attempt("01_anatomy", "anatomy_hinge_joint", score=0, correct=False, seconds=30)
    store.record_attempt("01_anatomy", "anatomy_hinge_joint", score=1, correct=True, seconds=12.34)
    store.record_attempt("01_anatomy", "anatomy_retinacula", score=0, correct=False, seconds=5)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    lesson = data["lessons"]["01_anatomy"]
    assert list(lesson["sections"]) == ["bones", "joints"]
    assert [a["seconds"] for a in lesson["attempts"]] == [30, 12.3, 5]
    row = {r.lesson: r for r in store.summary()}["01_anatomy"]
    assert row.sections_opened == ("bones", "joints")
    assert row.sections_total == 8
    assert row.questions_tried == 2
    assert row.questions_correct == 1  # the latest attempt per question counts
    assert row.attempts == 3
    assert row.seconds == pytest.approx(47.3)
    assert row.section_share == pytest.approx(2 / 8)
    assert row.score_share == pytest.approx(
        1 / len(__import__("course.quiz").quiz.questions("01_anatomy"))
    )


def test_unknown_ids_are_refused(store: ProgressStore) -> None:
    with pytest.raises(ValueError, match="unknown section 'wings'"):
        store.open_section("01_anatomy", "wings")
    with pytest.raises(ValueError, match="unknown lesson"):
        store.open_section("99_x", "bones")
    with pytest.raises(ValueError, match="not a self-check question of 01_anatomy"):
        store.record_attempt("01_anatomy", "safety_window", score=1, correct=True, seconds=1)


def test_a_section_opened_again_writes_nothing(store: ProgressStore) -> None:
    """Run All marks every section: a section opened before leaves the file as it was (no
    write, no fsync), so a lesson run again costs no disk work."""
    assert store.open_section("01_anatomy", "bones")
    before = store.path.stat()
    assert store.open_section("01_anatomy", "bones")
    after = store.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert store.open_section("01_anatomy", "joints")  # a new one is written
    assert store.path.stat().st_ino != before.st_ino
    assert list(store.as_dict()["lessons"]["01_anatomy"]["sections"]) == ["bones", "joints"]


def test_writes_are_atomic_and_leave_no_temporary_files(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.open_section("00_welcome", "about")
    before = store.path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.warns(ProgressWarning, match="could not be saved.*No space left"):
        assert not store.open_section("00_welcome", "how_it_works")
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name != "progress.json"]
    assert leftovers == [".progress.json.lock"]


def test_corrupt_file_is_moved_aside_with_a_warning(store: ProgressStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"format": "ankle-course-progress", "lessons": {', encoding="utf-8")
    with pytest.warns(ProgressWarning, match="not valid JSON.*kept as progress.json.corrupt-"):
        store.open_section("00_welcome", "about")
    backups = sorted(store.path.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8").endswith('"lessons": {')
    assert store.summary()[0].sections_opened == ("about",)


def test_foreign_file_is_moved_aside_never_lost(store: ProgressStore) -> None:
    store.path.parent.mkdir(parents=True)
    for content in (
        '{"cells": []}',
        "[1, 2, 3]",
        '{"format": "ankle-course-progress", "version": 7}',
    ):
        store.path.write_text(content, encoding="utf-8")
        with pytest.warns(ProgressWarning, match="not an ankle-course progress file"):
            store.read()
    backups = sorted(p.read_text(encoding="utf-8") for p in store.path.parent.glob("*.foreign-*"))
    assert len(backups) == 3
    assert '{"cells": []}' in backups


def test_binary_garbage_is_moved_aside(store: ProgressStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.warns(ProgressWarning):
        assert store.summary()
    assert list(store.path.parent.glob("progress.json.corrupt-*"))


def test_unwritable_folder_warns_instead_of_crashing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    store = ProgressStore(blocker / "progress.json")  # its parent is a file
    with pytest.warns(ProgressWarning, match="could not be saved"):
        assert not store.open_section("00_welcome", "about")


def test_reset(store: ProgressStore) -> None:
    assert not store.reset()
    store.open_section("00_welcome", "about")
    assert store.reset()
    assert not store.path.exists()


def _hammer(path: str, start: int) -> None:
    store = ProgressStore(path)
    for _ in range(15):
        store.record_attempt("02_preparation", "prep_towel", score=1, correct=True, seconds=start)


def test_two_kernels_writing_at_once_lose_nothing(store: ProgressStore) -> None:
    store.path.parent.mkdir(parents=True)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(str(store.path), i)) for i in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    attempts = store.as_dict()["lessons"]["02_preparation"]["attempts"]
    assert sorted(a["seconds"] for a in attempts) == [1.0] * 15 + [2.0] * 15


# --- the widget ----------------------------------------------------------------------------
def test_progress_summary_widget(store: ProgressStore) -> None:
    from course.progress import ProgressSummary

    store.open_section("05_safety", "flowchart")
    widget = ProgressSummary(store)
    assert "Safety, contraindications and when to refer" in widget._table.value
    assert "1 / 8" in widget._table.value
    assert widget.figure.png.startswith(b"\x89PNG")
    assert (
        "Safety, contraindications and when to refer: 12% of sections opened" in widget.figure.alt
    )
    assert 'alt="A bar chart of your progress.' in widget._chart.value
    store.record_attempt("05_safety", "safety_window", score=1, correct=True, seconds=3)
    widget._refresh.click()
    from course.quiz.bank import load_bank

    assert f"1 of {len(load_bank().for_lesson('05_safety'))}" in widget._table.value
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<table>" in bundle["text/html"]


# --- the command line --------------------------------------------------------------------
def _cli(args: list[str], stdin: str = "") -> tuple[int, str]:
    from typer.testing import CliRunner

    from course.cli import app

    result = CliRunner().invoke(app, args, input=stdin, env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_cli_progress_prints_the_summary() -> None:
    ProgressStore().open_section("02_preparation", "positions")
    code, output = _cli(["progress"])
    assert code == 0
    assert "Preparing for a massage" in output
    assert "1 / 5" in output
    assert str(default_path()) in output.replace("\n", "")


def test_cli_reset_asks_first() -> None:
    store = ProgressStore()
    store.open_section("00_welcome", "about")
    code, output = _cli(["progress", "--reset"], stdin="n\n")
    assert code == 1
    assert "Delete your progress file" in output
    assert "Nothing deleted" in output
    assert store.path.exists()
    code, output = _cli(["progress", "--reset"], stdin="y\n")
    assert code == 0
    assert not store.path.exists()
    store.open_section("00_welcome", "about")
    code, output = _cli(["progress", "--reset", "--yes"])
    assert code == 0
    assert "Deleted" in output
    assert not store.path.exists()
    code, output = _cli(["progress", "--reset", "--yes"])
    assert code == 0
    assert "nothing to delete" in output


def test_cli_progress_survives_a_corrupt_file() -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not json", encoding="utf-8")
    code, output = _cli(["progress"])
    assert code == 0
    assert "could not be read" in output
    assert list(path.parent.glob("progress.json.corrupt-*"))


def test_reset_of_a_path_that_is_a_folder_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "progress.json"
    (folder / "inside").mkdir(parents=True)
    monkeypatch.setenv(ENV_VAR, str(folder))
    code, output = _cli(["progress", "--reset", "--yes"])
    assert code == 2
    assert f"ankle-course: error: cannot delete the progress file {folder}" in output
    assert "Traceback" not in output
    assert (folder / "inside").is_dir()  # nothing lost


def test_unreadable_progress_path_warns_that_it_could_not_be_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "progress.json"
    folder.mkdir()
    monkeypatch.setenv(ENV_VAR, str(folder))
    with pytest.warns(ProgressWarning, match="could not be read"):
        data = ProgressStore().as_dict()
    assert data["lessons"] == {}
