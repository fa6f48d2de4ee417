// Click-to-pixels latency probe, injected into the page by the browser latency benchmark.
//
// arm(spec) returns a promise of {t0, t1} in ms (performance.now() time base):
//   t0: timeStamp of the first pointerdown or keydown after arming (the learner's input),
//   t1: start of the animation frame after the one in which the change was first seen, i.e.
//       the change has been painted.
// The change is judged against a snapshot taken at t0 (so hover effects before the press do
// not count): for kind "canvas" the canvas pixels differ; for kind "dom" the target's markup
// differs (and, with spec.expect, contains that text).
window.__ankleLatency = {
  arm(spec) {
    return new Promise((resolve) => {
      let t0 = null;
      let before = null;
      let finished = false;
      const target = () => document.querySelector(spec.target);
      const signature = () => {
        const el = target();
        if (!el) return '';
        if (spec.kind === 'canvas') {
          const ctx = el.getContext('2d');
          const data = ctx.getImageData(0, 0, el.width, el.height).data;
          let hash = 0;
          for (let i = 0; i < data.length; i += 16) hash = (hash * 31 + data[i] + data[i + 1] * 7) | 0;
          return String(hash) + ':' + el.width + 'x' + el.height;
        }
        return el.outerHTML;
      };
      const changed = () => {
        const now = signature();
        if (now === before) return false;
        return !spec.expect || now.includes(spec.expect);
      };
      const onInput = (event) => {
        if (t0 !== null) return;
        before = signature();
        t0 = event.timeStamp;
      };
      const finish = (result) => {
        if (finished) return;
        finished = true;
        window.removeEventListener('pointerdown', onInput, true);
        window.removeEventListener('keydown', onInput, true);
        resolve(result);
      };
      window.addEventListener('pointerdown', onInput, true);
      window.addEventListener('keydown', onInput, true);
      const tick = () => {
        if (finished) return;
        if (t0 !== null && changed()) {
          requestAnimationFrame((t1) => finish({ t0, t1: Math.max(t1, t0) }));
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      setTimeout(() => finish({ timeout: true, t0 }), spec.timeout || 10000);
    });
  },
};
