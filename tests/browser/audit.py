"""The accessibility audit: axe-core on measurable outputs, and Chromium's accessibility tree.

axe-core alone misses what a screen-reader learner meets in JupyterLab: the page body is 0 px
high with ``overflow:hidden``, so axe treats every output as off-screen and its colour-contrast
and link rules check nothing; an ``<img>`` named only "Image" counts as named for axe. So:

- :func:`axe_findings` scrolls each output into view (on a tall viewport, with the body given
  the window's height) and runs axe on outputs wholly on screen (one run for the outputs that
  are on screen together), so colour contrast and links are measured; it reports how many
  colour-contrast checks passed, which shows they ran.
- :func:`tree_findings` reads the accessibility tree Chromium gives screen readers
  (CDP ``Accessibility.getFullAXTree``): radios in a named group sharing a ``name``,
  toggle buttons exposing a pressed state, images with a real name, headings without
  skipped levels.
- :func:`interaction_findings` operates each kind of control with the keyboard (Enter on
  buttons, arrow keys on radios and selects) and checks that the focus stays on a control
  (not the page body), that a change of the output is announced by a live region that
  existed before, and that no live region is created together with its text.

Every check is proved to bite by planted faults (``test_accessibility.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from harness import axe_source

BLOCKING = ("moderate", "serious", "critical")
AUDIT_VIEWPORT = {"width": 1280, "height": 2400}
# JupyterLab's body is 0 px high with overflow:hidden: axe would clip everything away.
MEASURABLE_CSS = "html, body { height: 100% !important; min-height: 100vh !important; }"
UNNAMED_IMAGE = re.compile(r"^\s*(image|img|graphic)?\s*$", re.IGNORECASE)
TOGGLE_CLASS = re.compile(r"(^|[\s-])(mod-active|active|selected|toggle|toggled|is-on)(\s|$|-)")


@dataclass(frozen=True)
class Finding:
    """One audit finding: its kind (e.g. ``radio-group``), a description, and the impact."""

    kind: str
    detail: str
    impact: str = "serious"

    def __str__(self) -> str:
        return f"{self.impact}: {self.kind}: {self.detail}"


@dataclass
class AxeReport:
    findings: list[Finding] = field(default_factory=list)
    contrast_passed: int = 0
    contrast_incomplete: int = 0
    links_checked: int = 0
    outputs: int = 0


def _mark_outputs(page: Any, scope: str) -> int:
    count: int = page.evaluate(
        """(scope) => {
          const all = [...document.querySelectorAll(scope)];
          all.forEach((el, i) => el.setAttribute('data-audit', String(i)));
          return all.length;
        }""",
        scope,
    )
    return count


def make_measurable(page: Any) -> None:
    """A tall viewport and a body as high as the window, so outputs scrolled into view are
    on screen for axe (colour contrast, links)."""
    page.set_viewport_size(AUDIT_VIEWPORT)
    page.add_style_tag(content=MEASURABLE_CSS)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())


IN_VIEW_JS = """async ([attr, start, count]) => {
  const at = (i) => document.querySelector(`[${attr}="${i}"]`);
  // what of an element's page is on screen: the window, clipped by every ancestor that clips
  // (its own cell's output area clips it, but not the outputs of other cells)
  const shown = (el) => {
    let top = 0, bottom = window.innerHeight;
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(a).overflowY)) {
        const box = a.getBoundingClientRect();
        top = Math.max(top, box.top);
        bottom = Math.min(bottom, box.bottom);
      }
    }
    const box = el.getBoundingClientRect();
    return box.top >= top && box.bottom <= bottom;
  };
  at(start).scrollIntoView({block: 'start'});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const group = [start];
  for (let i = start + 1; i < count; i++) {
    const el = at(i);
    if (!shown(el)) break;
    if (group.some(j => at(j).contains(el) || el.contains(at(j)))) break;
    group.push(i);
  }
  return group;
}"""


def in_view_groups(page: Any, attr: str, count: int) -> Any:
    """The elements ``[attr="0"]`` ... ``[attr="count-1"]`` in groups that are on screen
    together: each group's first element scrolled to the top (as one would scroll each in
    turn), then the elements after it that are wholly on screen as well (none inside another).
    Yields each group's selectors while it is in view, for one axe run over the group instead
    of one per element: an axe run costs about as much for one output as for a screenful."""
    start = 0
    while start < count:
        group: list[int] = page.evaluate(IN_VIEW_JS, [attr, start, count])
        yield [f'[{attr}="{i}"]' for i in group]
        start = group[-1] + 1


AXE_JS = """async (selectors) => {
  const r = await window.axe.run({include: selectors.map(s => [s])},
    {resultTypes: ['violations', 'passes', 'incomplete']});
  const count = (list, id) => (list.find(x => x.id === id) || {nodes: []}).nodes.length;
  return {
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => [String(n.target), n.html.slice(0, 140)])})),
    contrastPassed: count(r.passes, 'color-contrast'),
    contrastIncomplete: count(r.incomplete, 'color-contrast'),
    links: count(r.passes, 'link-name') + count(r.violations, 'link-name'),
  };
}"""


def axe_findings(page: Any, scope: str, impacts: tuple[str, ...] = BLOCKING) -> AxeReport:
    """axe-core on the outputs matching ``scope``, each wholly on screen (:func:`in_view_groups`:
    outputs on screen together share one axe run)."""
    make_measurable(page)
    report = AxeReport(outputs=_mark_outputs(page, scope))
    if report.outputs == 0:
        raise AssertionError(f"nothing to audit: no element matches {scope}")
    seen: set[tuple[str, str]] = set()
    for selectors in in_view_groups(page, "data-audit", report.outputs):
        result = page.evaluate(AXE_JS, selectors)
        report.contrast_passed += result["contrastPassed"]
        report.contrast_incomplete += result["contrastIncomplete"]
        report.links_checked += result["links"]
        for v in result["violations"]:
            if v["impact"] not in impacts:
                continue
            for target, html in v["nodes"]:
                if (v["id"], target) in seen:
                    continue
                seen.add((v["id"], target))
                report.findings.append(
                    Finding(f"axe:{v['id']}", f"{v['help']}: {target}: {html}", v["impact"])
                )
    return report


# --- Chromium's accessibility tree (CDP) ----------------------------------------------------


@dataclass
class AXNode:
    id: str
    role: str
    name: str
    ignored: bool
    props: dict[str, Any]
    backend: int | None
    children: list[AXNode] = field(default_factory=list)
    parent: AXNode | None = None

    def walk(self) -> Any:
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self) -> Any:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def ax_roots(page: Any, scope: str) -> list[AXNode]:
    """The accessibility-tree nodes of the elements matching ``scope`` (with their subtrees)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        document = cdp.send("DOM.getDocument", {"depth": 0})
        found = cdp.send(
            "DOM.querySelectorAll", {"nodeId": document["root"]["nodeId"], "selector": scope}
        )
        wanted = []
        for node_id in found["nodeIds"]:
            described = cdp.send("DOM.describeNode", {"nodeId": node_id})
            wanted.append(described["node"]["backendNodeId"])
        raw = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    nodes: dict[str, AXNode] = {}
    for n in raw:
        props = {p["name"]: p["value"].get("value") for p in n.get("properties", [])}
        nodes[n["nodeId"]] = AXNode(
            id=n["nodeId"],
            role=str(n.get("role", {}).get("value", "")),
            name=str(n.get("name", {}).get("value", "") or ""),
            ignored=bool(n.get("ignored")),
            props=props,
            backend=n.get("backendDOMNodeId"),
        )
    for n in raw:
        node = nodes[n["nodeId"]]
        for child_id in n.get("childIds", []):
            child = nodes.get(child_id)
            if child is not None:
                child.parent = node
                node.children.append(child)
    by_backend = {n.backend: n for n in nodes.values() if n.backend is not None}
    return [by_backend[b] for b in wanted if b in by_backend]


