"""Browser test fixtures: one JupyterLab server and one Chromium per session (per xdist worker).

The server runs on a free port with a token over a temporary copy of the notebooks, with the
learner's progress file and course folder in a temporary directory; it is stopped by PID at
teardown. Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright's Python API. With
``CI=true`` a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import (
    SCREENSHOTS,
    BrowserMissingError,
    Server,
    chromium_path,
    launch_chromium,
    start_lab,
    temporary_home,
)

TRAP_NOTEBOOK = "zz_planted_faults.ipynb"

# One fault of each kind the audit claims to find; test_accessibility.py requires every one
# to be reported, so a green audit of the lessons means something.
PLANTED_CELLS = {
    "heading-order": "HTML('<h4>A heading that skips a level</h4>')",
    "axe:aria-input-field-name": "ipywidgets.IntSlider()",
    "axe:color-contrast": (
        "HTML('<p style=\"color:#b0b0b0;background:#ffffff\">Pale text that is hard to read.</p>')"
    ),
    "axe:link-in-text-block": (
        'HTML(\'<p style="color:#222">Read <a href="https://example.invalid/" '
        'style="color:#555;text-decoration:none">the guide</a> before you start.</p>\')'
    ),
    "image-name": (
        "display(Image(PNG))\n"
        'HTML(\'<img alt="Image" src="data:image/png;base64,\'\n'
        "     + base64.b64encode(PNG).decode() + '\">')"
    ),
    "radio-group": "ipywidgets.RadioButtons(options=['Yes', 'No'], description='Planted')",
    "toggle-state": "ipywidgets.ToggleButtons(options=['Outer side', 'Inner side'])",
    "icon-glyph-in-name": "ipywidgets.Button(description='Refresh', icon='refresh')",
    "focus-lost": (
        "box = ipywidgets.VBox()\n"
        "def rebuild(_button=None):\n"
        "    button = ipywidgets.Button(description='Rebuild me')\n"
        "    button.on_click(rebuild)\n"
        "    box.children = [button]\n"
        "rebuild()\n"
        "box"
    ),
    "live-region-late": (
        "saved = ipywidgets.HTML()\n"
        "save = ipywidgets.Button(description='Save')\n"
        "save.on_click(lambda _b: setattr(saved, 'value', '<p role=\"status\">Saved.</p>'))\n"
        "ipywidgets.VBox([save, saved])"
    ),
    "not-announced": (
        "count = ipywidgets.HTML('<p>Pressed 0 times</p>')\n"
        "press = ipywidgets.Button(description='Count')\n"
        "press.on_click(lambda _b: setattr(count, 'value', '<p>Pressed 1 time</p>'))\n"
        "ipywidgets.VBox([press, count])"
    ),
}
PLANTED_SETUP = (
    "import base64, io\n"
    "import ipywidgets\n"
    "from IPython.display import HTML, Image, display\n"
    "from matplotlib.figure import Figure\n"
    "_buffer = io.BytesIO()\n"
    "Figure(figsize=(1.5, 1)).savefig(_buffer, format='png')\n"
    "PNG = _buffer.getvalue()"
)


WCAG_TRAP_NOTEBOOK = "zz_planted_wcag_faults.ipynb"
# One fault for each WCAG check of wcag.py; test_wcag.py requires every one to be reported.
WCAG_PLANTED_CELLS = {
    "target-size": (
        "HTML('<p><button style=\"width:14px;height:14px;padding:0;margin:0\">a</button>'\n"
        "     '<button style=\"width:14px;height:14px;padding:0;margin:0\">b</button></p>')"
    ),
    "reflow": (
        'HTML(\'<div style="width:560px;border:1px solid #333">A box 560 px wide, whatever'
        " the width of the window.</div>')"
    ),
    "resize-text": (
        'HTML(\'<div style="height:22px;overflow:hidden;white-space:nowrap;line-height:normal">'
        "A line of text in a box of fixed height.</div>')"
    ),
    "text-spacing": (
        "HTML('<div style=\"font:14px monospace;width:100px;white-space:nowrap;"
        "overflow:hidden\">Tight words</div>')"
    ),
    "non-text-contrast": (
        'DiagramView(svg=\'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 60"'
        ' width="300"><g class="structure" data-structure="tibia"><path'
        ' d="M10 10 H90 V50 H10 Z" style="fill:#ffffff;stroke:#d0d0d0;stroke-width:1"/>'
        "</g></svg>', names={'tibia': 'A pale outline'}, order=['tibia'])"
    ),
    "focus-visible": (
        "HTML('<style>.planted-nofocus:focus { outline: none !important;"
        ' box-shadow: none !important; }</style><button class="planted-nofocus"'
        ' style="border:1px solid #333;background:#fff;color:#111">No focus ring</button>\')'
    ),
    "focus-obscured": (
        'HTML(\'<div style="position:relative;height:40px"><button>Covered</button>'
        '<div style="position:absolute;inset:0;background:#fff"></div></div>\')'
    ),
    "forced-colours": (
        'HTML(\'<button style="border:none;background:#0b5cad;color:#fff;padding:6px 12px">'
        "Borderless</button>')"
    ),
    "reduced-motion": (
        "HTML('<style>@keyframes planted-spin { to { transform: rotate(360deg); } }</style>"
        '<div style="display:inline-block;animation:planted-spin 3s linear infinite">'
        "Spinning</div>')"
    ),
}
WCAG_SETUP = "from IPython.display import HTML\nfrom course.widgets.diagram import DiagramView"


def trap_notebook(planted: dict[str, str] | None = None, setup: str = PLANTED_SETUP) -> str:
    """A throw-away notebook with one planted accessibility fault of each kind."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell("# Planted faults"), new_code_cell(setup)]
    cells.append(new_markdown_cell("## Each cell below holds one fault"))
    cells += [new_code_cell(source) for source in (planted or PLANTED_CELLS).values()]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return str(nbformat.writes(nb))


VIEWPORT = {"width": 1280, "height": 1300}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module. Not for the session: while Playwright's sync API is
    started, its event loop counts as running in this thread, so every later test module that
    pytest-xdist puts on the same worker would fail at ``asyncio.run`` or ``sync_playwright``."""
    try:
        chromium_path()
    except BrowserMissingError as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true and no browser: {exc}")
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def lab_home() -> Iterator[Path]:
    home = temporary_home("ankle-browser-")
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def lab(lab_home: Path) -> Iterator[Server]:
    """A real ``jupyter lab`` over a temporary copy of the course notebooks."""
    server = start_lab(
        lab_home,
        {
            TRAP_NOTEBOOK: trap_notebook(),
            WCAG_TRAP_NOTEBOOK: trap_notebook(WCAG_PLANTED_CELLS, WCAG_SETUP),
        },
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        tabs = [v for v in getattr(item, "funcargs", {}).values() if hasattr(v, "screenshot")]
        for tab in tabs[:1]:
            if tab.is_closed():
                continue
            folder = SCREENSHOTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            try:
                tab.screenshot(path=str(folder / f"{item.name}.png"), full_page=True)
            except Exception as exc:  # the page may be gone; the test failure is what matters
                report.sections.append(("failure screenshot", repr(exc)))


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab (own context) per test; page errors are collected on it."""
    (SCREENSHOTS / "failures" / f"{request.node.name}.png").unlink(missing_ok=True)
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
