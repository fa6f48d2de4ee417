"""What each role's config folder holds, and how Jupyter reads it (no browser here; the
browser tests in tests/browser/test_learner_mode.py and tests/test_hub.py look at the page)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyterlab.commands import get_app_dir
from jupyterlab_server.settings_utils import _get_overrides

from course.grading.build.cells import GRADED_MARKER
from course.roles import HUB_LEARNER, INSTRUCTOR, SELF_PACED, Role, with_config_path

REPO = Path(__file__).resolve().parent.parent
STYLESHEET = REPO / "course" / "lab_static" / "hub_learner.css"


def test_a_hub_learner_s_folder_carries_the_stylesheet_and_turns_it_on(tmp_path: Path) -> None:
    folder = HUB_LEARNER.write_config_dir(tmp_path / "hub_learner")
    css = (folder / "custom" / "custom.css").read_text(encoding="utf-8")
    assert css == STYLESHEET.read_text(encoding="utf-8")
    config = json.loads((folder / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert config == {
        "LabApp": {
            "app_settings_dir": str(folder.resolve() / "lab" / "settings"),
            "custom_css": True,
        },
        "ServerApp": {
            "tornado_settings": {"static_custom_path": [str(folder.resolve() / "custom")]}
        },
    }
    page = json.loads((folder / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert "@jupyter/nbgrader:validate-assignment" not in page["disabledExtensions"]


@pytest.mark.parametrize("role", [SELF_PACED, INSTRUCTOR])
def test_other_roles_write_no_stylesheet(tmp_path: Path, role: object) -> None:
    folder = role.write_config_dir(tmp_path / "role")  # type: ignore[attr-defined]
    assert not (folder / "custom").exists()
    config_file = folder / "jupyter_server_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
    assert "custom_css" not in config.get("LabApp", {})


def test_the_instructor_keeps_stock_jupyterlab_settings(tmp_path: Path) -> None:
    folder = INSTRUCTOR.write_config_dir(tmp_path / "instructor")
    assert not (folder / "jupyter_server_config.json").exists()
    assert not (folder / "lab").exists()


def _lab_overrides(folder: Path) -> dict[str, Any]:
    """The overrides JupyterLab's server reads for a server started with ``folder``."""
    config = json.loads((folder / "jupyter_server_config.json").read_text(encoding="utf-8"))
    overrides, error = _get_overrides(config["LabApp"]["app_settings_dir"])
    assert error == ""
    return overrides


@pytest.mark.parametrize("role", [SELF_PACED, HUB_LEARNER])
def test_learners_default_to_notebook_windowing_none(tmp_path: Path, role: Role) -> None:
    """Every cell laid out: quicker for the course's short lessons than JupyterLab's default
    (benchmarks/lesson_paint.py), and what the browser tests check."""
    overrides = _lab_overrides(role.write_config_dir(tmp_path / "role"))
    assert overrides["@jupyterlab/notebook-extension:tracker"] == {"windowingMode": "none"}
    # the built application's metadata is still found next to the settings folder
    static = tmp_path / "role" / "lab" / "static"
    assert (static / "package.json").resolve() == (
        Path(get_app_dir()).resolve() / "static" / "package.json"
    )


def test_the_environment_s_own_lab_settings_still_apply_and_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    (app / "settings" / "overrides.d").mkdir(parents=True)
    site = {
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "full"},
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
    }
    (app / "settings" / "overrides.json").write_text(json.dumps(site), encoding="utf-8")
    extra = {"@jupyterlab/fileeditor-extension:plugin": {"toolbar": []}}
    (app / "settings" / "overrides.d" / "site.json").write_text(json.dumps(extra), "utf-8")
    (app / "settings" / "page_config.json").write_text('{"x": 1}', encoding="utf-8")
    monkeypatch.setenv("JUPYTERLAB_DIR", str(app))
    folder = SELF_PACED.write_config_dir(tmp_path / "role")
    overrides = _lab_overrides(folder)
    assert overrides == {**site, **extra}  # the environment's overrides.json wins
    page_config = folder / "lab" / "settings" / "page_config.json"
    assert json.loads(page_config.read_text(encoding="utf-8")) == {"x": 1}
    # the environment drops an override: the next write drops it too
    (app / "settings" / "overrides.d" / "site.json").unlink()
    SELF_PACED.write_config_dir(folder)
    assert _lab_overrides(folder) == site
    assert not (folder / "lab" / "static").exists()  # nothing built there: no link


def test_rewriting_a_folder_keeps_it_whole(tmp_path: Path) -> None:
    folder = HUB_LEARNER.write_config_dir(tmp_path / "hub_learner", mode=0o750)
    HUB_LEARNER.write_config_dir(folder, mode=0o750)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert [f for f in files if not f.startswith("lab/static/")] == [
        "custom",
        "custom/custom.css",
        "jupyter_server_config.json",
        "lab",
        "lab/settings",
        "lab/settings/overrides.d",
        "lab/settings/overrides.d/ankle-course.json",
        "lab/static",
        "labconfig",
        "labconfig/page_config.json",
    ]
    assert (folder / "lab" / "static").is_symlink()
    assert (folder / "lab" / "settings").stat().st_mode & 0o777 == 0o750
    assert (folder / "custom").stat().st_mode & 0o777 == 0o750
    assert (folder / "custom" / "custom.css").stat().st_mode & 0o777 == 0o640


def test_jupyter_server_reads_the_role_s_settings_from_the_config_path(tmp_path: Path) -> None:
    """The server started with the folder on JUPYTER_CONFIG_PATH (as the hub starts a
    learner's) has JupyterLab's custom.css on, served from the folder."""
    folder = HUB_LEARNER.write_config_dir(tmp_path / "hub_learner")
    probe = (
        "from jupyter_server.serverapp import ServerApp\n"
        "app = ServerApp()\n"
        "app.load_config_file()\n"
        "settings = app.config.ServerApp.tornado_settings\n"
        "print(app.config.LabApp.custom_css, settings['static_custom_path'])\n"
    )
    env = with_config_path({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, folder)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split(" ", 1) == ["True", f"{[str(folder.resolve() / 'custom')]}\n"]


def test_the_stylesheet_hides_validate_only_where_the_graded_marker_is_absent() -> None:
    css = STYLESHEET.read_text(encoding="utf-8")
    marker_class = re.search(r'class="([^"]+)"', GRADED_MARKER)
    assert marker_class is not None
    rule = f".jp-NotebookPanel:not(:has(.{marker_class.group(1)})) .validate-button"
    assert rule in css
    assert "display: none" in css


@pytest.mark.parametrize(
    "assignment", sorted(p.stem for p in (REPO / "grading" / "source").glob("*.yaml"))
)
def test_every_graded_notebook_carries_the_marker_and_no_lesson_does(assignment: str) -> None:
    path = REPO / "grading" / "source" / assignment / f"{assignment}.ipynb"
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    assert first.source.endswith(GRADED_MARKER)
    for lesson in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert "ankle-graded-assessment" not in lesson.read_text(encoding="utf-8"), lesson.name