def _live(nodes: list[AXNode]) -> list[AXNode]:
    return [n for root in nodes for n in root.walk() if not n.ignored]


def radio_findings(roots: list[AXNode]) -> list[Finding]:
    """Each radio is in a group named by its question, with more than one option in it."""
    out = []
    for node in _live(roots):
        if node.role != "radio":
            continue
        group = next(
            (a for a in node.ancestors() if a.role in ("radiogroup", "group") and not a.ignored),
            None,
        )
        if group is None or not group.name.strip():
            out.append(Finding("radio-group", f"radio {node.name!r} is in no named group"))
            continue
        size = node.props.get("setsize")
        radios = [n for n in group.walk() if n.role == "radio" and not n.ignored]
        if size is not None and int(size) < 2 <= len(radios):
            out.append(Finding("radio-group", f"radio {node.name!r} is announced as 1 of {size}"))
    return out


def radio_name_findings(page: Any, scope: str) -> list[Finding]:
    """Radios of one group share a ``name`` (arrow keys move within it, Tab leaves it)."""
    problems: list[str] = page.evaluate(
        """(scope) => {
          const out = [];
          for (const root of document.querySelectorAll(scope)) {
            const groups = new Map();
            for (const r of root.querySelectorAll('input[type=radio]')) {
              const box = r.closest('fieldset, [role=radiogroup], [role=group]')
                || r.parentElement.parentElement;
              if (!groups.has(box)) groups.set(box, []);
              groups.get(box).push(r);
            }
            for (const radios of groups.values()) {
              const names = new Set(radios.map(r => r.name));
              if (radios.length > 1 && (names.size !== 1 || names.has('')))
                out.push(radios.map(r => (r.labels[0] || r).textContent.trim()).join(' / '));
            }
          }
          return out;
        }""",
        scope,
    )
    return [Finding("radio-group", f"radios share no name: {p}") for p in problems]


