"""A learner's Chromium in the LTI hub tests: launches from the LMS (top level or inside the
LMS's frame) that end in the learner's own JupyterLab, and every ``Set-Cookie`` the hub and the
learner's server sent on the way.

Debian's Chromium through Playwright (tests/browser/harness.py's flags). Waits are on page
conditions (the notebook's tab current, its heading rendered), never fixed sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.browser.harness import CHROMIUM_ARGS, chromium_path

#: JupyterLab's notebook in view, with its cells rendered
NOTEBOOK_CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"
#: makes Chromium keep third-party cookies out, as a browser with them blocked does
BLOCK_THIRD_PARTY_COOKIES = "--test-third-party-cookie-phaseout"


@dataclass
class CookieLog:
    """Every ``Set-Cookie`` header a browser context received: (response URL, header)."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    def listen(self, context: Any) -> None:
        def record(response: Any) -> None:
            try:
                headers = response.headers_array()
            except Exception:  # a response whose headers are gone (page closed): none kept
                return
            for header in headers:
                if header["name"].lower() == "set-cookie":
                    for line in str(header["value"]).split("\n"):
                        self.seen.append((response.url, line))

        context.on("response", record)

    def under(self, path: str) -> list[tuple[str, str]]:
        """Headers from responses whose URL path starts with ``path`` (e.g. ``/hub/``)."""
        from urllib.parse import urlsplit

        return [(u, h) for u, h in self.seen if urlsplit(u).path.startswith(path)]


def cookie_name(header: str) -> str:
    return header.split("=", 1)[0].strip()


def attributes(header: str) -> set[str]:
    """The lower-cased attributes of one ``Set-Cookie`` header (``secure``, ``samesite=none``)."""
    return {part.strip().lower().replace(" ", "") for part in header.split(";")[1:]}


def launch_browser(playwright: Any, *, block_third_party_cookies: bool = False) -> Any:
    args = [*CHROMIUM_ARGS, *([BLOCK_THIRD_PARTY_COOKIES] if block_third_party_cookies else [])]
    return playwright.chromium.launch(executable_path=chromium_path(), args=args)


def wait_for_notebook(frame: Any, name: str, heading: str, timeout: float = 240_000) -> None:
    """Until JupyterLab in ``frame`` (a page or an iframe) shows notebook ``name`` in its
    current tab with ``heading`` rendered: the server was started, the hub's log-in passed and
    the file opened."""
    frame.wait_for_selector(NOTEBOOK_CELLS, timeout=timeout)
    frame.wait_for_selector(
        f'.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel:text-is("{name}")', timeout=timeout
    )
    frame.wait_for_selector(
        f'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1:has-text("{heading}")',
        timeout=timeout,
    )
