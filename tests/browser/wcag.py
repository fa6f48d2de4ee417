"""WCAG 2.2 AA criteria that axe-core does not test (or tests only when asked), in the browser.

Each check returns :class:`audit.Finding` s for the outputs matching ``scope`` and is proved to
bite by a planted fault (``test_wcag.py``, ``WCAG_PLANTED``):

- :func:`target_size_findings` - 2.5.8 Target size (minimum): axe's ``target-size`` rule (off
  by default) and a geometry check of every control: at least 24 x 24 CSS px, or spaced so that
  a 24 px circle on it touches no other target or circle. A control's target includes its
  ``<label>``. Diagram structures use the criterion's *equivalent* exception: every structure
  is also chosen by the explorer's *Find* box and *Show* button (and by its label on the
  picture), which meet the minimum.
- :func:`reflow_findings` - 1.4.10 Reflow at 320 CSS px: nothing wider than its output, no
  scroll box, no label cut with "…".
- :func:`clipping_findings` with :data:`TEXT_200` / :data:`TEXT_SPACING` - 1.4.4 Resize text
  (200 %) and 1.4.12 Text spacing (the WCAG bookmarklet's values): no text clipped, no two
  controls overlapping.
- :func:`contrast_findings` - 1.4.11 Non-text contrast, computed from the SVG's own colours:
  structure outlines against the ground, the selection outline and the focus ring against the
  structure's fill, caution-zone hatching against the zone's fill; HTML focus rings against the
  page: at least 3:1.
- :func:`focus_findings` - 2.4.7 Focus visible and 2.4.11 Focus not obscured (minimum): every
  control, each diagram structure included, shows a focus indicator and is not hidden by
  anything drawn over it when focused.
- :func:`forced_colour_findings` - forced colours (Windows high contrast, emulated): every
  button keeps a border, structures keep an outline, selection and focus differ from a plain
  structure.
- :func:`motion_findings` - prefers-reduced-motion: nothing moves by itself, and pressing
  *Play the strokes* draws them without sliding.
"""

from __future__ import annotations

import re
from typing import Any

from audit import AUDIT_VIEWPORT, Finding, in_view_groups, make_measurable, settle

CONTROLS = (
    "button, [role=button], input:not([type=hidden]), select, textarea, a[href], [role=slider],"
    " [role=radio], [role=checkbox], [role=tab]"
)
STRUCTURES = "g.structure[tabindex]"
TEXT_200 = (
    ":root { --jp-content-font-size0: 20px; --jp-content-font-size1: 28px;"
    " --jp-content-font-size2: 34px; --jp-content-font-size3: 40px;"
    " --jp-ui-font-size0: 20px; --jp-ui-font-size1: 26px; --jp-ui-font-size2: 30px;"
    " --jp-widgets-font-size: 26px; --jp-widgets-inline-height: 56px; }"
    " .jp-OutputArea-output { font-size: 200%; }"
)
"""Text at 200 %: JupyterLab's and ipywidgets' font-size variables doubled (what a browser's
text-only zoom does to them), and any other output text set to 200 %."""
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)
"""The WCAG 1.4.12 text-spacing values (the W3C's bookmarklet)."""
MIN_TARGET = 24.0
NON_TEXT_CONTRAST = 3.0


def _marked(page: Any, scope: str) -> int:
    count: int = page.evaluate(
        """(scope) => { const all = [...document.querySelectorAll(scope)];
          all.forEach((el, i) => el.setAttribute('data-wcag', String(i))); return all.length; }""",
        scope,
    )
    return count


# --- 2.5.8 target size ----------------------------------------------------------------------

TARGETS_JS = """([scope, selector]) => {
  const usable = (el) => {
    if (el.disabled || el.closest('[hidden], [aria-hidden=true], .ankle-sr-only')) return false;
    if (el.matches('g.structure')) return false;  // the equivalent exception (module docstring)
    if (el.matches('a')) {  // the inline exception: a link inside a sentence
      const block = el.parentElement && el.parentElement.closest('p, li, td, dd, span, div');
      if (block && block.textContent.trim().length > el.textContent.trim().length) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true });
  };
  const out = [];
  for (const root of document.querySelectorAll(scope)) {
    for (const el of root.querySelectorAll(selector)) {
      if (!usable(el)) continue;
      // a control's <label> is part of its target (a click on it operates the control)
      const label = el.closest('label') || (el.labels && el.labels[0]);
      const box = (label && label.contains(el) ? label : el).getBoundingClientRect();
      const name = (el.getAttribute('aria-label') || (el.labels && el.labels[0]
        && el.labels[0].textContent) || el.textContent || el.title || el.tagName).trim();
      out.push({name: name.slice(0, 60), x: box.left + scrollX, y: box.top + scrollY,
                w: box.width, h: box.height});
    }
  }
  return out;
}"""


