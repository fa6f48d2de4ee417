// Front-end of course.widgets.self_check.QuestionGroup (anywidget, plain ES module): several
// self-check questions in one widget model (`questions`, one state per question), each drawn
// by renderQuestion() through a small stand-in for a model of its own (questionModel()).
// One self-check question as a named group: a <fieldset> whose <legend> is the question;
// radios share one `name` (arrow keys move inside the group, Tab leaves it); multiple-select
// questions are checkboxes in the same kind of group; order questions are a list whose
// Move up / Move down buttons keep the focus on the step that moved and announce its new
// place. The Check / Hint / Show answer buttons name their question. The feedback region
// (role=status) exists from the first render, so screen readers announce every change.

let counter = 0;

function renderQuestion({ model, el }) {
  counter += 1;
  const uid = `ankq${counter}${Math.random().toString(36).slice(2, 7)}`;
  const labels = () => model.get("labels") || {};
  const root = document.createElement("div");
  root.className = "ankle-question";

  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.id = `${uid}-legend`;
  const number = document.createElement("strong");
  const prompt = document.createElement("span");
  legend.append(number, document.createElement("br"), prompt);
  const body = document.createElement("div");
  body.className = "ankle-question-body";
  const moved = document.createElement("div"); // announces where a step went
  moved.className = "ankle-sr-only";
  moved.setAttribute("role", "status");
  fieldset.append(legend, body, moved);

  const buttons = document.createElement("div");
  buttons.className = "ankle-question-buttons";
  const actions = {};
  for (const action of ["check", "hint", "reveal"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `ankle-question-${action}`;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      model.send({ action });
    });
    actions[action] = button;
    buttons.append(button);
  }
  const feedback = document.createElement("div");
  feedback.className = "ankle-question-feedback";
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  root.append(fieldset, buttons, feedback);
  el.append(root);

  function paintFrame() {
    const l = labels();
    number.textContent = model.get("heading") || "";
    prompt.textContent = model.get("prompt") || "";
    const names = { check: l.check, hint: l.hint, reveal: l.show_answer };
    for (const [action, button] of Object.entries(actions)) {
      button.textContent = names[action] || action;
      button.setAttribute(
        "aria-label",
        fmt(l.button_name, { action: names[action] || action, question: model.get("heading") }),
      );
      button.setAttribute("aria-disabled", model.get("disabled") ? "true" : "false");
    }
  }

  function chosen() {
    return [...body.querySelectorAll("input")].filter((i) => i.checked).map((i) => Number(i.value));
  }

  function paintChoices() {
    const kind = model.get("kind");
    const type = kind === "multiple" ? "checkbox" : "radio";
    const value = new Set(model.get("value") || []);
    const had = body.contains(document.activeElement) ? document.activeElement.value : null;
    body.replaceChildren();
    (model.get("options") || []).forEach((label, index) => {
      const row = document.createElement("label");
      row.className = "ankle-question-option";
      const input = document.createElement("input");
      input.type = type;
      input.name = `${uid}-choice`;
      // Lumino looks for this on the focused element itself: JupyterLab's arrow-key
      // shortcuts (select the next cell) must not take the keys of the radio group.
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      input.value = String(index);
      input.checked = value.has(index);
      input.addEventListener("change", () => {
        model.set("value", chosen());
        model.save_changes();
      });
      const span = document.createElement("span");
      span.textContent = label;
      row.append(input, span);
      body.append(row);
    });
    if (had !== null) body.querySelector(`input[value="${had}"]`)?.focus();
  }

  function syncChecked() {
    const value = new Set(model.get("value") || []);
    for (const input of body.querySelectorAll("input")) input.checked = value.has(Number(input.value));
  }

  // --- order questions ------------------------------------------------------------------
  function stepRow(step, index, total) {
    const l = labels();
    const li = document.createElement("li");
    li.dataset.step = step;
    const text = document.createElement("span");
    text.className = "ankle-question-step";
    text.textContent = step;
    const up = document.createElement("button");
    const down = document.createElement("button");
    for (const [button, dir, name, glyph] of [
      [up, -1, l.move_up, "\u2191"],
      [down, 1, l.move_down, "\u2193"],
    ]) {
      button.type = "button";
      button.dataset.dir = String(dir);
      button.textContent = glyph;
      button.setAttribute("aria-label", `${name}: ${step}`);
      button.title = `${name}: ${step}`;
      const edge = (dir < 0 && index === 0) || (dir > 0 && index === total - 1);
      button.setAttribute("aria-disabled", edge ? "true" : "false");
      button.addEventListener("click", () => move(step, dir));
    }
    li.append(up, down, text);
    return li;
  }

  function paintSteps(focus) {
    const steps = model.get("steps") || [];
    let list = body.querySelector("ol");
    if (!list) {
      body.replaceChildren();
      list = document.createElement("ol");
      list.className = "ankle-question-steps";
      body.append(list);
    }
    const active = document.activeElement;
    const keep =
      focus || (list.contains(active) && active.dataset.dir
        ? { step: active.closest("li").dataset.step, dir: active.dataset.dir }
        : null);
    list.replaceChildren(...steps.map((s, i) => stepRow(s, i, steps.length)));
    if (keep) {
      const row = [...list.children].find((li) => li.dataset.step === keep.step);
      row?.querySelector(`button[data-dir="${keep.dir}"]`)?.focus();
    }
  }

  function move(step, dir) {
    const steps = [...(model.get("steps") || [])];
    const from = steps.indexOf(step);
    const to = from + dir;
    if (from < 0 || to < 0 || to >= steps.length) return;
    [steps[from], steps[to]] = [steps[to], steps[from]];
    model.set("steps", steps);
    model.save_changes();
    paintSteps({ step, dir: String(dir) });
    say(moved, fmt(labels().moved, { step, position: to + 1, total: steps.length }));
  }

  function paintBody() {
    const kind = model.get("kind");
    fieldset.classList.toggle("is-order", kind === "order");
    if (kind === "order") paintSteps(null);
    else if (kind === "find") {
      const p = document.createElement("p");
      p.textContent = labels().find_prompt || "";
      body.replaceChildren(p);
    } else paintChoices();
  }

  // The feedback region is written only when its words change, so a Check is announced once
  // (`feedback` and `correct` arrive as two change events); Python clears it first when the
  // same words must be said again.
  let feedbackShown = null;
  function paintFeedback() {
    const html = model.get("feedback") || "";
    if (html !== feedbackShown) {
      feedback.innerHTML = html;
      feedbackShown = html;
    }
    feedback.classList.toggle("is-correct", Boolean(model.get("correct")));
  }

  model.on("change:heading", paintFrame);
  model.on("change:prompt", paintFrame);
  model.on("change:labels", () => { paintFrame(); paintBody(); });
  model.on("change:disabled", paintFrame);
  model.on("change:options", paintChoices);
  model.on("change:kind", paintBody);
  model.on("change:value", syncChecked);
  model.on("change:steps", () => paintSteps(null));
  model.on("change:feedback", paintFeedback);
  model.on("change:correct", paintFeedback);
  paintFrame();
  paintBody();
  paintFeedback();
}

