"""A learner's Chromium in the LTI hub tests: launches from the LMS (top level or inside the
LMS's frame) that end in the learner's own JupyterLab, and every ``Set-Cookie`` the hub and the
learner's server sent on the way.

Debian's Chromium through Playwright (tests/browser/harness.py's flags). Waits are on page
conditions (the notebook's tab current, its heading rendered), never fixed sleeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.harness import CHROMIUM_ARGS, chromium_path
from tests.lab_tools import SHOWN_NOTEBOOK


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


def launch_browser(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def browser_profile(playwright: Any, folder: Path, *, third_party_cookies: bool) -> Any:
    """Chromium with a profile of its own in ``folder`` whose cookie setting allows or blocks
    third-party cookies (Chrome's "Third-party cookies" setting, ``cookie_controls_mode`` 0 or
    1 in the profile's Preferences). A browser context; close it when done. The hub's test
    certificate is accepted as a person accepts it once."""
    default = folder / "Default"
    default.mkdir(parents=True, exist_ok=True)
    mode = 0 if third_party_cookies else 1
    preferences = {"profile": {"cookie_controls_mode": mode}}
    (default / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")
    return playwright.chromium.launch_persistent_context(
        str(folder),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        ignore_https_errors=True,
        viewport={"width": 1100, "height": 820},
    )


def wait_for_notebook(frame: Any, name: str, heading: str, timeout: float = 240_000) -> None:
    """Until JupyterLab in ``frame`` (a page or an iframe) shows notebook ``name`` in its
    current tab with ``heading`` rendered: the server was started, the hub's log-in passed and
    the file opened."""
    frame.wait_for_selector(f"{SHOWN_NOTEBOOK} .jp-Notebook .jp-Cell", timeout=timeout)
    frame.wait_for_selector(
        f'.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel:text-is("{name}")', timeout=timeout
    )
    frame.wait_for_selector(
        f'{SHOWN_NOTEBOOK} .jp-RenderedMarkdown h1:has-text("{heading}")',
        timeout=timeout,
    )