def _circle_hits(a: dict[str, float], b: dict[str, float], radius: float) -> bool:
    """Whether a circle of ``radius`` on the centre of ``a`` reaches the box ``b``."""
    cx, cy = a["x"] + a["w"] / 2, a["y"] + a["h"] / 2
    nx = min(max(cx, b["x"]), b["x"] + b["w"])
    ny = min(max(cy, b["y"]), b["y"] + b["h"])
    return (cx - nx) ** 2 + (cy - ny) ** 2 < radius**2


def small_targets(targets: list[dict[str, Any]]) -> list[str]:
    """Targets under 24 x 24 px whose 24 px circle meets another target or another small
    target's circle (WCAG 2.2, 2.5.8 spacing exception)."""
    small = [t for t in targets if t["w"] < MIN_TARGET - 0.5 or t["h"] < MIN_TARGET - 0.5]
    out = []
    for t in small:
        for other in targets:
            if other is t or (other["x"], other["y"], other["w"], other["h"]) == (
                t["x"],
                t["y"],
                t["w"],
                t["h"],
            ):
                continue
            undersized = other in small
            cx, cy = other["x"] + other["w"] / 2, other["y"] + other["h"] / 2
            circles_meet = (
                undersized
                and (cx - t["x"] - t["w"] / 2) ** 2 + (cy - t["y"] - t["h"] / 2) ** 2
                < MIN_TARGET**2
            )
            if _circle_hits(t, other, MIN_TARGET / 2) or circles_meet:
                out.append(
                    f"{t['name']!r} is {t['w']:.0f} x {t['h']:.0f} px, too near {other['name']!r}"
                )
                break
    return out


def target_size_findings(page: Any, scope: str, axe: bool = True) -> list[Finding]:
    """2.5.8: axe's ``target-size`` rule on each output on screen, and the geometry check."""
    make_measurable(page)
    findings = [
        Finding("target-size", problem)
        for problem in small_targets(page.evaluate(TARGETS_JS, [scope, CONTROLS]))
    ]
    if axe:
        for selectors in in_view_groups(page, "data-wcag", _marked(page, scope)):
            result = page.evaluate(
                """async (selectors) => {
                  const r = await window.axe.run({include: selectors.map(s => [s])},
                    {runOnly: ['target-size'], resultTypes: ['violations']});
                  return r.violations.flatMap(v => v.nodes.map(n => String(n.target)));
                }""",
                selectors,
            )
            findings += [Finding("axe:target-size", target) for target in result]
    return findings


# --- 1.4.10 reflow, 1.4.4 resize text, 1.4.12 text spacing ---------------------------------

OVERFLOW_JS = """(scope) => {
  const out = [];
  const hiddenVisually = (el) => {
    const s = getComputedStyle(el);
    return s.clip === 'rect(0px, 0px, 0px, 0px)' || el.closest('.ankle-sr-only, [hidden]');
  };
  for (const root of document.querySelectorAll(scope)) {
    const box = root.getBoundingClientRect();
    for (const el of root.querySelectorAll('*')) {
      // data tables and preformatted text need two dimensions (the criterion's exception)
      if (hiddenVisually(el) || el.closest('svg, table, pre')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const s = getComputedStyle(el);
      const what = `${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}`
        + ` '${(el.textContent || '').trim().slice(0, 40)}'`;
      if (r.right > box.right + 1 || r.left < box.left - 1)
        out.push(`${what} sticks out of its output (${Math.round(r.left)}-${Math.round(r.right)}`
          + ` px in ${Math.round(box.left)}-${Math.round(box.right)} px)`);
      else if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
        out.push(`${what} scrolls sideways`);
      if (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
        out.push(`${what} is cut off with an ellipsis`);
    }
  }
  return [...new Set(out)];
}"""

