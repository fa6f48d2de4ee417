// The anatomy explorer's own controls (course.widgets.explorer.AnkleExplorer), drawn by the
// diagram's front end from `controls` (their words, from ui.yaml): the View menu and the
// labels box, the layer check boxes as one named group, and the search field with its Show
// button. Plain HTML controls with no widget models of their own (a lesson's five explorers
// made 85 ipywidgets views and models before): a change sets the diagram's own `view`,
// `layers` or `show_labels`, so the picture follows at once, and is saved to Python once it is
// painted (saveAfterPaint, shared.js); a search is the message {type: "find", text}. sync()
// shows the model's values (Python may change them, e.g. a search that switches the view).

function explorerControls(model, uid) {
  const spec = model.get("controls") || {};
  const node = document.createElement("div");
  node.className = "ankle-choices";
  const save = (key, value) => {
    model.set(key, value);
    saveAfterPaint(model);
  };
  const row = () => {
    const div = document.createElement("div");
    div.className = "ankle-choices-row";
    node.append(div);
    return div;
  };
  const named = (control, text, id) => {
    control.id = `${uid}-${id}`;
    const label = document.createElement("label");
    label.htmlFor = control.id;
    label.textContent = text || "";
    return label;
  };
  const checkbox = (text, onChange) => {
    const label = document.createElement("label");
    label.className = "ankle-check";
    const input = document.createElement("input");
    input.type = "checkbox";
    // the `checked` attribute follows the state too, for tools that read attributes only
    input.addEventListener("change", () => {
      input.defaultChecked = input.checked;
      onChange();
    });
    const words = document.createElement("span");
    words.textContent = text || "";
    label.append(input, words);
    return { label, input };
  };

  const first = row();
  const select = document.createElement("select");
  for (const [value, text] of spec.options || []) select.append(new Option(text, value));
  select.addEventListener("change", () => save("view", select.value));
  const labels = checkbox(spec.labels, () => save("show_labels", labels.input.checked));
  first.append(named(select, spec.view, "view"), select, labels.label);

  const group = document.createElement("fieldset");
  group.className = "ankle-choices-row ankle-layers";
  const legend = document.createElement("legend");
  legend.textContent = spec.layers_label || "";
  group.append(legend);
  node.append(group);
  const layers = (spec.layers || []).map(([layer, text]) => {
    const box = checkbox(text, () => {
      save("layers", layers.filter((b) => b.input.checked).map((b) => b.layer));
    });
    group.append(box.label);
    return { layer, input: box.input };
  });

  const third = row();
  const field = document.createElement("input");
  field.type = "text";
  field.placeholder = spec.search_placeholder || "";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = spec.search_button || "";
  const find = () => {
    if (field.value.trim()) model.send({ type: "find", text: field.value });
  };
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    find();
  });
  button.addEventListener("click", find);
  third.append(named(field, spec.search, "find"), field, button);

  function sync() {
    const view = model.get("view");
    if (view && select.value !== view) select.value = view;
    const on = new Set(model.get("layers") || []);
    const set = (input, value) => {
      input.checked = value;
      input.defaultChecked = value;
    };
    for (const { layer, input } of layers) set(input, on.has(layer));
    set(labels.input, Boolean(model.get("show_labels")));
  }
  sync();
  return { node, sync };
}
