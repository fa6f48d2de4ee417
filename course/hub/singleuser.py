"""The class hub's single-user server command: JupyterHub's ``jupyterhub-singleuser``, minus
start-up work that no learner's server needs.

Twenty learners starting at once on two cores share every CPU-second a server spends before it
answers, so two pieces of unused work are skipped:

- **The IRI grammar.** Every Jupyter server imports ``jsonschema``'s format checkers, and with
  ``rfc3987-syntax`` installed (``jsonschema[format-nongpl]``, required by ``jupyter_events``)
  that import compiles a set of Lark grammars for the ``iri`` format: about one CPU-second per
  server, measured with ``python -X importtime``, for a format no Jupyter schema uses
  (jupyter_server issue 1559, jsonschema issue 1428). The launcher marks that one module as
  unavailable, which ``jsonschema`` treats as "not installed" (it then simply does not check
  ``iri`` strings).
- **Asking yarn for the npm registry.** Importing ``jupyterlab.labapp`` computes the app
  version through ``jupyterlab.commands``, whose default npm ``registry`` runs
  ``node yarn.js config --json`` whenever Node.js is on the PATH (it is on the hub machine, for
  configurable-http-proxy): a Node.js process of about 0.3 CPU-seconds per server, to learn a
  registry used only to build JupyterLab extensions from npm, which a learner's server never
  does. The launcher answers that query with yarn's defaults (an empty configuration) instead.

Then it runs JupyterHub's own single-user entry point with the same arguments. Nothing is
changed on disk, and only this process is affected.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["SKIPPED_MODULES", "main", "skip_slow_imports", "skip_yarn_config"]

SKIPPED_MODULES = ("rfc3987_syntax",)


def skip_slow_imports() -> None:
    """Make ``import rfc3987_syntax`` raise ImportError in this process (unless imported)."""
    for name in SKIPPED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def _no_yarn_config(logger: Any) -> dict[str, dict[str, str]]:
    """What ``jupyterlab.commands._yarn_config`` returns when Node.js is absent."""
    return {"yarn config": {}, "npm config": {}}


def skip_yarn_config() -> None:
    """Let JupyterLab take yarn's default registry without starting Node.js to ask."""
    import jupyterlab.commands

    jupyterlab.commands._yarn_config = _no_yarn_config


def main() -> int:
    """Run ``jupyterhub-singleuser`` with this process's arguments."""
    skip_slow_imports()
    skip_yarn_config()
    from jupyterhub.singleuser import main as singleuser_main

    sys.argv[0] = "jupyterhub-singleuser"
    return int(singleuser_main() or 0)


if __name__ == "__main__":  # pragma: no cover - the hub runs `python -m course.hub.singleuser`
    sys.exit(main())
