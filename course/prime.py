"""Work every learner's first lesson needs, done by their server right after it starts.

The first notebook a Jupyter server opens pays for building ``nbformat``'s schema validator
and opening the notebook-trust database (about 0.1 CPU-second, measured). A class whose
servers were warmed before the lecture (``ankle-course hub warm``) would otherwise pay it when
sixty learners open their first lesson in the same minute. This server extension does it once
the server has started and answered (a few seconds later, on its event loop), so a warmed server
opens the lesson at once; a cold one does the same work it would have done at the first
lesson anyway. Enabled for hub learners (:data:`course.roles.HUB_LEARNER`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DELAY_SECONDS", "first_lesson_imports", "prime"]

DELAY_SECONDS = 5.0  # after the server starts answering: its start and first answers first


def first_lesson_imports() -> None:
    """The part of a first lesson's set-up that belongs to the process, not to a server: build
    nbformat's validator and import anyio's asyncio back end (the contents service's first
    file read). The hub's fork server does it once for every server it forks."""
    import anyio._backends._asyncio  # noqa: F401
    import nbformat

    nbformat.validate(nbformat.v4.new_notebook())  # type: ignore[no-untyped-call]


def prime(serverapp: Any) -> None:
    """Do :func:`first_lesson_imports` and open the trust database, as a first lesson would."""
    first_lesson_imports()
    notary = getattr(serverapp.contents_manager, "notary", None)
    if notary is not None:
        _ = notary.store  # the signature database, created or opened
    serverapp.log.info("ready for the first lesson (notebook validator and trust store)")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.prime"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()
    # the delay counts from the loop's start (when the server begins to answer), not from now
    loop.add_callback(lambda: loop.call_later(DELAY_SECONDS, prime, serverapp))
