// Shared by every course widget: prepended to each widget's module by
// course.widgets.frontend.module() (anywidget loads one ES module per widget, with no bundler).

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

function prefixIds(svgText, uid) {
  return svgText
    .replace(/\sid="([^"]+)"/g, (_m, id) => ` id="${uid}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id) => `url(#${uid}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id) => `href="#${uid}-${id}"`);
}

// A template's {name} placeholders filled from `values` (missing ones become empty).
function fmt(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, (_m, k) => String(values[k] ?? ""));
}

// Put `text` in a live region so that it is spoken once: an unchanged text is cleared and
// written again on the next frame (the same words twice in a row would otherwise be silent),
// and a text already being shown is never written a second time in the same frame.
function say(region, text) {
  const words = text || "";
  if (region.__pending) cancelAnimationFrame(region.__pending);
  region.__pending = 0;
  if (region.textContent === words && words) {
    region.textContent = "";
    region.__pending = requestAnimationFrame(() => {
      region.__pending = 0;
      region.textContent = words;
    });
  } else {
    region.textContent = words;
  }
}

// Save to Python a change the learner already sees (set on the model, so the picture follows
// at once), after the frame that paints it. Saved at once, the kernel's replies (its busy and
// idle status, which JupyterLab's toolbar lays out again, and the widget's new state) reach the
// page while it paints the change and hold the next frame back (issue 25). The changes made
// before then go in one message. A page that draws no frames (a hidden tab) saves on a timer.
function saveAfterPaint(model) {
  if (model.__ankleSaveSoon) return;
  const pending = {}; // this save: the first of its two triggers makes it, the other finds it done
  model.__ankleSaveSoon = pending;
  const save = () => {
    if (model.__ankleSaveSoon !== pending) return;
    model.__ankleSaveSoon = null;
    model.save_changes(); // ipywidgets sends nothing when the widget has closed meanwhile
  };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(save, 0)));
  setTimeout(save, 250);
}

// Put a widget's stylesheet on the page, once: course.widgets.frontend.module() calls this at
// the top of each module with the widget's static/NAME.css. (anywidget's `_css` would write the
// same text into its <style> again for every model created, and each write makes the browser
// match every rule of the page again.) Written again only when the text differs.
function adoptStyle(id, text) {
  const old = document.getElementById(id);
  if (old && old.textContent === text) return;
  const style = old || document.head.appendChild(Object.assign(document.createElement("style"), { id }));
  style.textContent = text;
}
