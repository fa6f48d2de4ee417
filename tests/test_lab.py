"""``ankle-course lab`` starts a real JupyterLab on the learner's copy of the course."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from local_services import free_port, stop_group

REPO = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return int(response.status), response.read()


@pytest.mark.slow
def test_lab_serves_the_course(tmp_path: Path) -> None:
    port = free_port()
    token = "ankle-test-token"
    workspace = tmp_path / "course"
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "course.cli",
            "lab",
            "--dir",
            str(workspace),
            "--no-browser",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    out = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"JupyterLab did not start:\n{out}")
                time.sleep(0.3)
        assert status == 200
        _, listing = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        shipped = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
        assert shipped <= names
        status, page = _get(f"{base}/lab/tree/00_welcome.ipynb?token={token}")
        assert status == 200
        assert b"JupyterLab" in page
    finally:
        stop_group(process)
        if process.stdout:
            process.stdout.close()