CLIPPING_JS = """([scope, selector]) => {
  const out = [];
  const textual = (el) => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  for (const root of document.querySelectorAll(scope)) {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('svg, .ankle-sr-only, [hidden], [aria-hidden=true]')) continue;
      if (!textual(el) && !el.matches('input, select, button')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const s = getComputedStyle(el);
      const clipsX = ['hidden', 'clip'].includes(s.overflowX);
      const clipsY = ['hidden', 'clip'].includes(s.overflowY);
      const what = `${el.tagName.toLowerCase()} '${(el.textContent || el.value || '')
        .trim().slice(0, 40)}'`;
      if ((clipsX && el.scrollWidth > el.clientWidth + 2)
          || (clipsY && el.scrollHeight > el.clientHeight + 2))
        out.push(`${what} is clipped (${el.scrollWidth}x${el.scrollHeight} in`
          + ` ${el.clientWidth}x${el.clientHeight})`);
    }
    const controls = [...root.querySelectorAll(selector)].filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && !el.closest('svg, .ankle-sr-only, [hidden]');
    });
    for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 2 && h > 2)
        out.push(`'${(a.textContent || a.value || a.tagName).trim().slice(0, 30)}' overlaps`
          + ` '${(b.textContent || b.value || b.tagName).trim().slice(0, 30)}'`);
    }
  }
  return [...new Set(out)];
}"""


NARROW_LAB_JS = """(narrow) => {
  const shell = window.jupyterapp && window.jupyterapp.shell;
  // the Voila app has no side bars (Voila 0.5 has a shell, without collapseLeft)
  if (!shell || typeof shell.collapseLeft !== 'function') return;
  if (narrow) {
    window.__wideMode = shell.mode;
    shell.mode = 'single-document';
    shell.collapseLeft();
    shell.collapseRight();
  } else if (window.__wideMode) {
    shell.mode = window.__wideMode;
  }
}"""


