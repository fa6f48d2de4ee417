"""What a learner does in JupyterLab and Voila, as Playwright steps with real DOM waits.

Used by the browser tests and by ``benchmarks/browser_latency.py``. Every wait is on a
condition of the page (a prompt number, a kernel status, an element), never a fixed sleep.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import SCREENSHOTS, Server
from lab_tools import SHOWN_NOTEBOOK

NOTEBOOK = f"{SHOWN_NOTEBOOK} .jp-Notebook"
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
    """Open ``name`` in JupyterLab and wait until its kernel is connected and idle.

    Each call uses a fresh, empty JupyterLab workspace, so the page holds only this notebook
    (no tabs restored from an earlier test).
    """
    workspace = f"t{uuid.uuid4().hex[:12]}"
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{name}?reset"))
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


# The picture a diagram shows: its front end keeps one box per picture and shows one (the
# explorer keeps the views shown before laid out in boxes not shown).
SHOWN_PICTURE = ".ankle-view.is-shown > svg:has(g.structure)"


def diagram(page: Any, scope: str) -> Any:
    """The first course diagram (the SVG holding structures it shows) inside ``scope``."""
    return page.locator(f"{scope} {SHOWN_PICTURE}").first


def structure(page: Any, scope: str, structure_id: str) -> Any:
    return diagram(page, scope).locator(f'g.structure[data-structure="{structure_id}"]').first


# The point of a structure nearest its box's centre where a click lands on it (not on a
# structure drawn over it, nor beside a thin outline): the centre itself can miss a fan-shaped
# ligament by a fraction of a pixel.
_VISIBLE_POINT_JS = """(g) => {
  const r = g.getBoundingClientRect();
  const n = 16;
  let best = null;
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      const x = r.x + (r.width * i) / n, y = r.y + (r.height * j) / n;
      if (document.elementFromPoint(x, y)?.closest('g.structure') !== g) continue;
      const d = (x - r.x - r.width / 2) ** 2 + (y - r.y - r.height / 2) ** 2;
      if (!best || d < best.d) best = { x, y, d };
    }
  }
  return best;
}"""


def click_structure(page: Any, scope: str, structure_id: str) -> None:
    """Click the structure where a learner would: on a part of it that is on top."""
    target = structure(page, scope, structure_id)
    target.scroll_into_view_if_needed()
    point = target.evaluate(_VISIBLE_POINT_JS)
    assert point, f"no part of {structure_id} can be clicked"
    page.mouse.click(point["x"], point["y"])


def info_panel(page: Any, scope: str) -> Any:
    """The explorer's info panel (the live region naming the selected structure)."""
    return page.locator(f"{scope} .ankle-info").first


ARROW_MAP_JS = """(scope) => {
  const svg = document.querySelector(`${scope} SHOWN_PICTURE`);
  const groups = [...svg.querySelectorAll('g.structure[tabindex]')];
  const back = document.activeElement;
  const map = {};
  for (const g of groups) {
    map[g.dataset.structure] = {};
    for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp']) {
      g.focus();
      g.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
      const now = document.activeElement.closest && document.activeElement.closest('g.structure');
      map[g.dataset.structure][key] = now ? now.dataset.structure : '';
    }
  }
  if (back && back.focus) back.focus();
  return map;
}""".replace("SHOWN_PICTURE", SHOWN_PICTURE)


def arrow_map(page: Any, scope: str) -> dict[str, dict[str, str]]:
    """Where each arrow key leads from each structure of the diagram in ``scope`` (read from the
    widget's own key handling, so the keys a learner presses can be planned)."""
    found: dict[str, dict[str, str]] = page.evaluate(ARROW_MAP_JS, scope)
    return found


def arrow_route(moves: dict[str, dict[str, str]], start: str, goal: str) -> list[str]:
    """The shortest list of arrow keys from ``start`` to ``goal`` (breadth-first)."""
    routes: dict[str, list[str]] = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        if here == goal:
            return routes[here]
        for key, there in moves.get(here, {}).items():
            if there and there not in routes:
                routes[there] = [*routes[here], key]
                queue.append(there)
    raise AssertionError(f"{goal} cannot be reached from {start} with the arrow keys")


def keyboard_select_structure(page: Any, scope: str, structure_id: str) -> int:
    """Select a structure with the keyboard only: Tab into the diagram, the arrow keys along
    the shortest route (they move in space: the nearest structure that way), Enter.

    Returns the number of arrow presses it took from the diagram's first stop.
    """
    svg = diagram(page, scope)
    tab_to(page, svg)
    start = page.evaluate("() => document.activeElement.dataset.structure")
    keys = arrow_route(arrow_map(page, scope), start, structure_id)
    for key in keys:
        page.keyboard.press(key)
    focused = page.evaluate("() => document.activeElement.dataset.structure")
    assert focused == structure_id, f"the arrow keys led to {focused}, not {structure_id}"
    page.keyboard.press("Enter")
    return len(keys)


