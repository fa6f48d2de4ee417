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
- :func:`skip_server_extras` (a learner's Jupyter server only): the other optional format
  checkers of ``jsonschema`` (:data:`SERVER_SKIPPED_MODULES`: durations through ``arrow``,
  URIs, host names, colours, ...; ``jupyter_events`` checks only the server's own event
  schemas with them), and the import of all of IPython that ``jupyter_client`` makes to learn
  the ``~/.ipython/kernels`` folder (the same folder is computed without it, from
  ``IPYTHONDIR`` or the home folder as IPython does). About 0.1 CPU-second of a learner
  server's start, measured with ``python -X importtime`` (issue 25).
- :func:`skip_hub_internals` (``jupyterhub-singleuser`` only): its logging module imports the
  hub's request handlers for one ``isinstance`` check against the hub's health-check page,
  and with them the hub's database layer (``jupyterhub.orm``: SQLAlchemy's ORM, alembic, mako
  and pygments). A single-user server never serves that page and never opens the hub's
  database, so the handler module is a stand-in with a class no request handler is, and
  ``jupyterhub.orm`` is imported the first time something uses it (never, in a learner's
  server): 0.3-0.45 CPU-seconds of every learner server's start, measured.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from typing import Any

__all__ = [
    "SERVER_SKIPPED_MODULES",
    "SKIPPED_MODULES",
    "import_on_first_use",
    "skip_hub_internals",
    "skip_server_extras",
    "skip_slow_imports",
    "skip_yarn_config",
]

SKIPPED_MODULES = ("rfc3987_syntax",)
# jsonschema's optional format checkers that only a learner's server goes without
SERVER_SKIPPED_MODULES = (
    "isoduration",
    "rfc3986_validator",
    "rfc3339_validator",
    "fqdn",
    "webcolors",
    "uri_template",
    "jsonpointer",
    "mako.ext.pygmentplugin",  # mako's error pages highlight with pygments: none are shown
)


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


def _kernel_dirs(self: Any) -> list[str]:
    """``KernelSpecManager.kernel_dirs``' default, without importing IPython for its folder."""
    from jupyter_core.paths import jupyter_path

    ipython = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
    return [*jupyter_path("kernels"), os.path.join(ipython, "kernels")]


def skip_server_extras() -> None:
    """Skip, in a learner's Jupyter server, imports nothing it does needs (see above)."""
    for name in SERVER_SKIPPED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    import jupyter_client.kernelspec

    jupyter_client.kernelspec.KernelSpecManager._kernel_dirs_default = _kernel_dirs  # type: ignore[method-assign]


class _OnFirstUse(types.ModuleType):
    """Stands in for a module until one of its attributes is used; then imports it and hands
    every attribute over from it."""

    def __getattr__(self, name: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, name)


class _NoDatabaseError(Exception):
    """Never raised: what ``jupyterhub.utils.catch_db_error`` catches in a single-user server,
    where no database is open (that decorator is the hub application's)."""


class _AttributesOnFirstUse:
    """Stands in for an object of a module imported on first use (``sqlalchemy.func``)."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)

    def __getattr__(self, attribute: str) -> Any:
        module, name = self._where
        return getattr(getattr(importlib.import_module(module), name), attribute)


def _import_hub_modules_without_sqlalchemy() -> None:
    """Import the hub modules a single-user server imports (``jupyterhub.utils``, ``.scopes``,
    ``.roles``) while ``sqlalchemy`` is a stand-in that only they keep: theirs import the
    real SQLAlchemy when first used, every later ``import sqlalchemy`` gets the real one."""
    names = ("jupyterhub.utils", "jupyterhub.scopes", "jupyterhub.roles")
    if "sqlalchemy" in sys.modules or any(name in sys.modules for name in names):
        return
    spec = importlib.util.find_spec("sqlalchemy")
    if spec is None:
        return
    package = _OnFirstUse("sqlalchemy")
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations or [])
    package.__dict__["func"] = _AttributesOnFirstUse("sqlalchemy", "func")  # jupyterhub.roles
    exc = types.ModuleType("sqlalchemy.exc")
    exc.SQLAlchemyError = _NoDatabaseError  # type: ignore[attr-defined]
    stand_ins = {"sqlalchemy": package, "sqlalchemy.exc": exc}
    sys.modules.update(stand_ins)
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


class _NoHealthCheck:
    """No request handler of a single-user server is the hub's health-check page."""


def import_on_first_use(name: str) -> None:
    """Put a stand-in for module ``name`` in ``sys.modules``: ``import name`` is then free, and
    the module is imported when one of its attributes is first used. Only for modules that
    their importers use inside functions (``from name import x`` would import it at once)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _OnFirstUse(name)
    stand_in.__spec__ = spec
    stand_in.__file__ = spec.origin
    sys.modules[name] = stand_in
    parent_name, _, child = name.rpartition(".")
    if parent_name:  # what `import parent.child` reads back
        setattr(importlib.import_module(parent_name), child, stand_in)


def skip_hub_internals() -> None:
    """Import ``jupyterhub.orm`` only when used, no hub request handlers, and
    JupyterHub's helper modules without SQLAlchemy (see above); ``requests`` only when used too (the
    extension-listing handler of JupyterLab imports it for a feature the course never
    configures: about 0.04 CPU-s)."""
    import_on_first_use("jupyterhub.orm")  # jupyterhub's __init__ itself is its version only
    import_on_first_use("requests")
    if "jupyterhub.handlers.pages" not in sys.modules:
        pages = types.ModuleType("jupyterhub.handlers.pages")
        pages.HealthCheckHandler = _NoHealthCheck  # type: ignore[attr-defined]
        sys.modules["jupyterhub.handlers.pages"] = pages
    _import_hub_modules_without_sqlalchemy()
