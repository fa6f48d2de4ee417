"""nbgrader's learner server extensions (the Assignments tab and Validate), loaded on first use.

Importing nbgrader's ``assignment_list`` and ``validate_assignment`` server extensions imports
all of nbgrader (its apps, exchange and gradebook models): about one CPU-second of the two a
learner's server spends before it answers, measured with cProfile, paid by all sixty learners
of a lecture that starts at once although most of them only read lessons. This server
extension answers nbgrader's URLs itself and imports nbgrader at the first request to one of
them (a learner opening the Assignments tab, fetching, submitting or validating); the request
is then handled by nbgrader's own handler, unchanged (:mod:`course.lazy_server`). Enabled for
hub learners (:data:`course.roles.HUB_LEARNER`) in place of nbgrader's two extensions. A
server forked by the hub's fork server finds nbgrader's modules imported already, once for the
class (:mod:`course.hub.forkserver`), so its first fetch costs no import either.
"""

from __future__ import annotations

import importlib
from typing import Any

from course.lazy_server import Routes, install, is_loaded, routes_of

__all__ = ["NBGRADER_EXTENSIONS", "loaded"]

# nbgrader's modules whose handlers this extension stands in for, in nbgrader's load order
NBGRADER_EXTENSIONS = (
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
)
# every URL those extensions serve (nbgrader's default_handlers), below the server's base URL
_PATTERNS = (r"/assignments", r"/assignments/.*", r"/courses", r"/nbgrader_version")
_KEY = "course_lazy_nbgrader"


def _load(serverapp: Any) -> Routes:
    """Load nbgrader's extensions as jupyter_server would; their routes."""
    base = serverapp.web_app.settings["base_url"]
    routes: Routes = []
    for name in NBGRADER_EXTENSIONS:
        handlers = importlib.import_module(f"{name}.handlers")
        handlers.load_jupyter_server_extension(serverapp)
        routes += routes_of(base, handlers.default_handlers)
    return routes


def loaded(serverapp: Any) -> bool:
    """Whether nbgrader has been loaded in this server (for tests and logs)."""
    return is_loaded(serverapp, _KEY)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.lazy_nbgrader"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    install(serverapp, _KEY, _PATTERNS, _load)
    serverapp.log.info("nbgrader's Assignments and Validate load at their first request")
