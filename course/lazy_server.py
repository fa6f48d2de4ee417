"""Server extensions a learner's server loads at their first request, not at start.

Sixty learners of a lecture start their servers in the same minute on a few cores, and every
CPU-second a server spends before it answers is paid sixty times. An extension that most
learners never use in a lesson (nbgrader's Assignments and Validate, Voila's explorers app) can
wait: :func:`install` answers the extension's URLs with a stand-in handler that loads the real
extension at the first request to one of them (once, under a lock) and hands that request and
every later one to the extension's own handler, unchanged. Used by :mod:`course.lazy_nbgrader`
and :mod:`course.lazy_voila`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web
from tornado.routing import PathMatches

__all__ = ["Routes", "install", "is_loaded", "routes_of"]

# (URL pattern, handler class[, init kwargs]) as tornado's add_handlers takes them
Routes = list[tuple[PathMatches, type[web.RequestHandler], dict[str, Any]]]


class _State:
    def __init__(self, serverapp: Any, load: Callable[[Any], Routes]) -> None:
        self.serverapp = serverapp
        self.load = load
        self.routes: Routes | None = None
        self.lock = threading.Lock()

    def get(self) -> Routes:
        with self.lock:
            if self.routes is None:
                self.routes = self.load(self.serverapp)
            return self.routes


class _LazyHandler(web.RequestHandler):
    """Loads the extension at the first request, then hands every request to its handler."""

    def initialize(self, state: _State) -> None:
        self._state = state

    async def _execute(self, transforms: Any, *args: bytes, **kwargs: bytes) -> None:
        for matcher, handler_class, init in self._state.get():
            match = matcher.match(self.request)
            if match is not None:
                handler = handler_class(self.application, self.request, **init)
                await handler._execute(
                    transforms, *match.get("path_args", []), **match.get("path_kwargs", {})
                )
                return
        self._transforms = transforms
        self.send_error(404)


def routes_of(base: str, handlers: Sequence[tuple[Any, ...]]) -> Routes:
    """Tornado handler tuples (pattern below ``base``, class[, kwargs]) as matchable routes."""
    return [
        (PathMatches(url_path_join(base, spec[0])), spec[1], dict(spec[2]) if len(spec) > 2 else {})
        for spec in handlers
    ]


def install(
    serverapp: Any, key: str, patterns: Sequence[str], load: Callable[[Any], Routes]
) -> None:
    """Answer ``patterns`` (below the base URL) by loading the extension with ``load`` at the
    first request; ``key`` names it in the web app's settings (see :func:`is_loaded`)."""
    state = _State(serverapp, load)
    webapp = serverapp.web_app
    webapp.settings[key] = state
    base = webapp.settings["base_url"]
    webapp.add_handlers(
        ".*$",
        [(url_path_join(base, pattern), _LazyHandler, {"state": state}) for pattern in patterns],
    )


def is_loaded(serverapp: Any, key: str) -> bool:
    """Whether the extension installed under ``key`` has been loaded in this server."""
    state = serverapp.web_app.settings.get(key)
    return bool(state is not None and state.routes is not None)
