"""Work every learner's first lesson needs, done by their server right after it starts.

The first notebook a Jupyter server opens pays for building ``nbformat``'s schema validator
and opening the notebook-trust database (about 0.1 CPU-second, measured); its first
JupyterLab page for compiling the page's template and reading the system information the
page carries (a ``git`` subprocess; together about 20 ms of a 23 ms first page, 7 ms after).
A class whose servers were warmed before the lecture (``ankle-course hub warm``) would
otherwise pay it when sixty learners open their first lesson in the same minute. This server
extension does it once the server has started and answered (a few seconds later, on its event
loop), so a warmed server opens the lesson at once; a cold one does the same work it would
have done at the first lesson anyway. Enabled for hub learners
(:data:`course.roles.HUB_LEARNER`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DELAY_SECONDS", "LAB_PAGE", "first_lesson_imports", "prime"]

DELAY_SECONDS = 5.0  # after the server starts answering: its start and first answers first


LAB_PAGE = ("lab_jinja2_env", "index.html")  # JupyterLab's page: its template, by name


def first_lesson_imports() -> None:
    """The part of a first lesson's set-up that belongs to the process, not to a server: build
    nbformat's validator, import anyio's asyncio back end (the contents service's first file
    read) and read the system information every Jupyter page carries (Jupyter Server keeps it
    for the process). The hub's fork server does it once for every server it forks."""
    import anyio._backends._asyncio  # noqa: F401
    import nbformat
    from jupyter_server.base.handlers import json_sys_info

    nbformat.validate(nbformat.v4.new_notebook())  # type: ignore[no-untyped-call]
    json_sys_info()  # type: ignore[no-untyped-call]


def prime(serverapp: Any) -> None:
    """Do :func:`first_lesson_imports`, open the trust database and compile JupyterLab's page
    template, as a first lesson would."""
    first_lesson_imports()
    notary = getattr(serverapp.contents_manager, "notary", None)
    if notary is not None:
        _ = notary.store  # the signature database, created or opened
    env_name, page = LAB_PAGE
    env = serverapp.web_app.settings.get(env_name)
    if env is not None:
        env.get_template(page)  # compiled once and kept by the server's template environment
    serverapp.log.info(
        "ready for the first lesson (notebook validator, trust store and JupyterLab's page)"
    )


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.prime"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()
    # the delay counts from the loop's start (when the server begins to answer), not from now
    loop.add_callback(lambda: loop.call_later(DELAY_SECONDS, prime, serverapp))
