// Front-end of course.widgets.controls.LiveText (anywidget, plain ES module).
// A live region that exists from the first render; only its content changes afterwards,
// so screen readers announce every update (a region created together with its text is
// often not announced).

function render({ model, el }) {
  guardWidgetKeys();
  const region = document.createElement("div");
  region.className = "ankle-live";
  region.setAttribute("role", model.get("role") || "status");
  region.setAttribute("aria-live", model.get("politeness") || "polite");
  if (model.get("hidden_visually")) region.classList.add("ankle-sr-only");
  el.append(region);
  const paint = () => {
    region.innerHTML = model.get("html") || "";
  };
  model.on("change:html", paint);
  paint();
}

export default { render };
