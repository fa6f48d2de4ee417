"""Formgrader's own buttons, driven for real: a Jupyter server started in the course folder,
its Autograde and Generate feedback endpoints, and the learners' Validate endpoint.

Run under the heavy lock (it starts a server and kernels):
``flock /tmp/ankle-heavy.lock .venv/bin/pytest tests/test_grading_formgrader.py -n 0``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from handin import grade
from local_services import free_port, stop_group
from test_grading_autograde import ASSIGNMENT, fill, released, right_answers
from test_grading_nbgrader import build_class, gradebook_rows, result_files

BIN = Path(sys.executable).parent


class Formgrader:
    """``jupyter server`` in the course folder (formgrader finds the course there)."""

    def __init__(self, course: Path, home: Path) -> None:
        from kernels import this_python_kernel

        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log = home / "server.log"
        env = dict(os.environ)
        env.update(
            {
                "JUPYTER_PATH": str(this_python_kernel(home)),
                "JUPYTER_CONFIG_DIR": str(home / "config"),
                "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                "IPYTHONDIR": str(home / "ipython"),
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            }
        )
        command = [
            str(BIN / "jupyter"),
            "server",
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={course}",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                self.request("GET", "/formgrader/api/assignments")
                return
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(self.log.read_text(errors="replace")[-3000:]) from None
                time.sleep(0.3)

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if method == "POST" and body is None:
            body = b""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=body,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read().decode("utf-8"))

    def stop(self) -> None:
        stop_group(self.process)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, released_course: Callable[[Path], Path]
) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("formgrader")
    outside = base / "outside" / "stolen-keys.txt"
    outside.parent.mkdir()
    course = released_course(base / "course")
    build_class(course, outside)
    reference = base / "reference"
    shutil.copytree(course, reference)
    done = grade(reference, "autograde", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    learner = course / "learner"  # notebooks a learner validates, under the server root
    learner.mkdir()
    right = right_answers(course)
    nbformat.write(released(course), learner / "blank.ipynb")
    nbformat.write(fill(released(course), right), learner / "answered.ipynb")
    home = base / "home"
    home.mkdir()
    server = Formgrader(course, home)
    try:
        yield {"server": server, "course": course, "reference": reference, "outside": outside}
    finally:
        server.stop()


def test_formgraders_autograde_button_agrees_with_the_course(served: dict[str, Any]) -> None:
    server, course = served["server"], served["course"]
    students = sorted(p.name for p in (course / "submitted").iterdir())
    for student in students:
        answer = server.request(
            "POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde"
        )
        assert answer["success"], (student, answer.get("error"))
    assert gradebook_rows(course) == gradebook_rows(served["reference"])
    assert result_files(course) == result_files(served["reference"])
    assert not served["outside"].exists()  # the hostile answer cell never ran
    listed = server.request("GET", f"/formgrader/api/submissions/{ASSIGNMENT}")
    scores = {row["student"]: row["score"] for row in listed}
    assert scores["computed"] == 50
    assert scores["perfect"] == 52
    # the course's own command then finds nothing to do: formgrader's results are its own
    again = grade(course, "autograde", ASSIGNMENT)
    assert f"graded 0, unchanged and skipped {len(students)}" in again.stdout


def test_formgraders_feedback_button_shows_the_verdict_and_no_key(
    served: dict[str, Any],
) -> None:
    from test_grading import hidden_test_lines

    server, course = served["server"], served["course"]
    if not (course / "autograded" / "careless").exists():
        server.request("POST", f"/formgrader/api/submission/{ASSIGNMENT}/careless/autograde")
    answer = server.request(
        "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/careless/generate_feedback"
    )
    assert answer["success"], answer.get("error")
    page = (course / "feedback" / "careless" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
    assert "Not passed: 50 / 52 points" in page
    assert "Critical: in q02 your answer would let a massage go on" in page
    leaked = [s for s in hidden_test_lines(ASSIGNMENT) if s in page]
    assert not leaked


def test_the_validate_button_fails_on_malformed_answers_only(served: dict[str, Any]) -> None:
    server = served["server"]
    blank = server.request("POST", "/assignments/validate", {"path": "learner/blank.ipynb"})
    assert blank["success"], blank
    failed = blank["value"]["failed"]
    assert len(failed) == 30
    assert "q01: not answered yet" in failed[0]["raw_error"]
    answered = server.request("POST", "/assignments/validate", {"path": "learner/answered.ipynb"})
    assert answered["success"], answered
    assert answered["value"] == {}  # nothing failed: nbgrader's "Success!"
