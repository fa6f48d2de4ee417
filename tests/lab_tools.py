"""What a person sees of nbgrader and JupyterLab's extras in a real JupyterLab page.

Shared by the learner-mode browser test (``ankle-course lab``) and the hub's end-to-end test
(learner and instructor servers). Every check reads the page as Chromium renders it.
"""

from __future__ import annotations

import json
from typing import Any

NEWS_PROMPT = "Would you like to get notified about official Jupyter news?"
SHOWN_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
NOTEBOOK_TOOLBAR = f"{SHOWN_NOTEBOOK} .jp-NotebookPanel-toolbar"


def wait_for_notebook(page: Any, timeout: float = 120_000) -> None:
    """Wait until a notebook is open with its toolbar, and JupyterLab has settled.

    Only the notebook shown counts: a tab JupyterLab restored from the page's last visit is
    behind it, and its cells are never visible."""
    page.wait_for_selector(f"{NOTEBOOK_TOOLBAR} .jp-Toolbar-item", timeout=timeout)
    page.wait_for_selector(f"{SHOWN_NOTEBOOK} .jp-Cell", timeout=timeout)
    # the notification centre and side panels are added as plugins activate; give the
    # news prompt (a toast on the first screen) the time it takes to appear in a stock lab
    page.wait_for_timeout(3000)


def nbgrader_menu_items(page: Any) -> list[str]:
    """The labels in the menu bar's "Nbgrader" menu (empty when there is no such menu)."""
    menu = page.locator(".lm-MenuBar-item", has_text="Nbgrader")
    if menu.count() == 0:
        return []
    menu.first.click()
    items = page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return [item.strip() for item in items if item.strip()]


def lab_tools(page: Any) -> dict[str, Any]:
    """Which nbgrader tools and prompts the current JupyterLab page shows."""
    toolbar = page.locator(NOTEBOOK_TOOLBAR).first
    config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
    return {
        "menu": nbgrader_menu_items(page),
        "create_assignment": page.locator('[data-id="nbgrader-create_assignemnt"]').count() > 0,
        "validate": toolbar.get_by_text("Validate", exact=True).first.is_visible(),
        "news_prompt": page.get_by_text(NEWS_PROMPT).count() > 0,
        "notebook_switcher": toolbar.get_by_text("Notebook", exact=True).count() > 0,
        "disabled": sorted(config.get("disabledExtensions", [])),
        "extension_manager": (config.get("extensionManager") or {}).get("name"),
    }
