// Front-end of course.widgets.diagram.DiagramView (anywidget, plain ES module, no bundler;
// styles in diagram.css, prefixIds and the key guard in shared.js).
// Shows a matplotlib SVG whose structures are <g data-structure="id">; makes each one a
// focusable button with an accessible name; selection, hover and keyboard run here in the
// browser by switching CSS classes, and `selected` is synced back to Python.

let counter = 0;

// A box that keeps the tallest height it has had at its width (as its min-height), so the
// page below it does not move each time its content changes: a learner's next selection
// repaints the diagram and its panel, not every cell under it (a selection that moved the
// cells below missed two frames: docs/browser_tests.md, seventh round). A new width (a
// narrower window, a zoomed page) starts again from the content's own height. Returns the
// observer (null without ResizeObserver), for the view's cleanup to disconnect.
function keepTallest(el) {
  if (!window.ResizeObserver) return null;
  el.style.boxSizing = "border-box";
  let width = null;
  let tallest = 0;
  const observer = new ResizeObserver(([entry]) => {
    const box = entry.borderBoxSize?.[0];
    const w = box ? box.inlineSize : entry.contentRect.width;
    const h = box ? box.blockSize : entry.contentRect.height;
    if (width === null || Math.abs(w - width) > 0.5) {
      width = w;
      tallest = 0;
      // held at the old width: let it find its own height first
      if (el.style.minHeight) {
        el.style.minHeight = "";
        return;
      }
    }
    if (h > tallest + 0.5) {
      tallest = h;
      el.style.minHeight = `${h}px`;
    }
  });
  observer.observe(el);
  return observer;
}

