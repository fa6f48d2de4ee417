"""The learner's copy of the notebooks: course updates never overwrite their work."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.errors import WorkspaceError
from course.workspace import lab_command, lab_environment, sync_workspace


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "00_welcome.ipynb").write_text('{"v": 1}', encoding="utf-8")
    (folder / "01_anatomy.ipynb").write_text('{"v": 1}', encoding="utf-8")
    return folder


def test_first_sync_copies_everything(tmp_path: Path, shipped: Path) -> None:
    report = sync_workspace(tmp_path / "ws", shipped)
    assert report.copied == ["00_welcome.ipynb", "01_anatomy.ipynb"]
    assert (tmp_path / "ws" / "01_anatomy.ipynb").read_text(encoding="utf-8") == '{"v": 1}'


def test_learner_edits_survive_a_course_update(tmp_path: Path, shipped: Path) -> None:
    ws = tmp_path / "ws"
    sync_workspace(ws, shipped)
    (ws / "00_welcome.ipynb").write_text('{"v": 1, "my notes": true}', encoding="utf-8")
    (shipped / "00_welcome.ipynb").write_text('{"v": 2}', encoding="utf-8")
    (shipped / "01_anatomy.ipynb").write_text('{"v": 2}', encoding="utf-8")

    report = sync_workspace(ws, shipped)

    assert (ws / "00_welcome.ipynb").read_text(encoding="utf-8") == '{"v": 1, "my notes": true}'
    assert (ws / "00_welcome.updated.ipynb").read_text(encoding="utf-8") == '{"v": 2}'
    assert report.new_versions == ["00_welcome.updated.ipynb"]
    # the untouched notebook follows the course
    assert (ws / "01_anatomy.ipynb").read_text(encoding="utf-8") == '{"v": 2}'
    assert report.updated == ["01_anatomy.ipynb"]


def test_resync_without_changes_keeps_everything(tmp_path: Path, shipped: Path) -> None:
    ws = tmp_path / "ws"
    sync_workspace(ws, shipped)
    report = sync_workspace(ws, shipped)
    assert report.kept == ["00_welcome.ipynb", "01_anatomy.ipynb"]
    assert not report.copied
    assert not report.updated


def test_corrupt_manifest_never_overwrites(tmp_path: Path, shipped: Path) -> None:
    ws = tmp_path / "ws"
    sync_workspace(ws, shipped)
    (ws / ".ankle-course.json").write_text("{not json", encoding="utf-8")
    (ws / "00_welcome.ipynb").write_text("mine", encoding="utf-8")
    (shipped / "00_welcome.ipynb").write_text('{"v": 3}', encoding="utf-8")
    sync_workspace(ws, shipped)
    assert (ws / "00_welcome.ipynb").read_text(encoding="utf-8") == "mine"


def test_unwritable_folder_is_a_clear_error(tmp_path: Path, shipped: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="cannot create the course folder"):
        sync_workspace(blocker / "ws", shipped)
    with pytest.raises(OSError, match="the course notebooks are missing"):  # still an OSError
        sync_workspace(tmp_path / "ws", tmp_path / "nowhere")


def test_a_notebook_that_cannot_be_written_is_a_clear_error(tmp_path: Path, shipped: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "01_anatomy.ipynb").mkdir(parents=True)  # a folder where the notebook goes
    with pytest.raises(WorkspaceError, match=f"cannot update the course folder {ws}: .*01_anat"):
        sync_workspace(ws, shipped)
    assert (ws / "01_anatomy.ipynb").is_dir()  # nothing of the learner's removed


def test_unwritable_settings_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".ankle-course-jupyter").write_text("mine", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="cannot write the course's JupyterLab settings"):
        lab_environment(tmp_path)
    assert (tmp_path / ".ankle-course-jupyter").read_text(encoding="utf-8") == "mine"


def test_lab_command_allows_root_only_as_root(tmp_path: Path) -> None:
    assert "--allow-root" in lab_command(tmp_path, as_root=True)
    assert "--allow-root" not in lab_command(tmp_path, as_root=False)
