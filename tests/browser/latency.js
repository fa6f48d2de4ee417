// Click-to-pixels latency probe, injected into the page by the browser latency benchmark.
//
// arm(spec) returns a promise of {t0, t1} in ms (performance.now() time base):
//   t0: timeStamp of the first input event after arming of a type in spec.on (default:
//       pointerdown and keydown): the event that makes the change (a diagram selects and a
//       check box toggles on click, ipympl acts on pointerdown, a select on keydown);
//   t1: start of the animation frame after the one in which the change was first rendered,
//       i.e. the change has been painted.
// kind "canvas": the change is new canvas pixels (a snapshot taken at t0, compared each frame).
// kind "dom": the change is the first DOM mutation inside the target after t0 that really
// changed something (an attribute or text whose value differs from before, nodes added or
// removed), seen by a MutationObserver: the probe adds no work to the page's own frames (it
// does not serialise the picture at t0 or on every frame). The benchmark checks afterwards
// that the change is the one asked for.
window.__ankleLatency = {
  arm(spec) {
    return new Promise((resolve) => {
      const kinds = spec.on || ['pointerdown', 'keydown'];
      let t0 = null;
      let before = null;
      let seen = false;
      let finished = false;
      const target = () => document.querySelector(spec.target);
      const pixels = () => {
        const el = target();
        if (!el) return '';
        const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
        let hash = 0;
        for (let i = 0; i < data.length; i += 16) hash = (hash * 31 + data[i] + data[i + 1] * 7) | 0;
        return String(hash) + ':' + el.width + 'x' + el.height;
      };
      // t1: the frame that renders the change is the next one; t1 is the frame after it
      // (a mutation is seen in the task that made it, before that frame; new canvas pixels
      // are seen in that frame's own animation callbacks)
      const painted = (inFrame) => {
        if (seen) return;
        seen = true;
        const done = (t1) => finish({ t0, t1: Math.max(t1, t0) });
        requestAnimationFrame(inFrame ? done : () => requestAnimationFrame(done));
      };
      const real = (r) => {
        if (r.type === 'childList') return r.addedNodes.length > 0 || r.removedNodes.length > 0;
        if (r.type === 'attributes') return r.target.getAttribute(r.attributeName) !== r.oldValue;
        return r.target.data !== r.oldValue; // characterData
      };
      const observer = new MutationObserver((records) => {
        if (t0 !== null && records.some(real)) painted(false);
      });
      if (spec.kind !== 'canvas') {
        observer.observe(target(), {
          subtree: true, childList: true, attributes: true, characterData: true,
          attributeOldValue: true, characterDataOldValue: true,
        });
      }
      const onInput = (event) => {
        if (t0 !== null || !kinds.includes(event.type)) return;
        if (spec.kind === 'canvas') before = pixels();
        t0 = event.timeStamp;
      };
      const finish = (result) => {
        if (finished) return;
        finished = true;
        observer.disconnect();
        for (const kind of kinds) window.removeEventListener(kind, onInput, true);
        resolve(result);
      };
      for (const kind of kinds) window.addEventListener(kind, onInput, true);
      const tick = () => {
        if (finished || seen) return;
        if (spec.kind === 'canvas' && t0 !== null && pixels() !== before) {
          painted(true);
          return;
        }
        requestAnimationFrame(tick);
      };
      if (spec.kind === 'canvas') requestAnimationFrame(tick);
      setTimeout(() => finish({ timeout: true, t0 }), spec.timeout || 10000);
    });
  },
};