def toggle_findings(page: Any, roots: list[AXNode], scope: str) -> list[Finding]:
    """Buttons that look like toggles (an active/selected class) expose a pressed state."""
    cdp_classes: dict[int, str] = page.evaluate(
        """(scope) => {
          const out = {};
          let i = 0;
          for (const root of document.querySelectorAll(scope))
            for (const b of root.querySelectorAll('button, [role=button]')) {
              const own = typeof b.className === 'string' ? b.className : '';
              const parent = b.parentElement && typeof b.parentElement.className === 'string'
                ? b.parentElement.className : '';
              b.setAttribute('data-audit-button', String(i));
              out[i++] = own + ' | ' + parent;
            }
          return out;
        }""",
        scope,
    )
    looks_toggle = {
        int(k)
        for k, classes in cdp_classes.items()
        if TOGGLE_CLASS.search(classes.split(" | ")[0]) or "toggle" in classes.split(" | ")[1]
    }
    toggles: list[str] = page.evaluate(
        """(ids) => ids.map(i => {
          const b = document.querySelector(`[data-audit-button="${i}"]`);
          return (b.getAttribute('aria-label') || b.textContent || '').trim();
        })""",
        sorted(looks_toggle),
    )
    named_pressed = {
        n.name.strip()
        for n in _live(roots)
        if n.role in ("button", "togglebutton") and n.props.get("pressed") is not None
    }
    out = []
    for name in toggles:
        if name not in named_pressed:
            out.append(Finding("toggle-state", f"toggle button {name!r} exposes no pressed state"))
    return out


def image_findings(roots: list[AXNode]) -> list[Finding]:
    """Images have a real name: empty, or only "Image", counts as unnamed."""
    out = []
    for node in _live(roots):
        if node.role in ("image", "img", "graphics-document") and UNNAMED_IMAGE.match(node.name):
            out.append(Finding("image-name", f"image named {node.name!r}", "critical"))
    return out


PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def glyph_findings(roots: list[AXNode]) -> list[Finding]:
    """No icon-font glyph (Unicode private use area) in a name: screen readers read it out as
    an unknown character."""
    return [
        Finding("icon-glyph-in-name", f"{node.role} named {node.name!r}")
        for node in _live(roots)
        if node.role != "StaticText" and PRIVATE_USE.search(node.name)
    ]


def heading_findings(roots: list[AXNode]) -> list[Finding]:
    """Headings, in reading order, never skip a level (h2 followed by h4)."""
    out = []
    previous = 0
    for node in _live(roots):
        if node.role != "heading":
            continue
        level = int(node.props.get("level") or 2)
        if previous and level > previous + 1:
            out.append(
                Finding("heading-order", f"h{level} {node.name!r} follows h{previous}", "moderate")
            )
        previous = level
    return out


def tree_findings(page: Any, scope: str, headings_scope: str | None = None) -> list[Finding]:
    """Radio groups, toggle states, image names (in ``scope``) and heading order (in
    ``headings_scope``, by default the same), read from Chromium's accessibility tree."""
    roots = ax_roots(page, scope)
    heading_roots = roots if headings_scope is None else ax_roots(page, headings_scope)
    return [
        *radio_findings(roots),
        *radio_name_findings(page, scope),
        *toggle_findings(page, roots, scope),
        *image_findings(roots),
        *glyph_findings(roots),
        *heading_findings(heading_roots),
    ]


# --- operating the controls ------------------------------------------------------------------

