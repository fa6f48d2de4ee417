"""The sandbox that runs a learner's code (an ``execute: true`` assessment), never as the grader.

``run`` checks the machine can host it and starts it (``execute_sandboxed`` is what the marking
layer calls, ``run_sandboxed`` the lower level); ``_launch`` builds its file system in fresh
namespaces and drops to an unprivileged uid, and ``_runner`` executes the notebook inside. The two
private modules are started as scripts and use the standard library only.
"""

from __future__ import annotations

from course.grading.sandbox.run import (
    SandboxLimits,
    SandboxResult,
    execute_sandboxed,
    run_sandboxed,
    sandbox_problem,
)

__all__ = [
    "SandboxLimits",
    "SandboxResult",
    "execute_sandboxed",
    "run_sandboxed",
    "sandbox_problem",
]
