"""Voila's server extension (the explorers app at ``/voila/render/...``), loaded on first use.

Voila's server extension imports nbconvert, its templates and their filters (Markdown,
bleach, BeautifulSoup) when the server starts: about a quarter of a hub learner's start-up
CPU-seconds (``python -X importtime``), for a page that a learner opens only when they follow
the explorers link. This extension answers Voila's URLs itself and loads Voila's extension at
the first request to one of them (:mod:`course.lazy_server`); Voila's own handlers then answer,
unchanged. Enabled for hub learners (:data:`course.roles.HUB_LEARNER`) in place of Voila's.
"""

from __future__ import annotations

from typing import Any

from course.lazy_server import Routes, install, is_loaded, routes_of

__all__ = ["LOADED_MESSAGE", "VOILA_EXTENSION", "loaded"]

VOILA_EXTENSION = "voila.server_extension"
_PATTERNS = (r"/voila", r"/voila/.*")
_KEY = "course_lazy_voila"
LOADED_MESSAGE = "Voila's server extension loaded at its first request"


def _load(serverapp: Any) -> Routes:
    """Load Voila's extension as jupyter_server would, keeping the routes it adds."""
    import importlib

    extension = importlib.import_module(VOILA_EXTENSION)
    webapp = serverapp.web_app
    added: list[tuple[Any, ...]] = []
    webapp.add_handlers = lambda _host, handlers: added.extend(handlers)  # capture, not add
    try:
        extension._load_jupyter_server_extension(serverapp)
    finally:
        del webapp.add_handlers  # the class's method again
    serverapp.log.info(LOADED_MESSAGE)
    return routes_of("/", added)  # Voila's patterns already start with the base URL


def loaded(serverapp: Any) -> bool:
    """Whether Voila has been loaded in this server (for tests and logs)."""
    return is_loaded(serverapp, _KEY)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.lazy_voila"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    install(serverapp, _KEY, _PATTERNS, _load)
    serverapp.log.info("Voila (the explorers app) loads at its first request")
