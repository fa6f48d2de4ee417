"""A hub learner's server answers nbgrader's URLs (Assignments tab, fetch, Validate) and
Voila's (the explorers app) while loading nbgrader and Voila only at the first such request
(``course.lazy_nbgrader``, ``course.lazy_voila``, over ``course.lazy_server``).

A real ``jupyter lab`` started with the hub learner's options (``course.roles.HUB_LEARNER``)
on a free localhost port; nbgrader's and Voila's own handlers answer behind the lazy
extensions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
import pytest
from local_services import free_port, stop_group

from course.lazy_voila import LOADED_MESSAGE as VOILA_LOADED
from course.roles import HUB_LEARNER

TOKEN = "ankle-lazy-token"
LOADED = "Loading the assignment_list nbgrader serverextension"
PRIMED = "ready for the first lesson"


def _call(url: str, data: dict[str, str] | None = None) -> tuple[int, Any]:
    body = None if data is None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode(errors="replace")


@pytest.mark.slow
def test_nbgrader_and_voila_load_at_the_first_request_and_answer_as_before(tmp_path: Path) -> None:

    root, exchange = tmp_path / "root", tmp_path / "exchange"
    (root / "ps1").mkdir(parents=True)
    released = exchange / "lazy101" / "outbound" / "ps9"
    released.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(notebook, root / "ps1" / "answer.ipynb")
    nbformat.write(notebook, released / "task.ipynb")  # as the instructor's release leaves it
    config = tmp_path / "config"
    HUB_LEARNER.write_config_dir(config)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'lazy101'\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(config),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "user-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            *HUB_LEARNER.server_args(),
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _call(f"{base}/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text())
            time.sleep(0.3)
        text = (tmp_path / "lab.log").read_text()
        assert "course.lazy_nbgrader | extension was successfully loaded" in text
        assert "course.lazy_voila | extension was successfully loaded" in text
        assert LOADED not in text  # ready without nbgrader
        assert VOILA_LOADED not in text  # nor Voila
        # course.prime: the first lesson's set-up work, done a moment after the start
        deadline = time.monotonic() + 60
        while PRIMED not in (tmp_path / "lab.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "lab.log").read_text()
            time.sleep(0.2)

        # Voila's own handler renders a notebook at the first request, without its code
        request = urllib.request.Request(
            f"{base}/voila/render/ps1/answer.ipynb", headers={"Authorization": f"token {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            page = response.read().decode()
        assert response.status == 200
        assert "voila" in page.lower()
        assert "print(1)" not in page  # sources stripped
        assert VOILA_LOADED in (tmp_path / "lab.log").read_text()
        status, _ = _call(f"{base}/voila/api/shutdown/not-a-kernel")
        assert status in (403, 404, 405)  # Voila's handler, not a server error
        status, _ = _call(f"{base}/voila/no-such-page")
        assert status == 404

        import nbgrader

        status, version = _call(f"{base}/nbgrader_version?version={nbgrader.__version__}")
        assert (status, version) == (200, {"success": True})  # nbgrader's own handler
        assert LOADED in (tmp_path / "lab.log").read_text()
        status, listing = _call(f"{base}/assignments?course_id=lazy101")
        assert status == 200
        assert listing["success"] is True
        assert [a["assignment_id"] for a in listing["value"]] == ["ps9"]  # released
        status, fetched = _call(
            f"{base}/assignments/fetch", {"course_id": "lazy101", "assignment_id": "ps9"}
        )
        assert status == 200
        assert fetched["success"] is True
        assert (root / "ps9" / "task.ipynb").is_file()  # fetched into the learner's folder
        status, validated = _call(f"{base}/assignments/validate", {"path": "ps1/answer.ipynb"})
        assert status == 200
        assert validated["success"] is True
        status, _ = _call(f"{base}/assignments/unknown_action", {"course_id": "lazy101"})
        assert status == 404
        # nbgrader's own checks still apply: no token, no fetch
        unauthenticated = urllib.request.Request(
            f"{base}/assignments/fetch", data=b"course_id=lazy101&assignment_id=ps9"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unauthenticated, timeout=30)
        refused.value.close()
        assert refused.value.code == 403
    finally:
        stop_group(process)
        log.close()