def mark_scope(element: Any, name: str) -> str:
    """Tag ``element`` (e.g. one cell's output area) and return a plain CSS selector for it."""
    element.evaluate("(el, name) => el.setAttribute('data-browser-test', name)", name)
    return f'[data-browser-test="{name}"]'


CONTROLS = (
    "button, input:not([type=hidden]), select, textarea, a[href], [role=button], [role=slider],"
    " [role=checkbox], [role=radio], [role=tab], [tabindex]:not([tabindex='-1'])"
)
USABLE_JS = """function usable(el) {
  if (el.disabled || el.closest('[inert]')) return false;
  if (el.getAttribute('aria-hidden') === 'true') return false;
  if (el.tabIndex < 0 && !el.matches('[role=radio], input[type=radio]')) return false;
  const box = el.getBoundingClientRect();
  // not hidden, nor in a hidden box (visibility, display, content-visibility: hidden)
  return box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true });
}"""


_PRESSES_PER_LOOK = 8


def keyboard_walk(page: Any, scope: str, max_presses: int = 1500) -> tuple[int, list[str]]:
    """Tab from the first control in ``scope`` to the last; return (controls, unreached).

    Every usable control (buttons, inputs, selects, focusable diagram structures, sliders)
    inside ``scope`` must receive the focus from Tab alone. Radio buttons count as reached
    when any radio of their group is (arrow keys move inside a group, as in every browser).
    """
    page.evaluate(
        "([scope, selector]) => {"
        + USABLE_JS
        + """
          const ok = usable;
          const all = [...document.querySelectorAll(scope)].flatMap(
            s => [...s.querySelectorAll(selector)]).filter(ok);
          all.forEach((el, i) => el.setAttribute('data-walk', String(i)));
          window.__walk = { total: all.length, seen: new Set() };
          document.addEventListener('focusin', (e) => {
            const el = e.target.closest('[data-walk]');
            if (!el) return;
            window.__walk.seen.add(el.getAttribute('data-walk'));
            if (el.matches('input[type=radio]')) {
              const group = `input[type=radio][name="${el.name}"][data-walk]`;
              for (const r of document.querySelectorAll(group))
                window.__walk.seen.add(r.getAttribute('data-walk'));
            }
          });
          if (all.length) all[0].focus();
        }""",
        [scope, CONTROLS],
    )
    total: int = page.evaluate("() => window.__walk.total")
    # Tab in runs of a few presses between looks (a look costs as much as a press) until the
    # last control has had the focus; presses past it move the focus beyond the course's
    # outputs, which counts nothing
    for _ in range(0, max_presses, _PRESSES_PER_LOOK):
        if total == 0 or page.evaluate(
            "(last) => window.__walk.seen.has(last)",
            str(total - 1),
        ):
            break
        for _press in range(_PRESSES_PER_LOOK):
            page.keyboard.press("Tab")
    unreached: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('[data-walk]')]
          .filter(el => !window.__walk.seen.has(el.getAttribute('data-walk')))
          .map(el => el.outerHTML.slice(0, 160))"""
    )
    return total, unreached


def text_alternatives_missing(page: Any, scope: str) -> list[str]:
    """Pictures in ``scope`` without a text alternative in the DOM.

    Course diagrams (SVG) need a <title>/<desc> or an aria-label on the SVG or its figure
    group; <img> needs a non-empty alt; <canvas> needs an aria-label or a labelled parent.
    """
    missing: list[str] = page.evaluate(
        """(scope) => {
          const out = [];
          const named = (el) => !!el && ((el.getAttribute('aria-label') || '').trim().length > 10
            || (el.getAttribute('aria-labelledby') || '').length > 0);
          for (const root of document.querySelectorAll(scope)) {
            for (const svg of root.querySelectorAll('svg')) {
              const small = svg.getBoundingClientRect().width < 64;
              if (small || svg.closest('button, [aria-hidden=true]')) continue; // icons
              const title = svg.querySelector(':scope > title, :scope > desc');
              const ok = (title && title.textContent.trim().length > 10) || named(svg)
                || named(svg.closest('[role=group], [role=img], figure'));
              if (!ok) out.push('svg: ' + svg.outerHTML.slice(0, 120));
            }
            for (const img of root.querySelectorAll('img')) {
              if (!(img.getAttribute('alt') || '').trim())
                out.push('img: ' + img.outerHTML.slice(0, 120));
            }
            for (const canvas of root.querySelectorAll('canvas')) {
              if (!named(canvas) && !named(canvas.closest('[role=img], [role=group], figure')))
                out.push('canvas: ' + canvas.outerHTML.slice(0, 120));
            }
          }
          return out;
        }""",
        scope,
    )
    return missing
