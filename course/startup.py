"""Start-up work the course's own processes skip, because nothing they do needs it.

Each function changes only the running process (nothing on disk) and must run before the
import it concerns:

- :func:`skip_slow_imports`: every Jupyter server and nbgrader command imports
  ``jsonschema``'s format checkers, and with ``rfc3987-syntax`` installed
  (``jsonschema[format-nongpl]``, required by ``jupyter_events``) that import compiles a set of
  Lark grammars for the ``iri`` format: about one CPU-second per process, measured with
  ``python -X importtime``, for a format no Jupyter or nbgrader schema uses (jupyter_server
  issue 1559, jsonschema issue 1428). Marking the module unavailable makes ``jsonschema`` treat
  it as not installed: it then simply does not check ``iri`` strings.
- :func:`skip_yarn_config`: importing ``jupyterlab.labapp`` computes the app version through
  ``jupyterlab.commands``, whose default npm ``registry`` runs ``node yarn.js config --json``
  whenever Node.js is on the PATH (it is on a hub machine, for configurable-http-proxy): a
  Node.js process of about 0.3 CPU-seconds, to learn a registry used only to build JupyterLab
  extensions from npm, which the course's servers never do. Yarn's defaults (an empty
  configuration, what JupyterLab uses when Node.js is absent) answer instead.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["SKIPPED_MODULES", "skip_slow_imports", "skip_yarn_config"]

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
