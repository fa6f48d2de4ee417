// Atlas label placement in the browser: a line-by-line port of
// course/diagrams/labels.py place_labels (tests/test_labels_js.py runs both on every view and
// layer set and compares), so the explorer re-places its labels when a layer is switched
// without asking Python. Prepended to diagram.js by course.widgets.frontend.module().

// Non-decreasing least-squares fit (pool adjacent violators).
function isotonic(values) {
  const blocks = []; // [mean, weight]
  for (const v of values) {
    blocks.push([v, 1]);
    while (blocks.length > 1 && blocks[blocks.length - 2][0] > blocks[blocks.length - 1][0]) {
      const [m2, w2] = blocks.pop();
      const [m1, w1] = blocks.pop();
      blocks.push([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2]);
    }
  }
  const out = [];
  for (const [mean, weight] of blocks) for (let i = 0; i < weight; i += 1) out.push(mean);
  return out;
}

function labelColumn(requests, lo, hi, step) {
  const n = requests.length;
  const fitted = isotonic(requests.map((r, i) => r.anchor[1] - i * step));
  const top = hi - (n - 1) * step;
  return fitted.map((q, i) => Math.min(Math.max(q, lo), Math.max(top, lo)) + i * step);
}

const byKey = (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

// requests: [{key, anchor: [x, y]}] -> [{key, anchor, side, y}] (data units, y upwards)
function placeLabels(requests, middle, lo, hi, step) {
  const capacity = Math.max(1, Math.floor((hi - lo) / step) + 1);
  const sorted = [...requests].sort((a, b) => a.anchor[0] - b.anchor[0] || byKey(a, b));
  const share = Math.floor((sorted.length + 1) / 2);
  let nLeft = Math.min(sorted.filter((r) => r.anchor[0] < middle).length, share);
  nLeft = Math.max(nLeft, sorted.length - share);
  const left = sorted.slice(0, nLeft);
  const right = sorted.slice(nLeft);
  while (left.length > capacity && right.length < capacity) {
    left.sort((a, b) => a.anchor[0] - b.anchor[0]);
    right.push(left.pop());
  }
  while (right.length > capacity && left.length < capacity) {
    right.sort((a, b) => b.anchor[0] - a.anchor[0]);
    left.push(right.pop());
  }
  const placed = [];
  for (const [side, group] of [["left", left], ["right", right]]) {
    group.sort((a, b) => a.anchor[1] - b.anchor[1] || byKey(a, b));
    const ys = labelColumn(group, lo, hi, step);
    group.forEach((r, i) => placed.push({ key: r.key, anchor: r.anchor, side, y: ys[i] }));
  }
  return placed;
}
