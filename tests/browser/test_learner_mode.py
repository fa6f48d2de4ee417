"""``ankle-course lab`` is a learner's JupyterLab: no instructor tools, no news prompt; a hub
learner's JupyterLab shows nbgrader's Validate on a graded assessment and not on a lesson.

The control is a stock ``jupyter lab`` on the same notebooks with the same (empty) Jupyter
settings, started the way a person would without the course's command: it shows nbgrader's
menu, the Create Assignment panel, Validate and the news prompt, so the checks below can see
them when they are there.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Server, course_env, free_port, is_root, temporary_home
from lab_tools import lab_tools, wait_for_notebook
from notebook_ui import Shots

WELCOME = "00_welcome.ipynb"
GRADED = "safety_scenarios.ipynb"
REPO = Path(__file__).resolve().parents[2]


def _start_hub_learner(home: Path) -> Server:
    """JupyterLab as the hub starts a learner's server (``course.roles.HUB_LEARNER``: its
    options and its config folder on ``JUPYTER_CONFIG_PATH``), on the lessons and a released
    copy of a graded assessment."""
    from course.roles import HUB_LEARNER, with_config_path
    from course.workspace import sync_workspace

    port = free_port()
    token = f"ankle-mode-{os.getpid()}-{port}"
    workspace = home / "ankle-course"
    sync_workspace(workspace)
    shutil.copy(REPO / "grading" / "source" / "safety_scenarios" / GRADED, workspace / GRADED)
    folder = HUB_LEARNER.write_config_dir(home / "hub-learner-config")
    env = with_config_path({**course_env(home), "JUPYTER_TOKEN": token}, folder)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}"]
    command += [f"--ServerApp.root_dir={workspace}", *HUB_LEARNER.server_args()]
    command += ["--allow-root"] if is_root() else []
    server = Server(command, port=port, token=token, env=env, log=home / "lab.log")
    return server.start("api/status")


def _start(home: Path, *, course_command: bool) -> Server:
    port = free_port()
    token = f"ankle-mode-{os.getpid()}-{port}"
    env = {**course_env(home), "JUPYTER_TOKEN": token}
    env.pop("JUPYTER_CONFIG_PATH", None)
    workspace = home / "ankle-course"
    if course_command:
        command = [sys.executable, "-m", "course.cli", "lab", "--dir", str(workspace)]
        command += ["--no-browser", "--port", str(port)]
    else:
        from course.workspace import sync_workspace

        sync_workspace(workspace)
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}"]
        command += [f"--ServerApp.root_dir={workspace}"]
        command += ["--allow-root"] if is_root() else []
    server = Server(command, port=port, token=token, env=env, log=home / "lab.log")
    return server.start("api/status")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Server]]:
    names = ("learner", "stock", "hub_learner")
    homes = {name: temporary_home(f"ankle-mode-{name}-") for name in names}
    started: dict[str, Server] = {}
    try:
        started["learner"] = _start(homes["learner"], course_command=True)
        started["stock"] = _start(homes["stock"], course_command=False)
        started["hub_learner"] = _start_hub_learner(homes["hub_learner"])
        yield started
    finally:
        for server in started.values():
            server.stop()
        for home in homes.values():
            shutil.rmtree(home, ignore_errors=True)


def _open(page: Any, server: Server, notebook: str = WELCOME) -> dict[str, Any]:
    page.goto(server.url(f"lab/tree/{notebook}"))
    wait_for_notebook(page)
    return lab_tools(page)


def _windowing(page: Any, server: Server) -> str:
    """The notebook windowing mode this server's JupyterLab uses: the person's own setting,
    else the schema's default as the server gives it (after its settings overrides)."""
    reply = page.request.get(server.url("lab/api/settings/@jupyterlab/notebook-extension:tracker"))
    assert reply.status == 200, reply.text()
    data = reply.json()
    default = data["schema"]["properties"]["windowingMode"]["default"]
    mode: str = data["settings"].get("windowingMode", default)
    return mode


def test_stock_jupyterlab_shows_the_instructor_tools(page: Any, servers: dict[str, Server]) -> None:
    tools = _open(page, servers["stock"])
    Shots("learner_mode_stock")(page, "stock jupyterlab")
    assert "Formgrader" in tools["menu"]
    assert tools["create_assignment"]
    assert tools["validate"]
    assert tools["news_prompt"]
    assert tools["notebook_switcher"]
    assert tools["extension_manager"] == "PyPI"
    assert _windowing(page, servers["stock"]) == "contentVisibility"  # JupyterLab's default


def test_ankle_course_lab_shows_a_learner_s_jupyterlab(
    page: Any, servers: dict[str, Server]
) -> None:
    tools = _open(page, servers["learner"])
    Shots("learner_mode_self_paced")(page, "ankle-course lab")
    assert tools["menu"] == []  # no Nbgrader menu: no Formgrader, no course list
    assert not tools["create_assignment"]
    assert not tools["validate"]  # nothing to validate without graded assignments
    assert not tools["news_prompt"]
    assert not tools["notebook_switcher"]  # the Notebook pages are not served to learners
    assert tools["extension_manager"] == "read-only"  # lists what is installed, asks PyPI nothing
    assert _windowing(page, servers["learner"]) == "none"  # every cell laid out: quicker here
    assert "@jupyter/nbgrader:formgrader" in tools["disabled"]
    # the lesson itself is all there and works
    assert page.locator(".jp-NotebookPanel .jp-Cell").count() > 3
    # nbgrader's server side is not loaded either
    for path in ("formgrader", "assignments?course_id=x", "courses"):
        status = page.request.get(servers["learner"].url(path)).status
        assert status == 404, path


def test_a_hub_learner_sees_validate_on_a_graded_assessment_only(
    page: Any, servers: dict[str, Server]
) -> None:
    shots = Shots("learner_mode_hub")
    lesson = _open(page, servers["hub_learner"])
    shots(page, "a lesson: no Validate")
    assert not lesson["validate"]  # a lesson has nothing to validate
    assert "Assignment List" in lesson["menu"]  # fetch and submit stay
    assert "Formgrader" not in lesson["menu"]
    assert not lesson["news_prompt"]
    assert lesson["extension_manager"] == "read-only"
    assert _windowing(page, servers["hub_learner"]) == "none"
    graded = _open(page, servers["hub_learner"], GRADED)
    shots(page, "a graded assessment: Validate")
    assert graded["validate"]
    # the stylesheet is JupyterLab's custom.css, served by this server from the course folder
    css = page.request.get(servers["hub_learner"].url("custom/custom.css"))
    assert css.status == 200
    assert ".validate-button" in css.text()