SETTLE_JS = """(quietMs) => {
  if (!window.__auditMutations) {
    window.__auditMutations = { last: performance.now() };
    new MutationObserver(() => { window.__auditMutations.last = performance.now(); })
      .observe(document.body,
               {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  const idle = !kernel || kernel.status === 'idle';
  return idle && performance.now() - window.__auditMutations.last > quietMs;
}"""

CANDIDATES_JS = """([scope, done]) => {
  const seen = new Set(done);
  const out = [];
  const usable = (el) => {
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') return false;
    if (el.closest('[hidden], [aria-hidden=true]')) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const name = (el) => ((el.getAttribute('aria-label') || (el.labels && el.labels[0]
    && el.labels[0].textContent) || el.textContent || el.title || '').trim());
  let i = 0;
  for (const root of document.querySelectorAll(scope)) {
    const controls = root.querySelectorAll(
      'button, input[type=radio], input[type=checkbox], input[type=range], select');
    for (const el of controls) {
      if (!usable(el)) continue;
      let key;
      if (el.matches('input[type=radio]')) {
        const group = el.closest('fieldset, [role=radiogroup], .widget-radio-box')
          || el.parentElement;
        key = 'radio:' + (group.className || '') + ':'
          + (group.querySelector('legend') ? 'legend' : '');
      } else if (el.matches('select')) {
        key = 'select:' + name(el).slice(0, 30);
      } else if (el.matches('input[type=checkbox]')) {
        key = 'checkbox:' + (root.getAttribute('data-audit') || '');  // one per output
      } else if (el.matches('input[type=range]')) {
        key = 'range:' + name(el).slice(0, 30);
      } else {
        key = 'button:' + name(el).split(/[:,(]/)[0].trim();
      }
      if (seen.has(key)) continue;
      el.setAttribute('data-audit-control', String(i));
      return {index: i, key, name: name(el).slice(0, 80)};
    }
  }
  return null;
}"""

SNAPSHOT_JS = """(index) => {
  const el = document.querySelector(`[data-audit-control="${index}"]`);
  const output = el.closest('.jp-OutputArea-output') || el.closest('[data-audit]') || document.body;
  const regions = [...output.querySelectorAll(
    '[role=status], [role=alert], [role=log], [aria-live]')]
    .filter(r => r.getAttribute('aria-live') !== 'off');
  regions.forEach(r => { r.__auditBefore = r.textContent; r.__auditOld = true; });
  window.__auditControl = {el, output, text: output.innerText,
    state: ['aria-pressed', 'aria-checked'].map(a => el.getAttribute(a)).join()
      + el.checked + el.value};
}"""

VERDICT_JS = """() => {
  const {el, output, text, state} = window.__auditControl;
  const active = document.activeElement;
  const regions = [...output.querySelectorAll(
    '[role=status], [role=alert], [role=log], [aria-live]')]
    .filter(r => r.getAttribute('aria-live') !== 'off');
  const announced = regions.some(r => r.__auditOld && r.textContent !== r.__auditBefore
    && r.textContent.trim());
  const said = regions.filter(r => r.__auditOld && r.textContent !== r.__auditBefore
    && r.textContent.trim()).map(r => r.textContent.trim().slice(0, 100));
  const born = regions.filter(r => !r.__auditOld && r.textContent.trim())
    .map(r => r.textContent.trim().slice(0, 60));
  const focusLost = !active || active === document.body || !document.contains(active);
  const stateOf = (e) => ['aria-pressed', 'aria-checked'].map(a => e.getAttribute(a)).join()
    + e.checked + e.value;
  // A control whose own state changed (pressed, checked, value) announces itself.
  const ownState = !!active && (active === el ? stateOf(el) !== state
    : active.matches('input[type=radio]') && active.checked);
  const isRadio = el.matches('input[type=radio]');
  const sameGroup = isRadio && !!active && active !== el && active.matches('input[type=radio]')
    && active.name === el.name && active.name !== '';
  return {
    focusLost,
    focusInOutput: !!active && output.contains(active),
    changed: output.innerText !== text,
    announced: announced || ownState,
    said,
    born,
    radioMoved: !isRadio || sameGroup,
    focused: active ? (active.getAttribute('aria-label') || (active.labels && active.labels[0]
      && active.labels[0].textContent) || active.textContent || active.tagName)
      .trim().slice(0, 60) : '',
  };
}"""