// One question's part of the group's model, with the calls renderQuestion() makes of a model:
// get/set/save_changes/send/on. A change the learner makes shows at once (kept until Python's
// state says the same); every change from Python fires the question's own change:KEY events.
function questionModel(model, index) {
  const handlers = new Map();
  const current = () => (model.get("questions") || [])[index] || {};
  let seen = { ...current() };
  const local = {};
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  return {
    get: (key) => (key in local ? local[key] : seen[key]),
    set: (key, value) => {
      local[key] = value;
    },
    save_changes: () => model.send({ index, set: { ...local } }),
    send: (content) => model.send({ ...content, index }),
    on: (event, fn) => {
      if (!handlers.has(event)) handlers.set(event, []);
      handlers.get(event).push(fn);
    },
    update() {
      const now = current();
      const changed = Object.keys(now).filter((key) => !same(now[key], seen[key]));
      seen = { ...now };
      for (const key of changed) {
        if (key in local) {
          if (!same(local[key], now[key])) continue; // the learner's newer change stays
          delete local[key];
        }
        for (const fn of handlers.get(`change:${key}`) || []) fn();
      }
    },
  };
}

function render({ model, el }) {
  guardWidgetKeys();
  let parts = [];
  function build() {
    el.replaceChildren();
    parts = (model.get("questions") || []).map((_state, index) => {
      const part = questionModel(model, index);
      renderQuestion({ model: part, el });
      return part;
    });
  }
  model.on("change:questions", () => {
    if ((model.get("questions") || []).length !== parts.length) build();
    else for (const part of parts) part.update();
  });
  build();
}

export default { render };
