"""nbgrader's learner server extensions (the Assignments tab and Validate), loaded on first use.

Importing nbgrader's ``assignment_list`` and ``validate_assignment`` server extensions imports
all of nbgrader (its apps, exchange and gradebook models): about one CPU-second of the two a
learner's server spends before it answers, measured with cProfile, paid by all sixty learners
of a lecture that starts at once although most of them only read lessons. This server
extension answers nbgrader's URLs itself and imports nbgrader at the first request to one of
them (a learner opening the Assignments tab, fetching, submitting or validating); the request
is then handled by nbgrader's own handler, unchanged. Enabled for hub learners
(:data:`course.roles.HUB_LEARNER`) in place of nbgrader's two extensions.
"""

from __future__ import annotations

import threading
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web
from tornado.routing import PathMatches

__all__ = ["NBGRADER_EXTENSIONS", "loaded"]

# nbgrader's modules whose handlers this extension stands in for, in nbgrader's load order
NBGRADER_EXTENSIONS = (
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
)
# every URL those extensions serve (nbgrader's default_handlers), below the server's base URL
_PATTERNS = (r"/assignments", r"/assignments/.*", r"/courses", r"/nbgrader_version")


class _State:
    def __init__(self, serverapp: Any) -> None:
        self.serverapp = serverapp
        self.routes: list[tuple[PathMatches, type[web.RequestHandler]]] | None = None
        self.lock = threading.Lock()


def _load(state: _State) -> list[tuple[PathMatches, type[web.RequestHandler]]]:
    """Load nbgrader's extensions as jupyter_server would (once); their routes."""
    with state.lock:
        if state.routes is None:
            import importlib

            base = state.serverapp.web_app.settings["base_url"]
            routes = []
            for name in NBGRADER_EXTENSIONS:
                handlers = importlib.import_module(f"{name}.handlers")
                handlers.load_jupyter_server_extension(state.serverapp)
                routes += [
                    (PathMatches(url_path_join(base, pattern)), handler)
                    for pattern, handler in handlers.default_handlers
                ]
            state.routes = routes
        return state.routes


class _LazyNbgraderHandler(web.RequestHandler):
    """Loads nbgrader at the first request, then hands every request to nbgrader's handler."""

    def initialize(self, state: _State) -> None:
        self._state = state

    async def _execute(self, transforms: Any, *args: bytes, **kwargs: bytes) -> None:
        for matcher, handler_class in _load(self._state):
            match = matcher.match(self.request)
            if match is not None:
                handler = handler_class(self.application, self.request)
                await handler._execute(
                    transforms, *match.get("path_args", []), **match.get("path_kwargs", {})
                )
                return
        self._transforms = transforms
        self.send_error(404)


def loaded(serverapp: Any) -> bool:
    """Whether nbgrader has been loaded in this server (for tests and logs)."""
    state = serverapp.web_app.settings.get("course_lazy_nbgrader")
    return bool(state is not None and state.routes is not None)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.lazy_nbgrader"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    state = _State(serverapp)
    webapp = serverapp.web_app
    webapp.settings["course_lazy_nbgrader"] = state
    base = webapp.settings["base_url"]
    webapp.add_handlers(
        ".*$",
        [
            (url_path_join(base, pattern), _LazyNbgraderHandler, {"state": state})
            for pattern in _PATTERNS
        ],
    )
    serverapp.log.info("nbgrader's Assignments and Validate load at their first request")
