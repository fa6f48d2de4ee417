// Front-end of course.widgets.controls.StepNav (anywidget, plain ES module).
// Previous / Next buttons and a segmented view switch (native radios sharing one name:
// arrow keys move, Tab leaves). At either end a button is marked aria-disabled instead of
// being disabled, so the focus stays on the button the learner used; the new position is
// announced in a live region that exists from the first render.

let counter = 0;

function render({ model, el }) {
  guardWidgetKeys();
  counter += 1;
  const uid = `anknav${counter}${Math.random().toString(36).slice(2, 7)}`;
  const root = document.createElement("div");
  root.className = "ankle-nav";
  const previous = document.createElement("button");
  const next = document.createElement("button");
  for (const [button, action] of [[previous, "previous"], [next, "next"]]) {
    button.type = "button";
    button.className = `ankle-nav-${action}`;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      model.send({ action });
    });
  }
  const views = document.createElement("fieldset");
  views.className = "ankle-segmented";

  const legend = document.createElement("legend");
  const options = document.createElement("div");
  options.className = "ankle-segmented-options";
  views.append(legend, options);
  const status = document.createElement("div");
  status.className = "ankle-sr-only";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  root.append(previous, next, views, status);
  el.append(root);

  function paintButtons() {
    const labels = model.get("labels") || {};
    // The arrows are decoration: the buttons' names are the words alone.
    const arrow = (glyph) => {
      const span = document.createElement("span");
      span.setAttribute("aria-hidden", "true");
      span.textContent = glyph;
      return span;
    };
    previous.replaceChildren(arrow("\u2190 "), labels.previous || "Previous");
    next.replaceChildren(labels.next || "Next", arrow(" \u2192"));
    previous.setAttribute("aria-disabled", model.get("at_first") ? "true" : "false");
    next.setAttribute("aria-disabled", model.get("at_last") ? "true" : "false");
    legend.textContent = labels.view || "View";
  }

  function paintViews() {
    const choices = model.get("views") || [];
    const current = model.get("view");
    const hadFocus = options.contains(document.activeElement);
    options.replaceChildren();
    for (const [label, value] of choices) {
      const row = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = `${uid}-view`;
      // Arrow keys belong to the radio group, not to JupyterLab's notebook shortcuts
      // (Lumino checks the focused element itself for this attribute).
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      input.value = value;
      input.checked = value === current;
      input.addEventListener("change", () => {
        if (!input.checked) return;
        model.set("view", value);
        model.save_changes();
      });
      const span = document.createElement("span");
      span.textContent = label;
      row.append(input, span);
      options.append(row);
    }
    views.hidden = choices.length < 2;
    if (hadFocus) {
      const target = options.querySelector("input:checked") || options.querySelector("input");
      if (target && !views.hidden) target.focus();
      else next.focus();
    }
  }

  function syncView() {
    for (const input of options.querySelectorAll("input")) input.checked = input.value === model.get("view");
  }

  model.on("change:labels", paintButtons);
  model.on("change:at_first", paintButtons);
  model.on("change:at_last", paintButtons);
  model.on("change:views", paintViews);
  model.on("change:view", syncView);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  paintButtons();
  paintViews();
}

export default { render };
