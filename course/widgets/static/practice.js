// Front-end of course.widgets.practice.PracticeView (anywidget, plain ES module).
// One practice case: the story, the decision as a named radio group (a <fieldset> whose
// <legend> is the question; arrow keys move inside it, Tab leaves it), the referral as a
// second group when the case asks, and Check / Next case / Start afresh buttons. The feedback
// region (role=status) exists from the first render so every verdict is announced. Check
// keeps the focus on itself; Next case moves it to the first choice of the new case.

let counter = 0;

function render({ model, el }) {
  guardWidgetKeys();
  counter += 1;
  const uid = `ankp${counter}${Math.random().toString(36).slice(2, 7)}`;
  const labels = () => model.get("labels") || {};
  const root = document.createElement("div");
  root.className = "ankle-practice";

  const heading = document.createElement("h4");
  heading.id = `${uid}-heading`;
  const story = document.createElement("p");
  story.className = "ankle-practice-story";
  story.id = `${uid}-story`;

  function group(name) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    const body = document.createElement("div");
    fieldset.append(legend, body);
    fieldset.setAttribute("aria-describedby", `${uid}-story`);
    return { fieldset, legend, body, name: `${uid}-${name}` };
  }
  const decision = group("decision");
  const refer = group("refer");

  const buttons = document.createElement("div");
  buttons.className = "ankle-practice-buttons";
  const actions = {};
  let wantFocus = false;
  for (const action of ["check", "next", "reset"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `ankle-practice-${action}`;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      // Check carries the choice shown: the radios' own updates may still be held back by
      // ipywidgets (one unacknowledged update at a time), a message is sent at once
      const message = action === "check" ? { action, value: model.get("value"), refer: model.get("refer") } : { action };
      model.send(message);
      // the new case arrives from the kernel later: focus its first choice when it is painted
      if (action === "next") wantFocus = true;
    });
    actions[action] = button;
    buttons.append(button);
  }
  const feedback = document.createElement("div");
  feedback.className = "ankle-practice-feedback";
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  root.append(heading, story, decision.fieldset, refer.fieldset, buttons, feedback);
  el.append(root);

  function radios(g, options, value, key) {
    const inputs = [...g.body.querySelectorAll("input")];
    if (g.shown === JSON.stringify(options)) {
      // the same options: update them in place, so the focused radio is never replaced
      inputs.forEach((input, index) => {
        input.checked = value === index;
        input.disabled = Boolean(model.get("answered"));
      });
      return;
    }
    g.shown = JSON.stringify(options);
    const had = g.body.contains(document.activeElement) ? document.activeElement.value : null;
    g.body.replaceChildren();
    options.forEach((label, index) => {
      const row = document.createElement("label");
      row.className = "ankle-practice-option";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = g.name;
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      input.value = String(index);
      input.checked = value === index;
      input.disabled = Boolean(model.get("answered"));
      input.addEventListener("change", () => {
        model.set(key, index);
        model.save_changes();
      });
      const span = document.createElement("span");
      span.textContent = label;
      row.append(input, span);
      g.body.append(row);
    });
    if (had !== null) g.body.querySelector(`input[value="${had}"]`)?.focus();
  }

  function focusFirst() {
    const first = decision.body.querySelector("input");
    if (first) first.focus();
  }

  function paint() {
    const l = labels();
    heading.textContent = model.get("heading") || "";
    story.innerHTML = model.get("story") || "";
    decision.legend.textContent = l.decision_legend || "";
    refer.legend.textContent = l.refer_legend || "";
    radios(decision, model.get("options") || [], model.get("value"), "value");
    radios(refer, [l.answer_yes || "yes", l.answer_no || "no"], model.get("refer"), "refer");
    refer.fieldset.hidden = !model.get("asks_refer");
    const answered = Boolean(model.get("answered"));
    if (wantFocus && !answered) {
      wantFocus = false;
      focusFirst();
    }
    const names = { check: l.check, next: l.next, reset: model.get("confirming") ? l.reset_confirm : l.reset };
    for (const [action, button] of Object.entries(actions)) {
      button.textContent = names[action] || action;
      const off = action === "check" ? answered : false;
      button.setAttribute("aria-disabled", off ? "true" : "false");
    }
  }

  function paintFeedback() {
    feedback.innerHTML = model.get("feedback") || "";
    feedback.classList.toggle("is-right", Boolean(model.get("right")));
  }

  for (const name of ["heading", "story", "options", "value", "refer", "asks_refer", "answered", "labels", "confirming"]) {
    model.on(`change:${name}`, paint);
  }
  model.on("change:feedback", paintFeedback);
  model.on("change:right", paintFeedback);
  paint();
  paintFeedback();
}

export default { render };
