"""Hand feedback pages back to learners through the nbgrader exchange.

``ankle-course grade feedback`` writes ``feedback/<student>/<assignment>/*.html``.
``nbgrader release_feedback`` also needs, beside each page, the submission's ``timestamp.txt``
and ``submission_secret.txt``: the learner's copy of the secret is how their server finds
(and only they can find) their own page in the exchange. This copies both from
``submitted/`` and then runs ``nbgrader release_feedback`` in the course folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from course.errors import FeedbackError, command_error

_KEYS = ("timestamp.txt", "submission_secret.txt")


def prepare_feedback(course_dir: Path, assignment: str) -> list[str]:
    """Copy the submission keys next to each feedback page; return the learners covered."""
    feedback_root = course_dir / "feedback"
    students = []
    for pages in sorted(feedback_root.glob(f"*/{assignment}")):
        if not any(pages.glob("*.html")):
            continue
        student = pages.parent.name
        submitted = course_dir / "submitted" / student / assignment
        for key in _KEYS:
            source = submitted / key
            if not source.is_file():
                raise FeedbackError(f"{source} is missing: collect the submission again")
            shutil.copyfile(source, pages / key)
        students.append(student)
    if not students:
        raise FeedbackError(
            f"no feedback pages for {assignment} in {feedback_root}: "
            f"run `ankle-course grade feedback {assignment}` first"
        )
    return students


def return_feedback(course_dir: Path, assignment: str) -> list[str]:
    """Release the feedback of ``assignment`` to the exchange; return the learners covered."""
    course_dir = course_dir.resolve()
    students = prepare_feedback(course_dir, assignment)
    nbgrader = Path(sys.prefix) / "bin" / "nbgrader"
    result = subprocess.run(
        [str(nbgrader), "release_feedback", assignment],
        cwd=course_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise command_error(FeedbackError, "nbgrader release_feedback failed", result)
    return students
