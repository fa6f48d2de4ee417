"""``command_error``: the one way a failed command becomes a one-line ``CourseError``."""

from __future__ import annotations

import subprocess

import pytest

from course.errors import CourseError, HubSystemError, command_error


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "echo starting >&2; echo 'no such user: x' >&2; exit 3",
            "useradd failed: no such user: x",
        ),
        ("echo 'only on stdout'; exit 1", "useradd failed: only on stdout"),
        ("exit 4", "useradd failed: exit status 4"),
        ("printf '  padded  \\n\\n' >&2; exit 1", "useradd failed: padded"),
    ],
)
def test_the_last_line_of_stderr_else_stdout_else_the_exit_status(
    script: str, message: str
) -> None:
    error = command_error(HubSystemError, "useradd failed", _run(script))
    assert isinstance(error, HubSystemError)
    assert isinstance(error, CourseError)
    assert str(error) == message
