"""The class hub's single-user server command: JupyterHub's ``jupyterhub-singleuser``, minus
one second of wasted start-up work.

Every Jupyter server imports ``jsonschema``'s format checkers, and with ``rfc3987-syntax``
installed (``jsonschema[format-nongpl]``, required by ``jupyter_events``) that import compiles
a set of Lark grammars for the ``iri`` format: about one CPU-second per server, measured with
``python -X importtime``, for a format no Jupyter schema uses (jupyter_server issue 1559,
jsonschema issue 1428). Twenty learners starting at once on two cores wait ten seconds longer
for it. This launcher marks that one module as unavailable, which ``jsonschema`` treats as
"not installed" (it then simply does not check ``iri`` strings), and runs JupyterHub's own
single-user entry point with the same arguments. Nothing is changed on disk.
"""

from __future__ import annotations

import sys

__all__ = ["SKIPPED_MODULES", "main", "skip_slow_imports"]

SKIPPED_MODULES = ("rfc3987_syntax",)


def skip_slow_imports() -> None:
    """Make ``import rfc3987_syntax`` raise ImportError in this process (unless imported)."""
    for name in SKIPPED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main() -> int:
    """Run ``jupyterhub-singleuser`` with this process's arguments."""
    skip_slow_imports()
    from jupyterhub.singleuser import main as singleuser_main

    sys.argv[0] = "jupyterhub-singleuser"
    return int(singleuser_main() or 0)


if __name__ == "__main__":  # pragma: no cover - the hub runs `python -m course.hub.singleuser`
    sys.exit(main())