function render({ model, el }) {
  guardWidgetKeys();
  counter += 1;
  const uid = `ankle${counter}${Math.random().toString(36).slice(2, 7)}`;
  const root = document.createElement("div");
  root.className = "ankle-diagram";
  const figure = document.createElement("div");
  figure.className = "ankle-figure";
  figure.setAttribute("role", "group");
  const controls = document.createElement("div");
  controls.className = "ankle-controls";
  // Live regions exist from the first render; only their text changes afterwards.
  const announce = document.createElement("div");
  announce.className = "ankle-sr-only";
  announce.setAttribute("role", "status");
  announce.setAttribute("aria-live", "polite");
  const info = document.createElement("div");
  info.className = "ankle-info";
  info.setAttribute("aria-live", "polite");
  // Where each structure lies (read when it is focused) and the view's overview (read when
  // the learner enters the diagram): hidden text the structures point at with aria-describedby.
  const described = document.createElement("div");
  described.className = "ankle-sr-only";
  described.setAttribute("aria-hidden", "true");
  const overview = document.createElement("p");
  overview.id = `${uid}-overview`;
  described.append(overview);
  root.append(figure, controls, announce, info, described);
  const steady = keepTallest(info); // a structure with a longer description (the figure: adopt())
  // Optional visible live regions above and below the picture (`live_before`, `live_after`:
  // null for none), e.g. the explorer's "what is shown now" and the quiz's prompt and
  // feedback: they exist from the first render, only their text changes.
  const live = {};
  for (const [key, place] of [["live_before", "before"], ["live_after", "after"]]) {
    if (model.get(key) === null || model.get(key) === undefined) continue;
    const region = document.createElement("div");
    region.className = "ankle-live";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.innerHTML = model.get(key) || "";
    if (place === "before") root.prepend(region);
    else root.append(region);
    live[key] = region;
    model.on(`change:${key}`, () => {
      region.innerHTML = model.get(key) || "";
    });
  }
  // the explorer's View menu, layer check boxes and search (explorer_controls.js), above all
  const choices =
    model.get("mode") === "explore" && (model.get("controls") || {}).options
      ? explorerControls(model, uid)
      : null;
  if (choices) root.prepend(choices.node);
  el.append(root);

  let groups = new Map(); // id -> <g class="structure">
  let labels = new Map(); // id -> [<g class="label">, <g class="leader">]
  let svg = null;

  const strings = () => model.get("strings") || {};
  const order = () => {
    const ids = explorer() ? [...groups.keys()] : model.get("order") || [];
    return ids.filter((id) => groups.has(id) && !groups.get(id).classList.contains("is-off"));
  };

  function select(id) {
    model.set("selected", id || "");
    saveAfterPaint(model);
    paintSelection(); // a no-op when the change event has painted it already
  }

  // The info panel is a live region: it is written only when its content changes, so one
  // selection is announced once (select() and the change:selected event both paint), and a
  // new view or layer does not read the unchanged panel again.
  let infoShown = null;

  function paintSelection() {
    const sel = model.get("selected");
    for (const [id, g] of groups) {
      const on = id === sel;
      g.classList.toggle("is-selected", on);
      const pressed = on ? "true" : "false";
      if (g.getAttribute("aria-pressed") !== pressed) g.setAttribute("aria-pressed", pressed);
    }
    for (const [id, parts] of labels) {
      for (const p of parts) p.classList.toggle("is-selected", id === sel);
    }
    if (svg) svg.classList.toggle("has-selection", Boolean(sel) && groups.has(sel));
    const mode = model.get("mode");
    if (mode === "explore") {
      const panels = model.get("info") || {};
      const html = (sel && panels[sel]) || panels[""] || "";
      if (html !== infoShown) {
        info.innerHTML = html;
        infoShown = html;
      }
      info.hidden = false;
    } else {
      info.hidden = true;
    }
  }

  function paintMarks() {
    const marks = model.get("marks") || {};
    for (const [id, g] of groups) {
      for (const cls of ["mark-found", "mark-revealed", "mark-wrong"]) g.classList.remove(cls);
      if (marks[id]) g.classList.add(`mark-${marks[id]}`);
    }
  }

  function move(from, step) {
    const ids = order();
    if (!ids.length) return;
    let i = ids.indexOf(from);
    if (step === "home") i = 0;
    else if (step === "end") i = ids.length - 1;
    else i = i < 0 ? 0 : (i + step + ids.length) % ids.length;
    groups.get(ids[i]).focus();
  }

  // Arrow keys move in space: to the nearest structure in that direction (computed in
  // Python from the geometry, course.diagrams.spatial.arrow_moves); nothing that way, the
  // focus stays. Without a map (older content) they step through the drawing order.
  // In explore mode the map holds for one view and layer set (`spatial_key`); until
  // Python's map for what is shown arrives, the nearest shown structure by label anchor.
  const ARROWS = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
  const UNIT = { left: [-1, 0], right: [1, 0], up: [0, 1], down: [0, -1] };
  function moveInSpace(from, key) {
    const moves = spatialCurrent() ? model.get("moves") || {} : {};
    const geo = explorer() ? (model.get("geometry") || {})[shown.view] : null;
    let target = (moves[from] || {})[ARROWS[key]];
    if (!Object.keys(moves).length && geo?.anchors?.[from]) target = nearestShown(geo.anchors, from, ARROWS[key]);
    else if (!Object.keys(moves).length) {
      move(from, key === "ArrowRight" || key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (target && groups.has(target) && !groups.get(target).classList.contains("is-off")) groups.get(target).focus();
  }

  // course.diagrams.spatial.nearest_in_direction over the structures shown
  function nearestShown(anchors, from, direction) {
    const [ux, uy] = UNIT[direction];
    const [x0, y0] = anchors[from];
    let best = null;
    for (const id of order()) {
      if (id === from || !anchors[id]) continue;
      const dx = anchors[id][0] - x0;
      const dy = anchors[id][1] - y0;
      const along = dx * ux + dy * uy;
      if (along <= 0) continue;
      const across = Math.abs(dx * uy - dy * ux);
      const k = [across <= along ? 0 : 1, along + 2 * across, id];
      if (!best || k[0] < best[0] || (k[0] === best[0] && (k[1] < best[1] || (k[1] === best[1] && k[2] < best[2])))) best = k;
    }
    return best ? best[2] : null;
  }

  // Whether moves/descriptions/overview hold for what is shown (always, outside the explorer).
  function spatialCurrent() {
    const key = model.get("spatial_key") || "";
    if (!key || !explorer()) return true;
    const want = wanted();
    return key === `${shown.view}|${[...want.layers].sort().join(",")}`;
  }

  // Where each structure lies and the overview, as hidden text the structures and the figure
  // point at (aria-describedby); kept from the last answer while a new one is on its way.
  // Painted once per answer and picture: Python's answer changes three traits at once.
  let spatialShown = null;
  function paintSpatial() {
    if (!spatialCurrent()) return;
    const descriptions = model.get("descriptions") || {};
    const now = [groups, descriptions, model.get("overview")];
    if (spatialShown && now.every((part, i) => part === spatialShown[i])) return;
    spatialShown = now;
    overview.textContent = model.get("overview") || "";
    if (overview.textContent) figure.setAttribute("aria-describedby", overview.id);
    else figure.removeAttribute("aria-describedby");
    for (const old of described.querySelectorAll("span")) old.remove();
    for (const [id, g] of groups) {
      if (!descriptions[id]) {
        g.removeAttribute("aria-describedby");
        continue;
      }
      const span = document.createElement("span");
      span.id = `${uid}-where-${id}`;
      span.textContent = descriptions[id];
      described.append(span);
      g.setAttribute("aria-describedby", span.id);
    }
  }

  // Type to find: the first letters of a name move to the next structure whose name starts
  // with them (not in the quiz, whose names are neutral).
  let typed = "";
  let typedAt = 0;
  function typeToFind(from, letter) {
    const now = Date.now();
    typed = now - typedAt > 700 ? letter : typed + letter;
    typedAt = now;
    const names = model.get("names") || {};
    const ids = order();
    const start = ids.indexOf(from);
    const rotated = [...ids.slice(start + (typed.length === 1 ? 1 : 0)), ...ids.slice(0, start + 1)];
    const hit = rotated.find((id) => (names[id] || "").toLowerCase().startsWith(typed));
    if (hit) groups.get(hit).focus();
  }

  // A parsed picture made interactive once: its structures as focusable buttons, its labels
  // and leader lines by structure. Explore mode keeps one per view and swaps them.
  function prepare(text, prefix = uid) {
    const holder = document.createElement("template");
    holder.innerHTML = prefixIds(text || "", prefix);
    const pic = { svg: holder.content.querySelector("svg"), groups: new Map(), labels: new Map() };
    // Each picture sits in its own box of the figure (diagram.css): the explorer keeps the
    // views it has shown there, laid out, and shows one at a time.
    pic.box = document.createElement("div");
    pic.box.className = "ankle-view";
    if (!pic.svg) return pic;
    pic.box.append(pic.svg);
    pic.svg.removeAttribute("width");
    pic.svg.removeAttribute("height");
    pic.svg.setAttribute("focusable", "false");
    const names = model.get("names") || {};
    // DOM order is the drawing order, which is also `order`: Tab and the arrow keys agree.
    for (const g of pic.svg.querySelectorAll("g.structure[data-structure]")) {
      const id = g.dataset.structure;
      if (!(id in names)) continue;
      pic.groups.set(id, g);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", names[id]);
      g.setAttribute("aria-pressed", "false");
      const title = g.querySelector("title");
      if (title && model.get("mode") === "quiz") title.remove(); // names would give answers
      g.addEventListener("click", () => select(id));
      g.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          select(id);
        } else if (event.key in ARROWS) {
          event.preventDefault();
          moveInSpace(id, event.key);
        } else if (event.key === "Home") {
          event.preventDefault();
          move(id, "home");
        } else if (event.key === "End") {
          event.preventDefault();
          move(id, "end");
        } else if (event.key === "Escape") {
          select("");
        } else if (
          event.key.length === 1 && /\S/.test(event.key) && model.get("mode") !== "quiz"
          && !event.ctrlKey && !event.metaKey && !event.altKey
        ) {
          event.preventDefault();
          typeToFind(id, event.key.toLowerCase());
        }
      });
      g.addEventListener("mouseenter", () => g.classList.add("is-hover"));
      g.addEventListener("mouseleave", () => g.classList.remove("is-hover"));
      g.addEventListener("focus", () => showFocusRing(g, id));
      g.addEventListener("blur", () => hideFocusRing(g));
    }
    for (const part of pic.svg.querySelectorAll("g.label[data-structure], g.leader[data-structure]")) {
      const id = part.dataset.structure;
      if (!pic.labels.has(id)) pic.labels.set(id, []);
      pic.labels.get(id).push(part);
      // a leader line may cross another structure: it takes no clicks (diagram.css), its label does
      if (part.classList.contains("leader")) continue;
      part.addEventListener("click", () => select(id));
      part.addEventListener("mouseenter", () => groups.get(id)?.classList.add("is-hover"));
      part.addEventListener("mouseleave", () => groups.get(id)?.classList.remove("is-hover"));
    }
    return pic;
  }

  // The focus ring is drawn a second time on top of the picture, so a vessel or nerve under
  // a caution zone shows its whole ring (WCAG 2.4.11); it is a copy of the outline, not a
  // control: hidden from assistive technology, and a click on it selects its structure.
  function showFocusRing(g, id) {
    hideFocusRing(g);
    const path = g.querySelector("path");
    const owner = g.ownerSVGElement;
    if (!path || !owner || !g.matches(":focus-visible")) return;
    const ring = document.createElementNS("http://www.w3.org/2000/svg", "path");
    ring.setAttribute("d", path.getAttribute("d") || "");
    if (path.getAttribute("transform")) ring.setAttribute("transform", path.getAttribute("transform"));
    ring.setAttribute("class", "ankle-focus-ring");
    ring.setAttribute("aria-hidden", "true");
    ring.dataset.ringFor = id;
    ring.addEventListener("click", () => select(id));
    owner.append(ring);
  }
  function hideFocusRing(g) {
    for (const old of g.ownerSVGElement?.querySelectorAll(":scope > .ankle-focus-ring") || []) old.remove();
  }

  // Show a prepared picture; a focused structure survives (new view, labels, layers) when it
  // is still drawn; otherwise the focus moves to the figure, never to the page body.
  let ratioShown = null;
  let tallestBox = null; // the viewBox of the tallest picture shown
  function adopt(pic) {
    const focused = figure.contains(document.activeElement)
      ? document.activeElement.closest?.("g.structure")?.dataset?.structure || ""
      : null;
    // a picture shown before may keep the ring of a structure focused when it was swapped out
    for (const ring of pic.svg?.querySelectorAll(":scope > .ankle-focus-ring") || []) ring.remove();
    // A view change only switches which box is shown (content-visibility, diagram.css): the
    // pictures shown before keep their style and layout, so showing one again costs a paint.
    if (!explorer()) figure.replaceChildren(); // one picture at a time outside the explorer
    if (pic.box.parentNode !== figure) figure.append(pic.box);
    for (const box of figure.children) {
      if (box === pic.box || !box.classList.contains("is-shown")) continue;
      box.classList.remove("is-shown");
      box.setAttribute("aria-hidden", "true");
    }
    pic.box.classList.add("is-shown");
    pic.box.removeAttribute("aria-hidden");
    svg = pic.svg;
    // The figure keeps the picture's proportions itself, so that while it is off screen (and
    // not laid out: content-visibility in diagram.css) it takes the room the picture will;
    // of the pictures it has shown, the tallest one's, so a view of another shape does not
    // move the page below (a min-height would not do: with an aspect ratio it widens the box).
    const box = svg?.viewBox?.baseVal;
    const taller = (b) => !tallestBox || b.height / b.width > tallestBox.h / tallestBox.w;
    if (box && box.width && box.height && taller(box)) tallestBox = { w: box.width, h: box.height };
    const ratio = tallestBox ? `${tallestBox.w} / ${tallestBox.h}` : "";
    if (ratio !== ratioShown) figure.style.aspectRatio = ratio;
    ratioShown = ratio;
    groups = pic.groups;
    labels = pic.labels;
    const name = model.get("label") || "";
    if (figure.getAttribute("aria-label") !== name) figure.setAttribute("aria-label", name);
    if (svg) {
      // With focusable structures the figure is a group of buttons; without (technique
      // pictures) it is one image named by its text alternative, so the drawing's inner
      // groups are not read out one by one.
      const role = groups.size ? "group" : "img";
      if (figure.getAttribute("role") !== role) figure.setAttribute("role", role);
      if (!groups.size) svg.setAttribute("aria-hidden", "true"); // the image's name says it all
    }
    return focused;
  }

  function restoreFocus(focused) {
    if (focused === null) return;
    const again = groups.get(focused);
    if (again && !again.classList.contains("is-off")) again.focus();
    else {
      figure.tabIndex = -1;
      figure.focus();
    }
  }

  function setup() {
    if (explorer()) {
      pictures.clear();
      figure.replaceChildren();
      shown = { view: null };
      showWanted();
      return;
    }
    const focused = adopt(prepare(model.get("svg")));
    paintSpatial();
    paintSelection();
    paintMarks();
    setupTechnique();
    restoreFocus(focused);
  }

  // --- explore mode: view, layers and labels switched here, without Python -------------
  // The explorer sends one SVG per view with every layer and label (`views`) and the label
  // geometry (course.diagrams.browser); the explorer's controls set `view`, `layers` and
  // `show_labels` here in the browser, before any message reaches the kernel.
  const pictures = new Map(); // view -> prepared picture
  let shown = { view: null };
  const explorer = () => model.get("mode") === "explore" && Object.keys(model.get("views") || {}).length > 0;

  function wanted() {
    return { view: model.get("view"), layers: model.get("layers") || [], labels: model.get("show_labels") };
  }

  function showWanted() {
    choices?.sync();
    if (!explorer()) return;
    const want = wanted();
    const text = (model.get("views") || {})[want.view];
    if (text === undefined) return; // not sent yet: Python sends it on the View change
    let focused = null;
    if (want.view !== shown.view) {
      focused = adopt(picture(want.view, text));
      shown = { view: want.view };
      setupTechnique();
    }
    // each picture remembers the layers it shows: switching back to a view costs no work
    const pic = pictures.get(want.view);
    if (layerKey(want) !== pic.key) showLayers(pic, want);
    paintDesc();
    paintSpatial();
    paintSelection();
    paintMarks();
    restoreFocus(focused);
    readyWhenIdle();
  }

  const layerKey = (want) => `${want.layers.join(",")}|${want.labels}`;

  function picture(view, text) {
    if (!pictures.has(view)) pictures.set(view, baseline(prepare(text, `${uid}-${view}`), view));
    return pictures.get(view);
  }

  // The views not shown are made ready while the page is idle, one at a time: parsed, given
  // the layers and labels shown and laid out in their hidden boxes, so that the learner's
  // first change to each view is as quick as the next (and a view changed after a layer
  // toggle finds its layers set already).
  let idle = 0;
  function readyWhenIdle() {
    if (idle || !explorer()) return;
    const views = model.get("views") || {};
    const want = wanted();
    const next = Object.keys(views).find(
      (v) => v !== shown.view && (!pictures.has(v) || pictures.get(v).key !== layerKey(want)),
    );
    if (next === undefined) return;
    const later = window.requestIdleCallback || ((f) => setTimeout(f, 200));
    idle = later(() => {
      idle = 0;
      const text = (model.get("views") || {})[next];
      if (!explorer() || next === shown.view || text === undefined) return;
      const pic = picture(next, text);
      if (pic.box.parentNode !== figure) {
        pic.box.setAttribute("aria-hidden", "true");
        figure.append(pic.box);
      }
      showLayers(pic, wanted());
      // styled and laid out now, in its hidden box, and kept until it is shown (a browser that
      // throws for a picture it does not render, e.g. in a collapsed output, lays it out then)
      try {
        pic.svg?.getBBox();
      } catch {}
      readyWhenIdle();
    }, { timeout: 3000 });
  }

  // Where each label's text baseline sits below its placed centre (matplotlib's centring).
  function baseline(pic, view) {
    pic.view = view;
    const geo = (model.get("geometry") || {})[view];
    pic.texts = new Map();
    pic.leaders = new Map();
    pic.offset = new Map();
    if (!geo || !pic.svg) return pic;
    for (const [id, parts] of pic.labels) {
      for (const part of parts) {
        if (part.classList.contains("label")) pic.texts.set(id, part.querySelector("text"));
        else pic.leaders.set(id, part.querySelector("path"));
      }
    }
    const sy = geo.to_svg[2];
    const ty = geo.to_svg[3];
    const all = [...pic.texts.keys()].map((key) => ({ key, anchor: geo.anchors[key] }));
    for (const p of placeLabels(all, geo.middle, geo.lo, geo.hi, geo.step)) {
      pic.offset.set(p.key, Number(pic.texts.get(p.key).getAttribute("y")) - (sy * p.y + ty));
    }
    return pic;
  }

  function showLayers(pic, want) {
    pic.key = layerKey(want);
    const geo = (model.get("geometry") || {})[pic.view];
    if (!geo || !pic.svg) return;
    const on = new Set(want.layers);
    const visible = new Set(Object.keys(geo.layer).filter((id) => on.has(geo.layer[id])));
    for (const [id, g] of pic.groups) g.classList.toggle("is-off", !visible.has(id));
    for (const ring of pic.svg.querySelectorAll(":scope > .ankle-focus-ring")) {
      if (!visible.has(ring.dataset.ringFor)) ring.remove();
    }
    for (const [id, parts] of pic.labels) {
      for (const part of parts) part.classList.toggle("is-off", !want.labels || !visible.has(id));
    }
    if (want.labels) moveLabels(pic, geo, visible);
    const sel = model.get("selected");
    if (sel && !visible.has(sel) && pic.view === shown.view) select("");
  }

  // The labels of the structures shown, placed as Python would draw them (labels.js).
  function moveLabels(pic, geo, visible) {
    const [sx, tx, sy, ty] = geo.to_svg;
    const X = (x) => sx * x + tx;
    const Y = (y) => sy * y + ty;
    const requests = [...pic.texts.keys()]
      .filter((key) => visible.has(key))
      .map((key) => ({ key, anchor: geo.anchors[key] }));
    const inset = 0.6 * geo.step;
    for (const p of placeLabels(requests, geo.middle, geo.lo, geo.hi, geo.step)) {
      const left = p.side === "left";
      const x = left ? geo.left_x : geo.right_x;
      const y = Y(p.y);
      const text = pic.texts.get(p.key);
      text.setAttribute("x", X(x));
      text.setAttribute("y", y + pic.offset.get(p.key));
      text.removeAttribute("transform");
      text.style.textAnchor = left ? "end" : "start";
      const a = X(x + (left ? 0.2 : -0.2) * geo.step);
      const b = X(x + (left ? inset : -inset));
      const [ax, ay] = p.anchor;
      pic.leaders.get(p.key)?.setAttribute("d", `M ${a} ${y} L ${b} ${y} L ${X(ax)} ${Y(ay)}`);
    }
  }

  // The text alternative of what is shown (Python keeps it current for the layers).
  function paintDesc() {
    const desc = svg?.querySelector(":scope > desc");
    const text = model.get("desc");
    if (desc && text && desc.textContent !== text) desc.textContent = text;
  }

  // The other views are asked for when the learner shows interest in the explorer (the
  // pointer over it, or the focus in it: before any View menu change), not at Run All: a
  // lesson's explorers would otherwise each fetch three pictures nobody may look at.
  let region = null;
  function askForViews() {
    region?.removeEventListener("pointerover", askForViews);
    region?.removeEventListener("focusin", askForViews);
    region = null;
    model.send({ type: "views" });
  }
  function prefetch() {
    if (!explorer() || Object.keys(model.get("views") || {}).length >= (model.get("controls")?.options || []).length) return;
    region = el; // the explorer: its picture, View menu, check boxes and search
    region.addEventListener("pointerover", askForViews);
    region.addEventListener("focusin", askForViews);
  }

  // --- technique mode: play the strokes, hold timer -------------------------------------
  let timers = [];
  function clearTimers() {
    for (const t of timers) clearTimeout(t);
    timers = [];
  }

  function strokeParts() {
    if (!svg) return [];
    const parts = [];
    for (const g of svg.querySelectorAll(`g[id^="${uid}-stroke-"]`)) {
      const n = g.id.slice(`${uid}-stroke-`.length);
      parts.push({
        line: g.querySelector("path"),
        arrow: svg.querySelector(`g[id="${uid}-arrow-${n}"]`),
      });
    }
    return parts;
  }

  function play() {
    clearTimers();
    const parts = strokeParts();
    const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const holds = svg ? svg.querySelectorAll(`g[id^="${uid}-hold-"]`) : [];
    if (reduced || !parts.length) {
      for (const h of holds) h.animate?.([{ opacity: 1 }, { opacity: 0.3 }, { opacity: 1 }], 1200);
      timers.push(setTimeout(() => finish(), reduced ? 0 : 1300));
      return;
    }
    const each = 1100;
    parts.forEach(({ line, arrow }, i) => {
      if (!line) return;
      const length = line.getTotalLength();
      line.style.transition = "none";
      line.style.strokeDasharray = `${length}`;
      line.style.strokeDashoffset = `${length}`;
      if (arrow) arrow.style.opacity = "0";
      timers.push(
        setTimeout(() => {
          line.style.transition = `stroke-dashoffset ${each}ms linear`;
          line.style.strokeDashoffset = "0";
        }, i * each + 30),
      );
      timers.push(setTimeout(() => arrow && (arrow.style.opacity = "1"), (i + 1) * each));
    });
    timers.push(setTimeout(() => finish(), parts.length * each + 60));
  }

  function finish() {
    for (const { line, arrow } of strokeParts()) {
      if (line) {
        line.style.transition = "none";
        line.style.strokeDasharray = "";
        line.style.strokeDashoffset = "";
      }
      if (arrow) arrow.style.opacity = "1";
    }
    const wasPlaying = shownPlaying;
    shownPlaying = false;
    playButton.setAttribute("aria-pressed", "false");
    if (wasPlaying) say(announce, strings().played || "");
    if (model.get("playing")) {
      model.set("playing", false); // its change event finds nothing left to do
      model.save_changes();
    }
  }

  // Play is a toggle button: its name stays, aria-pressed says whether the strokes play.
  const playButton = document.createElement("button");
  playButton.type = "button";
  playButton.setAttribute("aria-pressed", "false");
  // What the button shows and says follows `playing`; each start and end is painted (and
  // announced) once, however many times the change reaches us (click, echo from Python).
  let shownPlaying = false;
  playButton.addEventListener("click", () => {
    model.set("playing", !model.get("playing"));
    model.save_changes();
    onPlaying();
  });
  function onPlaying() {
    const on = Boolean(model.get("playing"));
    if (on === shownPlaying) return;
    if (on) {
      shownPlaying = true;
      playButton.setAttribute("aria-pressed", "true");
      say(announce, strings().playing || "");
      play();
    } else {
      clearTimers();
      finish();
    }
  }

  const holdButton = document.createElement("button");
  holdButton.type = "button";
  const holdCount = document.createElement("span");
  holdCount.className = "ankle-hold-count";
  holdCount.setAttribute("aria-hidden", "true");
  const holdStatus = document.createElement("span");
  holdStatus.setAttribute("role", "status");
  let holdTimer = null;
  holdButton.addEventListener("click", () => {
    const [low, high] = model.get("hold") || [];
    if (!high) return;
    if (holdTimer) clearInterval(holdTimer);
    let seconds = 0;
    holdCount.textContent = "0";
    holdStatus.textContent = fmt(strings().hold_running, { seconds: 0 });
    holdTimer = setInterval(() => {
      seconds += 1;
      holdCount.textContent = String(seconds);
      if (seconds === low) holdStatus.textContent = fmt(strings().hold_ready, { seconds, high });
      if (seconds >= high) {
        clearInterval(holdTimer);
        holdTimer = null;
        holdStatus.textContent = fmt(strings().hold_done, { seconds });
      }
    }, 1000);
  });

  // The controls are built once; a new technique only shows or hides the hold timer, so a
  // focused button is never removed from the page.
  controls.append(playButton, holdButton, holdCount, holdStatus);
  function setupTechnique() {
    if (model.get("mode") !== "technique") {
      if (!controls.hidden) controls.hidden = true;
      return;
    }
    controls.hidden = false;
    playButton.textContent = strings().play || "Play";
    // a new picture: whatever was playing stops without a word (the new technique is announced)
    clearTimers();
    shownPlaying = false;
    playButton.setAttribute("aria-pressed", "false");
    if (model.get("playing")) onPlaying();
    const hold = model.get("hold") || [];
    const showHold = hold.length === 2;
    if (!showHold && document.activeElement === holdButton) playButton.focus();
    holdButton.hidden = !showHold;
    holdCount.hidden = !showHold;
    holdButton.textContent = strings().hold_start || "Start";
    if (holdTimer) clearInterval(holdTimer);
    holdTimer = null;
    holdCount.textContent = "";
    holdStatus.textContent = "";
  }

  model.on("change:svg", setup);
  model.on("change:names", () => explorer() || setup()); // explore: names come with views
  model.on("change:views", showWanted);
  model.on("change:view", showWanted);
  model.on("change:layers", showWanted);
  model.on("change:show_labels", showWanted);
  model.on("change:desc", paintDesc);
  model.on("change:descriptions", paintSpatial);
  model.on("change:overview", paintSpatial);
  model.on("change:spatial_key", paintSpatial);
  model.on("change:label", () => figure.setAttribute("aria-label", model.get("label") || ""));
  model.on("change:selected", paintSelection);
  model.on("change:info", paintSelection);
  model.on("change:marks", paintMarks);
  model.on("change:playing", onPlaying);
  model.on("change:hold", setupTechnique);
  setup();
  prefetch();
  return () => {
    region?.removeEventListener("pointerover", askForViews);
    region?.removeEventListener("focusin", askForViews);
    clearTimers();
    if (holdTimer) clearInterval(holdTimer);
    if (idle) (window.cancelIdleCallback || clearTimeout)(idle);
    steady?.disconnect();
  };
}

export default { render };
