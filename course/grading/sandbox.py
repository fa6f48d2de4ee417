"""Where an assessment whose answers must run (``execute: true``) is executed.

Static marking never runs learner code. An item bank with ``execute: true`` (an instructor's
code questions) needs each learner's kernel run in a sandbox: an unprivileged user, no
network, limits on CPU, memory, processes and file size, a private copy of that submission
only. :func:`execute_sandboxed` is the one place the grading pipeline calls for that; until
the sandbox is provided it refuses, naming the assessment, and runs nothing.
"""

from __future__ import annotations

from typing import Any

from course.grading import GradingError


class SandboxUnavailableError(GradingError):
    """Raised for ``execute: true`` assessments while no sandboxed executor is installed."""


def execute_sandboxed(nb: Any, resources: Any, config: Any) -> Any:
    """Run ``nb`` (one learner's rebuilt submission) in the sandbox; return it with outputs.

    ``resources["nbgrader"]`` names the assignment, notebook and student; ``config`` is the
    course's traitlets configuration. Grade cells are then scored from the outputs, as
    nbgrader does (:func:`nbgrader.utils.determine_grade`).
    """
    del nb, config
    assignment = resources.get("nbgrader", {}).get("assignment", "?")
    raise SandboxUnavailableError(
        f"assignment {assignment!r} has `execute: true` in its item bank: its learners' code "
        "needs the sandbox, which this installation does not provide; nothing was run"
    )