def reflow_findings(page: Any, scope: str, width: int = 320) -> list[Finding]:
    """1.4.10: at ``width`` CSS px, nothing in an output needs sideways scrolling or is cut.

    JupyterLab is put in single-document mode with its side bars closed, as a learner on a
    narrow window has it (its own layout is JupyterLab's, not the course's)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(NARROW_LAB_JS, True)
    settle(page)
    found = [Finding("reflow", f"at {width} px: {p}") for p in page.evaluate(OVERFLOW_JS, scope)]
    page.evaluate(NARROW_LAB_JS, False)
    page.set_viewport_size(AUDIT_VIEWPORT)
    settle(page)
    return found


def clipping_findings(page: Any, scope: str, css: str, kind: str) -> list[Finding]:
    """Text clipped or controls overlapping once ``css`` (bigger text, wider spacing) applies."""
    handle = page.add_style_tag(content=css)
    settle(page)
    found = [Finding(kind, p) for p in page.evaluate(CLIPPING_JS, [scope, CONTROLS])]
    handle.evaluate("(el) => el.remove()")
    settle(page)
    return found


# A diagram structure on screen (the colour and forced-colour checks): not in a layer switched
# off (display: none), nor in a view the explorer keeps rendered but does not show
# (content-visibility: hidden).
SHOWN_STRUCTURE_JS = """  const shown = (g) => { const r = g.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && g.checkVisibility({ visibilityProperty: true })
      && !g.closest('.is-off, [hidden]'); };"""


# --- 1.4.11 non-text contrast ------------------------------------------------------------------

COLOURS_JS = (
    """(scope) => {
  const out = [];
"""
    + SHOWN_STRUCTURE_JS
    + """
  const paint = (el) => { const s = getComputedStyle(el);
    return {stroke: s.stroke, fill: s.fill, fillOpacity: s.fillOpacity,
            opacity: s.opacity, strokeOpacity: s.strokeOpacity, strokeWidth: s.strokeWidth}; };
  const ground = (svg) => {
    const outline = [...svg.querySelectorAll('path')].find(p => !p.closest('g.structure')
      && getComputedStyle(p).fill !== 'none' && p.getBBox().width > svg.getBBox().width / 3);
    return outline ? getComputedStyle(outline).fill : 'rgb(255, 255, 255)';
  };
  for (const root of document.querySelectorAll(scope)) {
    for (const svg of root.querySelectorAll('svg')) {
      // the structures drawn (a layer switched off is display:none: not on screen)
      const groups = [...svg.querySelectorAll('g.structure[tabindex]')].filter(shown);
      if (!groups.length) continue;
      const back = ground(svg);
      for (const g of groups.slice(0, 60)) {
        const path = g.querySelector('path');
        if (!path) continue;
        const was = g.classList.contains('is-selected');  // measured unselected, then restored
        g.classList.remove('is-selected');
        const plain = paint(path);
        g.classList.add('is-selected');
        const selected = paint(path);
        g.classList.remove('is-selected');
        g.focus({focusVisible: true});
        const focused = paint(path);
        g.blur();
        g.classList.toggle('is-selected', was);
        const hatch = g.querySelector('[fill^="url("], [style*="url(#"]') ? (() => {
          const ref = (path.getAttribute('style') || '') + (path.getAttribute('fill') || '');
          const id = (ref.match(/url\\(#([^)]+)\\)/) || [])[1];
          const pattern = id && svg.querySelector(`[id="${id}"]`);
          const line = pattern && pattern.querySelector('path');
          return line ? getComputedStyle(line).stroke : null;
        })() : null;
        out.push({id: g.dataset.structure, kind: (g.getAttribute('aria-label') || ''),
                  ground: back, plain, selected, focused, hatch});
      }
    }
  }
  return out;
}"""
)

RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def parse_colour(css: str) -> tuple[float, float, float, float] | None:
    """``rgb(...)``/``rgba(...)``/``#rrggbb`` to (r, g, b, alpha) with channels 0-255."""
    css = css.strip()
    if css.startswith("#") and len(css) == 7:
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), 1.0)
    m = RGB.match(css)
    if not m:
        return None
    alpha = float(m.group(4)) if m.group(4) is not None else 1.0
    return (float(m.group(1)), float(m.group(2)), float(m.group(3)), alpha)


def over(top: tuple[float, ...], alpha: float, under: tuple[float, ...]) -> tuple[float, ...]:
    """``top`` painted with ``alpha`` over the opaque colour ``under``."""
    return tuple(alpha * t + (1 - alpha) * u for t, u in zip(top[:3], under[:3], strict=True))


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The WCAG contrast ratio of two opaque colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _fill_on(paint: dict[str, str], ground: tuple[float, ...]) -> tuple[float, ...]:
    fill = parse_colour(paint["fill"]) if paint["fill"] not in ("none", "") else None
    if fill is None:
        return ground
    alpha = fill[3] * float(paint["fillOpacity"] or 1) * float(paint["opacity"] or 1)
    return over(fill, alpha, ground)


def _stroke_on(paint: dict[str, str], under: tuple[float, ...]) -> tuple[float, ...] | None:
    stroke = parse_colour(paint["stroke"]) if paint["stroke"] not in ("none", "") else None
    if stroke is None:
        return None
    alpha = stroke[3] * float(paint["strokeOpacity"] or 1) * float(paint["opacity"] or 1)
    return over(stroke, alpha, under)


def contrast_findings(page: Any, scope: str) -> list[Finding]:
    """1.4.11 for the diagrams: outline against the ground around it, selection outline and
    focus ring against the structure's own fill (or the ground, whichever is nearer in
    colour), hatching against the zone's fill; each at least 3:1."""
    out = []
    for s in page.evaluate(COLOURS_JS, scope):
        ground = parse_colour(s["ground"]) or (255.0, 255.0, 255.0, 1.0)
        inside = _fill_on(s["plain"], ground)
        checks = {
            "outline against the ground": (_stroke_on(s["plain"], ground), [ground]),
            "selection outline": (_stroke_on(s["selected"], ground), [ground, inside]),
            "focus ring": (_stroke_on(s["focused"], ground), [ground, inside]),
        }
        if s["hatch"]:
            hatch = parse_colour(s["hatch"])
            if hatch is not None:
                checks["caution-zone hatching"] = (over(hatch, hatch[3], inside), [inside])
        for what, (colour, against) in checks.items():
            if colour is None:
                out.append(Finding("non-text-contrast", f"{s['kind']}: no {what}"))
                continue
            ratio = min(contrast(colour, a) for a in against)
            if ratio < NON_TEXT_CONTRAST:
                out.append(
                    Finding("non-text-contrast", f"{s['kind']}: {what} {ratio:.2f}:1 (< 3:1)")
                )
    return out


# --- 2.4.7 focus visible, 2.4.11 focus not obscured -----------------------------------------

FOCUS_JS = """([scope, selector]) => {
  const out = [];
  const looks = (el) => { const s = getComputedStyle(el);
    const path = el.matches('g') ? el.querySelector('path') : null;
    const p = path ? getComputedStyle(path) : null;
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor,
            s.backgroundColor, p && p.stroke, p && p.strokeWidth].join('|'); };
  const ring = (el) => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
      || (s.boxShadow && s.boxShadow !== 'none'); };
  for (const root of document.querySelectorAll(scope)) {
    const controls = [...root.querySelectorAll(selector)].filter(el => {
      if (el.disabled || el.closest('[hidden], [aria-hidden=true], .ankle-sr-only')) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true })
        && (el.tabIndex >= 0 || el.matches('input[type=radio]'));
    });
    for (const el of controls) {
      const name = (el.getAttribute('aria-label') || (el.labels && el.labels[0]
        && el.labels[0].textContent) || el.textContent || el.tagName).trim().slice(0, 50);
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      const before = looks(el);
      // what a focused control shows; a visually hidden input shows it on its label's span
      const shown = el.matches('input') && parseFloat(getComputedStyle(el).opacity) === 0
        ? el.nextElementSibling : el;
      const shownBefore = shown ? looks(shown) : before;
      el.scrollIntoView({block: 'center'});
      el.focus({focusVisible: true});
      if (document.activeElement !== el) { out.push(`${name}: does not take the focus`); continue; }
      // a diagram structure's ring drawn again on top of the picture (diagram.js) is its
      // indicator too: the only one on a selected structure, whose outline shows the selection
      const copy = el.matches('g.structure') && el.ownerSVGElement && [...el.ownerSVGElement
        .querySelectorAll(':scope > .ankle-focus-ring')].find(r => r.dataset.ringFor
          === el.dataset.structure && getComputedStyle(r).stroke !== 'none'
          && parseFloat(getComputedStyle(r).strokeWidth) >= 1);
      const visible = ring(el) || Boolean(copy) || looks(el) !== before
        || (shown && (ring(shown) || looks(shown) !== shownBefore));
      if (!visible) out.push(`${name}: no visible focus indicator`);
      const r = (shown || el).getBoundingClientRect();
      let points = [[0.5, 0.5], [0.2, 0.5], [0.8, 0.5]].map(
        ([fx, fy]) => [r.left + r.width * fx, r.top + r.height * fy]);
      const path = el.matches('g') && el.querySelector('path');
      if (path) {  // a diagram structure: points along its own outline, on screen
        const m = path.getScreenCTM();
        const length = path.getTotalLength();
        points = [...Array(32).keys()].map(i => {
          const p = path.getPointAtLength(length * (i + 0.5) / 32);
          return [m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f];
        });
      }
      // "not entirely hidden": obscured only when no sampled point shows the control itself
      const covered = points.every(([x, y]) => {
        const hit = document.elementFromPoint(x, y);
        // a diagram structure's focus ring drawn again on top counts as the structure
        const ring = hit && hit.classList && hit.classList.contains('ankle-focus-ring')
          && el.dataset && hit.dataset.ringFor === el.dataset.structure;
        return !hit || !(ring || el.contains(hit) || hit.contains(el)
          || (shown && shown.contains(hit))
          || (el.labels && [...el.labels].some(l => l.contains(hit))));
      });
      if (covered) out.push(`${name}: hidden by something drawn over it when focused`);
    }
  }
  return out;
}"""


def focus_findings(page: Any, scope: str) -> list[Finding]:
    """2.4.7 and 2.4.11 for every control and diagram structure in ``scope``."""
    make_measurable(page)
    page.keyboard.press("Shift")  # keyboard modality, as a learner tabbing
    problems = page.evaluate(FOCUS_JS, [scope, f"{CONTROLS}, {STRUCTURES}"])
    return [Finding("focus-obscured" if "hidden by" in p else "focus-visible", p) for p in problems]


# --- forced colours ---------------------------------------------------------------------------

FORCED_JS = (
    """(scope) => {
  const out = [];
"""
    + SHOWN_STRUCTURE_JS
    + """
  for (const root of document.querySelectorAll(scope)) {
    for (const b of root.querySelectorAll('button, .jupyter-button')) {
      const r = b.getBoundingClientRect();
      if (!r.width || b.closest('[hidden], .ankle-sr-only')) continue;
      const s = getComputedStyle(b);
      const edge = ['Top', 'Right', 'Bottom', 'Left'].every(
        side => s[`border${side}Style`] !== 'none' && parseFloat(s[`border${side}Width`]) >= 1);
      if (!edge) out.push(`button '${b.textContent.trim().slice(0, 40)}' has no border`);
    }
    for (const svg of root.querySelectorAll('svg')) {
      const g = [...svg.querySelectorAll('g.structure[tabindex]')].find(
        (s) => shown(s) && !s.classList.contains('is-selected'));
      if (!g) continue;
      const path = g.querySelector('path');
      const plain = getComputedStyle(path).stroke;
      if (plain === 'none') out.push('a structure has no outline');
      g.classList.add('is-selected');
      const selected = getComputedStyle(path).stroke + getComputedStyle(path).strokeWidth;
      g.classList.remove('is-selected');
      g.focus({focusVisible: true});
      const focused = getComputedStyle(path).stroke + getComputedStyle(path).strokeWidth
        + getComputedStyle(path).strokeDasharray;
      g.blur();
      const base = plain + getComputedStyle(path).strokeWidth;
      if (selected === base) out.push('a selected structure looks like the others');
      if (focused === base + getComputedStyle(path).strokeDasharray)
        out.push('a focused structure looks like the others');
      const label = svg.querySelector('text');
      if (label) {
        const fill = getComputedStyle(label).fill;
        if (!/^rgb\\((0, 0, 0|255, 255, 255)\\)$/.test(fill) && fill !== 'canvastext')
          out.push(`diagram labels are ${fill}, not the system text colour`);
      }
    }
  }
  return out;
}"""
)


def forced_colour_findings(page: Any, scope: str) -> list[Finding]:
    """In emulated forced colours, buttons keep a border and the diagram's states differ."""
    page.emulate_media(forced_colors="active")
    try:
        settle(page)
        return [Finding("forced-colours", p) for p in page.evaluate(FORCED_JS, scope)]
    finally:
        page.emulate_media(forced_colors="none")


# --- prefers-reduced-motion ---------------------------------------------------------------------

MOTION_JS = """async (scope) => {
  const out = [];
  const moving = () => document.getAnimations().filter(a => {
    const el = a.effect && a.effect.target;
    if (!el || !document.querySelector(scope) || ![...document.querySelectorAll(scope)]
      .some(root => root.contains(el))) return false;
    if (a.playState !== 'running') return false;
    const frames = a.effect.getKeyframes ? a.effect.getKeyframes() : [];
    const props = new Set(frames.flatMap(f => Object.keys(f)).filter(k =>
      !['offset', 'easing', 'composite', 'computedOffset'].includes(k)));
    // fading is not motion; anything else (transform, stroke-dashoffset, position) is
    return [...props].some(p => p !== 'opacity') || a.transitionProperty;
  }).map(a => `${a.effect.target.tagName.toLowerCase()} ${a.animationName
    || a.transitionProperty || [...new Set(a.effect.getKeyframes().flatMap(
      f => Object.keys(f)))].join(',')}`);
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  for (const m of moving()) out.push(`moves by itself: ${m}`);
  for (const root of document.querySelectorAll(scope)) {
    for (const play of root.querySelectorAll('.ankle-controls button[aria-pressed]')) {
      if (play.hidden) continue;
      const paths = [...play.closest('.ankle-diagram').querySelectorAll('g[id*="-stroke-"] path')];
      play.click();
      for (let i = 0; i < 20; i++) {
        await frame();
        const sliding = paths.some(p => p.style.strokeDashoffset
          && parseFloat(getComputedStyle(p).strokeDashoffset) > 0);
        const now = moving();
        if (sliding || now.length) {
          out.push(`'${play.textContent.trim()}' slides the strokes: ${now.join(', ')}`);
          break;
        }
      }
      if (play.getAttribute('aria-pressed') === 'true') play.click();
    }
  }
  return [...new Set(out)];
}"""


def motion_findings(page: Any, scope: str) -> list[Finding]:
    """With ``prefers-reduced-motion: reduce``: nothing in ``scope`` moves by itself, and
    *Play the strokes* shows them drawn at once."""
    page.emulate_media(reduced_motion="reduce")
    try:
        settle(page)
        return [Finding("reduced-motion", p) for p in page.evaluate(MOTION_JS, scope)]
    finally:
        page.emulate_media(reduced_motion="no-preference")


def wcag_findings(page: Any, scope: str) -> list[Finding]:
    """Every check of this module on ``scope``, in an order that leaves the page as it was."""
    return [
        *target_size_findings(page, scope),
        *contrast_findings(page, scope),
        *focus_findings(page, scope),
        *clipping_findings(page, scope, TEXT_200, "resize-text"),
        *clipping_findings(page, scope, TEXT_SPACING, "text-spacing"),
        *forced_colour_findings(page, scope),
        *motion_findings(page, scope),
        *reflow_findings(page, scope),
    ]
