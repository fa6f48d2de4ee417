"""The class hub's single-user server command: JupyterHub's ``jupyterhub-singleuser``, minus
start-up work that no learner's server needs (:mod:`course.startup`: the ``iri`` grammar and
the other optional format checkers of ``jsonschema``, the import of IPython for a folder name,
the hub's own database layer, and the Node.js process JupyterLab starts to ask yarn for its
registry).

Twenty learners starting at once on two cores share every CPU-second a server spends before it
answers. The launcher skips that work, then runs JupyterHub's own single-user entry point with
the same arguments. Nothing is changed on disk, and only this process is affected.
"""

from __future__ import annotations

import sys

from course.startup import (
    SKIPPED_MODULES,
    skip_hub_internals,
    skip_server_extras,
    skip_slow_imports,
    skip_yarn_config,
)

__all__ = [
    "SKIPPED_MODULES",
    "main",
    "skip_hub_internals",
    "skip_server_extras",
    "skip_slow_imports",
    "skip_yarn_config",
]


def main() -> int:
    """Run ``jupyterhub-singleuser`` with this process's arguments."""
    skip_slow_imports()
    skip_server_extras()
    skip_hub_internals()
    skip_yarn_config()
    from jupyterhub.singleuser import main as singleuser_main

    sys.argv[0] = "jupyterhub-singleuser"
    return int(singleuser_main() or 0)


if __name__ == "__main__":  # pragma: no cover - the hub runs `python -m course.hub.singleuser`
    sys.exit(main())
