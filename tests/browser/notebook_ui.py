"""What a learner does in JupyterLab and Voila, as Playwright steps with real DOM waits.

Used by the browser tests and by ``benchmarks/browser_latency.py``. Every wait is on a
condition of the page (a prompt number, a kernel status, an element), never a fixed sleep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import SCREENSHOTS, Server, axe_source

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'
KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""
ALL_CELLS_RAN_JS = """(selector) => {
  const prompts = [...document.querySelectorAll(selector + ' .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def open_notebook(page: Any, server: Server, name: str, timeout: float = 90_000) -> None:
    """Open ``name`` in JupyterLab and wait until its kernel is connected and idle."""
    page.goto(server.url(f"lab/tree/{name}"))
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=timeout)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout)


def run_all_cells(page: Any, timeout: float = 120_000) -> None:
    """Run > Run All Cells from the menu bar, then wait until every code cell has run."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(ALL_CELLS_RAN_JS, arg=NOTEBOOK, timeout=timeout)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout)


def error_outputs(page: Any, scope: str = NOTEBOOK) -> list[str]:
    """Texts of every error or stderr output (tracebacks, warnings) shown in ``scope``."""
    texts: list[str] = page.locator(f"{scope} {STDERR}").all_inner_texts()
    return texts


def cell_output(page: Any, containing: str) -> Any:
    """The output area of the code cell whose source contains ``containing``."""
    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text=containing)
    )
    return cell.first.locator(".jp-OutputArea")


@dataclass
class Shots:
    """Numbered step screenshots under ``artifacts/screenshots/<journey>/``."""

    journey: str
    folder: Path = field(init=False)
    count: int = field(default=0, init=False)
    saved: list[Path] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.folder = SCREENSHOTS / self.journey
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def __call__(self, page: Any, step: str, element: Any = None) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "_", step.lower()).strip("_")
        path = self.folder / f"{self.count:02d}_{slug}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
            element.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path))
        self.saved.append(path)
        return path


SEVERE = ("serious", "critical")


def axe_violations(page: Any, include: list[str], exclude: list[str] | None = None) -> list[Any]:
    """Run the pinned axe-core on the elements matching ``include``; return all violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    present = [s for s in include if page.locator(s).count() > 0]
    if not present:
        raise AssertionError(f"nothing to audit: no element matches {include}")
    context = {"include": [[s] for s in present], "exclude": [[s] for s in exclude or []]}
    result = page.evaluate(
        "async (context) => await window.axe.run(context, {resultTypes: ['violations']})",
        context,
    )
    violations: list[Any] = result["violations"]
    return violations


def describe(violations: list[Any]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} - {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
    return "\n".join(lines)


def tab_to(page: Any, target: Any, max_presses: int = 400) -> int:
    """Press Tab (only Tab) until ``target`` or an element inside it has the focus.

    Returns the number of presses; fails when the target is not reachable by keyboard.
    """
    handle = target.element_handle()
    is_focused = "(el) => !!document.activeElement && el.contains(document.activeElement)"
    for presses in range(max_presses + 1):
        if page.evaluate(is_focused, handle):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab in {max_presses} presses: {target}")


def focused_description(page: Any) -> str:
    """Tag, role and accessible-name hints of the focused element (for failure messages)."""
    description: str = page.evaluate(
        """() => { const e = document.activeElement; if (!e) return 'nothing';
        return `${e.tagName} role=${e.getAttribute('role')} label=${e.getAttribute('aria-label')}
        text=${(e.textContent || '').trim().slice(0, 40)}`; }"""
    )
    return description


# --- the course diagrams (anywidget SVG: one <g class="structure"> per structure) ---------


def diagram(page: Any, scope: str) -> Any:
    """The first course diagram (an SVG holding structures) inside ``scope``."""
    return page.locator(f"{scope} svg:has(g.structure)").first


def structure(page: Any, scope: str, structure_id: str) -> Any:
    return diagram(page, scope).locator(f'g.structure[data-structure="{structure_id}"]').first


def info_panel(page: Any, scope: str) -> Any:
    """The explorer's info panel (the live region naming the selected structure)."""
    return page.locator(f"{scope} .ankle-info").first


def keyboard_select_structure(page: Any, scope: str, structure_id: str) -> None:
    """Select a structure with the keyboard only: Tab into the diagram, arrows, Enter."""
    svg = diagram(page, scope)
    tab_to(page, svg)
    wanted = structure(page, scope, structure_id)
    handle = wanted.element_handle()
    for _ in range(120):
        if page.evaluate("(el) => document.activeElement === el", handle):
            page.keyboard.press("Enter")
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"{structure_id} not reachable with the arrow keys")