def settle(page: Any, quiet_ms: int = 300, timeout: float = 30_000) -> None:
    """Wait until the kernel (if any) is idle and the page has not changed for ``quiet_ms``."""
    page.wait_for_function(SETTLE_JS, arg=quiet_ms, timeout=timeout)


def interaction_findings(page: Any, scope: str) -> tuple[list[Finding], list[str]]:
    """Operate one control of each kind in ``scope`` with the keyboard (Enter on buttons,
    Space on checkboxes, Space and an arrow key on radios, an arrow key on selects and
    sliders); returns the findings and a log of what was operated (for the docs)."""
    findings: list[Finding] = []
    log: list[str] = []
    done: list[str] = []
    settle(page)
    for step in range(200):
        # the next kind of control not yet operated, looked up afresh after each step
        page.evaluate(
            "() => document.querySelectorAll('[data-audit-control]')"
            ".forEach(e => e.removeAttribute('data-audit-control'))"
        )
        c = page.evaluate(CANDIDATES_JS, [scope, done])
        if c is None:
            break
        c["index"] = step
        page.evaluate(
            "(i) => document.querySelector('[data-audit-control]')"
            ".setAttribute('data-audit-control', String(i))",
            step,
        )
        done.append(c["key"])
        control = page.locator(f'[data-audit-control="{c["index"]}"]')
        control.scroll_into_view_if_needed()
        page.evaluate(SNAPSHOT_JS, c["index"])
        control.focus()
        radio = c["key"].startswith("radio:")
        if radio and page.evaluate(
            '(i) => !document.querySelector(`[data-audit-control="${i}"]`).checked', c["index"]
        ):
            page.keyboard.press("Space")  # choose the first option, then move with an arrow
            settle(page)
            page.evaluate(SNAPSHOT_JS, c["index"])
        key = {"button": "Enter", "checkbox": "Space"}.get(c["key"].split(":")[0], "ArrowDown")
        page.keyboard.press(key)
        settle(page)
        verdict = page.evaluate(VERDICT_JS)
        what = f"{key} on {c['name']!r}"
        said = "; ".join(verdict["said"]) or "-"
        log.append(f"{what}: focus on {verdict['focused']!r}; live region: {said}")
        if verdict["focusLost"] or not verdict["focusInOutput"]:
            findings.append(Finding("focus-lost", f"{what}: focus went to the page body"))
        if not verdict["radioMoved"]:
            findings.append(
                Finding("radio-arrows", f"{what}: the arrow key did not move within the group")
            )
        if verdict["born"]:
            findings.append(
                Finding("live-region-late", f"{what}: live region created with {verdict['born']}")
            )
        elif verdict["changed"] and not verdict["announced"]:
            findings.append(Finding("not-announced", f"{what}: the output changed silently"))
    return findings, log


# --- what a screen reader reads ------------------------------------------------------------

SPOKEN = {
    "heading",
    "button",
    "radio",
    "checkbox",
    "radiogroup",
    "group",
    "status",
    "image",
    "img",
    "combobox",
    "textbox",
    "slider",
    "spinbutton",
    "link",
    "table",
    "list",
    "figure",
}


def transcript(page: Any, scope: str, limit: int = 400) -> list[str]:
    """The accessibility tree of ``scope`` as a screen reader lists it: role, name, state."""
    lines = []
    for node in _live(ax_roots(page, scope)):
        if node.role not in SPOKEN or (node.role in ("group", "list") and not node.name):
            continue
        if node.role == "textbox" and not node.name:
            continue  # a code cell's editor (JupyterLab's, not the course's)
        states = []
        if node.role == "heading":
            states.append(f"level {node.props.get('level')}")
        for prop in ("checked", "pressed", "disabled", "expanded"):
            value = node.props.get(prop)
            if value not in (None, False, "false") or (prop in ("checked", "pressed") and value):
                states.append(f"{prop}={value}")
        if node.props.get("live"):
            states.append(f"live={node.props['live']}")
        depth = sum(1 for a in node.ancestors() if a.role in SPOKEN and not a.ignored)
        label = node.name
        if node.role == "status":  # what the live region holds now
            label = " ".join(
                n.name for n in node.walk() if n.role == "StaticText" and not n.ignored
            ).strip()
        name = label if len(label) <= 110 else label[:107] + "..."
        extra = f" [{', '.join(states)}]" if states else ""
        lines.append(f"{'  ' * min(depth, 4)}{node.role} {name!r}{extra}")
        if len(lines) >= limit:
            break
    return lines
