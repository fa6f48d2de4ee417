"""Listening to a page: a virtual screen reader in the real Chromium, and kept transcripts.

``@guidepup/virtual-screen-reader`` (pinned in ``package.json``, installed by
``make browser-deps``) is loaded into the page as an ES module; it follows the real focus
(the journeys press real keys with Playwright, never the mouse) and the live regions, and
keeps the list of phrases it speaks. :class:`Listener` starts it, returns what was said since
the last step, and checks that no mouse event happened.

Transcripts are kept as reviewed text files in ``tests/browser/transcripts/<journey>.txt``;
:func:`compare_transcript` fails with a diff when what is heard changes. After reviewing the
change, regenerate them with ``ANKLE_UPDATE_TRANSCRIPTS=1 .venv/bin/pytest
tests/browser/test_screen_reader.py`` and commit the new files.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from audit import settle
from harness import HERE

VSR_JS = HERE / "node_modules" / "@guidepup" / "virtual-screen-reader" / "lib" / "esm"
VSR_JS = VSR_JS / "index.browser.js"
TRANSCRIPTS = HERE / "transcripts"
BARE_ROLES = re.compile(r"^(image|img|graphic|group|button|figure|region)$", re.IGNORECASE)
"""A phrase that is only a role: something a learner cannot identify."""

START_JS = """async ([source, selector]) => {
  if (!window.__listener) {
    if (!source) throw new Error('the listener was never loaded in this page');
    const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
    window.__listener = (await import(url)).virtual;
    window.__mouse = [];
    for (const type of ['mousedown', 'pointerdown', 'click'])
      document.addEventListener(type, (e) => { if (e.isTrusted && e.detail > 0)
        window.__mouse.push(type); }, true);
  }
  await window.__listener.start({container: document.querySelector(selector)});
  await window.__listener.clearSpokenPhraseLog();
}"""


def vsr_source() -> str:
    if not VSR_JS.is_file():
        raise FileNotFoundError(f"{VSR_JS} is missing: run `make browser-deps`")
    return VSR_JS.read_text(encoding="utf-8")


class Listener:
    """The virtual screen reader on ``selector`` in ``page``; ``said()`` returns new phrases."""

    def __init__(self, page: Any, selector: str = "body") -> None:
        self.page = page
        self.selector = selector
        self.heard: list[str] = []
        page.evaluate(START_JS, [vsr_source(), selector])

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Not listening while the test does what no learner does, e.g. reading a diagram's
        key map by focusing each structure (``notebook_ui.arrow_map``); nothing of it is said.
        The screen reader follows every focus change of the whole notebook: left listening,
        reading the map of lesson 01's two diagrams took it 46 of the journey's 83 s."""
        self.page.evaluate("() => window.__listener.stop()")
        try:
            yield
        finally:
            self.page.evaluate(START_JS, ["", self.selector])  # started again, its log empty
            self.heard = []

    def said(self, expect: str = "", timeout_ms: float = 15_000) -> list[str]:
        """The phrases spoken since the last call (live regions are given time to speak).

        With ``expect``, waits up to ``timeout_ms`` for a phrase containing it: an answer
        that comes from the kernel may start after the page was quiet and the kernel idle
        for a moment (a loaded machine); what is returned is still everything said, so a
        phrase said twice is still seen twice."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            settle(self.page)  # the kernel idle and the page quiet: an announcement has landed
            self.page.wait_for_timeout(150)
            log: list[str] = self.page.evaluate("() => window.__listener.spokenPhraseLog()")
            new = log[len(self.heard) :]
            if not expect or any(expect in line for line in new):
                break
            if time.monotonic() > deadline:
                break  # the caller's assertion reports what was said instead
            self.page.wait_for_timeout(250)
        self.heard = list(log)
        return new

    def mouse_events(self) -> list[str]:
        events: list[str] = self.page.evaluate("() => window.__mouse")
        return events

    def stop(self) -> None:
        self.page.evaluate("() => window.__listener.stop()")


def bare_roles(phrases: list[str]) -> list[str]:
    """Phrases that say only a role ("image", "group", "button") and no name."""
    out = []
    for phrase in phrases:
        first = phrase.split(",")[0].strip()
        rest = phrase[len(first) :].strip(" ,")
        if BARE_ROLES.match(phrase.strip()) or (BARE_ROLES.match(first) and not rest):
            out.append(phrase)
    return out


STATEFUL = {
    "checkbox": ("checked",),
    "radio": ("checked",),
    "switch": ("checked",),
    "combobox": ("expanded",),
}
"""A role whose phrase must also say the state, and the words that say it."""


def missing_states(phrases: list[str]) -> list[str]:
    """Phrases of a control with a state (checkbox, radio, combobox) that name no state."""
    out = []
    for phrase in phrases:
        role = phrase.split(",")[0].strip().lower()
        if role in STATEFUL and not any(word in phrase for word in STATEFUL[role]):
            out.append(phrase)
    return out


def compare_transcript(journey: str, lines: list[str]) -> None:
    """Compare ``lines`` with the kept transcript; write it instead when asked to."""
    path = TRANSCRIPTS / f"{journey}.txt"
    text = "\n".join(lines) + "\n"
    if os.environ.get("ANKLE_UPDATE_TRANSCRIPTS") or not path.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes") and not path.exists():
            raise AssertionError(f"{path} is missing: record it with ANKLE_UPDATE_TRANSCRIPTS=1")
        TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    kept = path.read_text(encoding="utf-8")
    if kept != text:
        diff = "".join(
            difflib.unified_diff(
                kept.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"kept {path.name}",
                tofile="heard now",
            )
        )
        raise AssertionError(
            f"what a screen reader says changed ({path}); review, then regenerate with "
            f"ANKLE_UPDATE_TRANSCRIPTS=1:\n{diff}"
        )


def step(transcript: list[str], action: str, phrases: list[str]) -> None:
    """Add one step to a transcript: the key pressed, then what was heard."""
    transcript.append(f"> {action}")
    transcript.extend(f"  {p}" for p in phrases)


__all__ = [
    "TRANSCRIPTS",
    "Listener",
    "Path",
    "bare_roles",
    "compare_transcript",
    "missing_states",
    "step",
    "vsr_source",
]
