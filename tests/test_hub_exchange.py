"""Collect refuses an inbound entry for the expected reasons only (no root needed here).

A refusal (``RefusedError``) or the file system saying no (``OSError``) refuses the one entry
and the collection goes on; any other exception is a bug in the course, and must surface with
its traceback instead of being reported as the learner's refused submission. The real attacks
on a real exchange, with real Unix users: tests/test_hub_collect.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from course.errors import RefusedError
from course.hub.exchange import OwnerCheckedCollect

ENTRY = "ann+a1+2024-01-01 00:00:00.000000 UTC"


def _collect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OwnerCheckedCollect:
    # the gradebook nbgrader opens runs this environment's alembic
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "exchange" / "c1" / "inbound" / ENTRY).mkdir(parents=True)
    (tmp_path / "course").mkdir()
    config = Config()
    config.CourseDirectory.root = str(tmp_path / "course")
    config.CourseDirectory.course_id = "c1"
    config.CourseDirectory.assignment_id = "a1"
    config.Exchange.root = str(tmp_path / "exchange")
    return OwnerCheckedCollect(coursedir=CourseDirectory(config=config), config=config)


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        (RefusedError("its name is not STUDENT+ASSIGNMENT+TIMESTAMP"), "its name is not"),
        (PermissionError(13, "Permission denied"), "cannot be read (Permission denied)"),
    ],
)
def test_an_expected_problem_refuses_the_entry_and_collect_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: Exception, reason: str
) -> None:
    def scan(self: OwnerCheckedCollect, inbound_fd: int, filename: str) -> None:
        raise problem

    monkeypatch.setattr(OwnerCheckedCollect, "_scan", scan)
    collect = _collect(tmp_path, monkeypatch)
    collect.init_src()
    (refusal,) = collect._refusals
    assert (refusal.student, refusal.entry) == ("ann", ENTRY)
    assert refusal.reason.startswith(reason)
    assert collect.src_records == []


def test_a_bug_while_checking_an_entry_is_not_reported_as_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scan(self: OwnerCheckedCollect, inbound_fd: int, filename: str) -> None:
        raise TypeError("a bug in the course")

    monkeypatch.setattr(OwnerCheckedCollect, "_scan", scan)
    collect = _collect(tmp_path, monkeypatch)
    with pytest.raises(TypeError, match="a bug in the course"):
        collect.init_src()
    assert collect._refusals == []
