// Front-end of course.widgets.motion.RangeOfMotion (anywidget, plain ES module; styles in
// motion.css; prefixIds, fmt and the key guard in shared.js).
// Native range inputs with <label>s and aria-valuetext (ipywidgets sliders have no
// accessible name on the handle); the foot turns in the browser by an SVG transform.

let counter = 0;

function render({ model, el }) {
  guardWidgetKeys();
  counter += 1;
  const uid = `ankm${counter}${Math.random().toString(36).slice(2, 7)}`;
  const strings = model.get("strings") || {};
  const root = document.createElement("div");
  root.className = "ankle-motion";
  const views = document.createElement("div");
  views.className = "ankle-motion-views";

  const movements = ["dorsiflexion", "inversion"];
  const parts = {};
  for (const movement of movements) {
    const figure = document.createElement("figure");
    const box = document.createElement("div");
    box.setAttribute("role", "img");
    const caption = document.createElement("figcaption");
    figure.append(box, caption);
    views.append(figure);

    const row = document.createElement("div");
    row.className = "ankle-motion-control";
    const id = `${uid}-${movement}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = strings[movement] || movement;
    const input = document.createElement("input");
    input.type = "range";
    input.id = id;
    input.step = "1";
    const output = document.createElement("output");
    output.htmlFor = id;
    output.setAttribute("aria-hidden", "true");
    row.append(label, input, output);
    root.append(row);
    parts[movement] = { box, caption, input, output };

    input.addEventListener("input", () => {
      model.set(movement, Number(input.value));
      model.save_changes();
      paint(movement);
    });
  }
  const note = document.createElement("p");
  note.className = "ankle-motion-note";
  root.append(views, note);
  el.append(root);

  function valuetext(movement, degrees) {
    const s = model.get("strings") || {};
    if (degrees === 0) return s.neutral_value;
    const key =
      movement === "dorsiflexion"
        ? degrees > 0 ? "dorsiflexion_value" : "plantarflexion_value"
        : degrees > 0 ? "inversion_value" : "eversion_value";
    return fmt(s[key], { degrees: Math.abs(degrees) });
  }

  function paint(movement) {
    const { box, input, output } = parts[movement];
    const degrees = model.get(movement);
    input.value = String(degrees);
    const text = valuetext(movement, degrees);
    input.setAttribute("aria-valuetext", text);
    output.textContent = text;
    const spec = (model.get("pivots") || {})[movement];
    if (!spec) return;
    const [px, py, ccw] = spec;
    // SVG rotate() is clockwise on screen; a counter-clockwise positive movement is negated.
    const angle = ccw ? -degrees : degrees;
    for (const sid of (model.get("moving") || {})[movement] || []) {
      for (const g of box.querySelectorAll(`g.structure[data-structure="${sid}"]`)) {
        g.setAttribute("transform", `rotate(${angle} ${px} ${py})`);
      }
    }
    const axis = box.querySelector(`g[id="${uid}-${movement}-foot-axis"]`);
    if (axis) axis.setAttribute("transform", `rotate(${angle} ${px} ${py})`);
  }

  function setup() {
    const svgs = model.get("svgs") || {};
    const ranges = model.get("ranges") || {};
    const s = model.get("strings") || {};
    for (const movement of movements) {
      const { box, caption, input } = parts[movement];
      box.innerHTML = prefixIds(svgs[movement] || "", `${uid}-${movement}`);
      const svg = box.querySelector("svg");
      if (svg) {
        svg.removeAttribute("width");
        svg.removeAttribute("height");
        svg.setAttribute("aria-hidden", "true"); // the box (role=img) is named by the caption
      }
      box.setAttribute("aria-label", (model.get("captions") || {})[movement] || "");
      caption.textContent = (model.get("captions") || {})[movement] || "";
      const [low, high] = ranges[movement] || [-10, 10];
      input.min = String(low);
      input.max = String(high);
      paint(movement);
    }
    note.textContent = s.typical_note || "";
  }

  model.on("change:svgs", setup);
  model.on("change:dorsiflexion", () => paint("dorsiflexion"));
  model.on("change:inversion", () => paint("inversion"));
  setup();
}

export default { render };
