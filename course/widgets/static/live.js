// Front-end of course.widgets.controls.LiveText (anywidget, plain ES module).
// A live region that exists from the first render; only its content changes afterwards,
// so screen readers announce every update (a region created together with its text is
// often not announced).

// JupyterLab's notebook shortcuts act on the focused element unless it carries
// data-lm-suppress-shortcuts: the arrow keys in a widget's select, radio group or text
// field would otherwise select another cell and take the focus away from the learner.
// Installed once per page by whichever course widget renders first; it covers the
// ipywidgets controls the course wraps as well.
function guardWidgetKeys() {
  if (window.__ankleKeyGuard) return;
  window.__ankleKeyGuard = true;
  document.addEventListener(
    "focusin",
    (event) => {
      const el = event.target;
      if (
        el instanceof HTMLElement &&
        el.matches("select, input, textarea") &&
        el.closest(".jp-OutputArea-output")
      ) {
        el.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    },
    true,
  );
}

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
