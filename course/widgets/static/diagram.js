// Front-end of course.widgets.diagram.DiagramView (anywidget, plain ES module, no bundler;
// styles in diagram.css, prefixIds and the key guard in shared.js).
// Shows a matplotlib SVG whose structures are <g data-structure="id">; makes each one a
// focusable button with an accessible name; selection, hover and keyboard run here in the
// browser by switching CSS classes, and `selected` is synced back to Python.

let counter = 0;

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
  el.append(root);

  let groups = new Map(); // id -> <g class="structure">
  let labels = new Map(); // id -> [<g class="label">, <g class="leader">]
  let svg = null;

  const strings = () => model.get("strings") || {};
  const order = () => (model.get("order") || []).filter((id) => groups.has(id));

  function select(id) {
    model.set("selected", id || "");
    model.save_changes();
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
      g.setAttribute("aria-pressed", on ? "true" : "false");
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
  const ARROWS = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
  function moveInSpace(from, key) {
    const moves = model.get("moves") || {};
    if (!Object.keys(moves).length) {
      move(from, key === "ArrowRight" || key === "ArrowDown" ? 1 : -1);
      return;
    }
    const target = (moves[from] || {})[ARROWS[key]];
    if (target && groups.has(target)) groups.get(target).focus();
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

  function setup() {
    // A focused structure survives a redraw (new view, labels, layers) when it is still
    // drawn; otherwise the focus moves to the figure, never to the page body.
    const focused = figure.contains(document.activeElement)
      ? document.activeElement.closest?.("g.structure")?.dataset?.structure || ""
      : null;
    figure.innerHTML = prefixIds(model.get("svg") || "", uid);
    svg = figure.querySelector("svg");
    figure.setAttribute("aria-label", model.get("label") || "");
    groups = new Map();
    labels = new Map();
    if (!svg) return;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("focusable", "false");
    const names = model.get("names") || {};
    const descriptions = model.get("descriptions") || {};
    overview.textContent = model.get("overview") || "";
    if (overview.textContent) figure.setAttribute("aria-describedby", overview.id);
    else figure.removeAttribute("aria-describedby");
    for (const old of described.querySelectorAll("span")) old.remove();
    // DOM order is the drawing order, which is also `order`: Tab and the arrow keys agree.
    for (const g of svg.querySelectorAll("g.structure[data-structure]")) {
      const id = g.dataset.structure;
      if (!(id in names)) continue;
      groups.set(id, g);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", names[id]);
      g.setAttribute("aria-pressed", "false");
      if (descriptions[id]) {
        const span = document.createElement("span");
        span.id = `${uid}-where-${id}`;
        span.textContent = descriptions[id];
        described.append(span);
        g.setAttribute("aria-describedby", span.id);
      }
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
    }
    for (const part of svg.querySelectorAll("g.label[data-structure], g.leader[data-structure]")) {
      const id = part.dataset.structure;
      if (!labels.has(id)) labels.set(id, []);
      labels.get(id).push(part);
      part.addEventListener("click", () => select(id));
      part.addEventListener("mouseenter", () => groups.get(id)?.classList.add("is-hover"));
      part.addEventListener("mouseleave", () => groups.get(id)?.classList.remove("is-hover"));
    }
    // With focusable structures the figure is a group of buttons; without (technique
    // pictures) it is one image named by its text alternative, so the drawing's inner
    // groups are not read out one by one.
    figure.setAttribute("role", groups.size ? "group" : "img");
    if (!groups.size) svg.setAttribute("aria-hidden", "true"); // the image's name says it all
    paintSelection();
    paintMarks();
    setupTechnique();
    if (focused !== null) {
      const again = groups.get(focused);
      if (again) again.focus();
      else {
        figure.tabIndex = -1;
        figure.focus();
      }
    }
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
      controls.hidden = true;
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
  model.on("change:names", setup);
  model.on("change:descriptions", setup);
  model.on("change:overview", () => { overview.textContent = model.get("overview") || ""; });
  model.on("change:label", () => figure.setAttribute("aria-label", model.get("label") || ""));
  model.on("change:selected", paintSelection);
  model.on("change:info", paintSelection);
  model.on("change:marks", paintMarks);
  model.on("change:playing", onPlaying);
  model.on("change:hold", setupTechnique);
  setup();
  return () => {
    clearTimers();
    if (holdTimer) clearInterval(holdTimer);
  };
}

export default { render };
