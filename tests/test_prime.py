"""course.prime: a learner server does its first lesson's set-up before the learner arrives.

The server extension itself is started in a real JupyterLab by ``test_lazy_nbgrader.py``;
here, what ``prime`` leaves behind: the page's template compiled in the server's own template
environment, the system information kept for the process, and the trust store opened.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import jinja2

from course import prime


class _CountingLoader(jinja2.DictLoader):
    """A template loader that counts how often a template's source is read (and compiled)."""

    def __init__(self, templates: dict[str, str]) -> None:
        super().__init__(templates)
        self.reads = 0

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        self.reads += 1
        return super().get_source(environment, template)


class _Notary:
    def __init__(self) -> None:
        self.opened = 0

    @property
    def store(self) -> object:
        self.opened += 1
        return object()


def _server(settings: dict[str, Any]) -> Any:
    return SimpleNamespace(
        web_app=SimpleNamespace(settings=settings),
        contents_manager=SimpleNamespace(notary=_Notary()),
        log=logging.getLogger("test_prime"),
    )


def test_the_lab_page_is_compiled_before_the_first_learner_asks() -> None:
    env_name, page = prime.LAB_PAGE
    loader = _CountingLoader({page: "<html>{{ page_config }}</html>"})
    env = jinja2.Environment(loader=loader, autoescape=True)
    server = _server({env_name: env})

    prime.prime(server)

    assert loader.reads == 1
    assert server.contents_manager.notary.opened == 1
    # the learner's first page: the compiled template is used, its source not read again
    assert env.get_template(page).render(page_config="{}") == "<html>{}</html>"
    assert loader.reads == 1


def test_a_server_without_jupyterlab_is_primed_without_a_page() -> None:
    server = _server({})
    prime.prime(server)  # nothing to compile: no error
    assert server.contents_manager.notary.opened == 1


def test_the_system_information_of_every_page_is_kept_for_the_process() -> None:
    from jupyter_server.base import handlers

    handlers._sys_info_cache = None  # as in a process that has served no page yet
    prime.first_lesson_imports()
    assert handlers._sys_info_cache is not None
    assert "sys_version" in handlers._sys_info_cache
