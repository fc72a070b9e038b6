// Far parts of a big map drawn light: an annotation more than a window's width or height away
// from the view keeps its box (and stays a link that Tab reaches) but not its text, a link
// with both ends that far is not drawn. Text is what costs the browser most to draw: a paper
// with thousands of linked annotations would otherwise take seconds to show and to move.
// Checked after every change of view ("mapview", viewport.js), at most once a frame.

/** `nodes` and `edges`: [{el, box: {x, y, width, height}}] in the drawing's coordinates. */
export function initCulling(view, nodes, edges) {
  const items = [...nodes, ...edges].map((item) => ({ ...item, far: false }));
  let pending = false;
  const cull = () => {
    pending = false;
    const w = view.width / view.scale;
    const h = view.height / view.scale;
    const near = { x: view.x - w, y: view.y - h, width: 3 * w, height: 3 * h };
    for (const item of items) {
      const far = !meets(item.box, near);
      if (far !== item.far) {
        item.far = far;
        item.el.classList.toggle("is-far", far);
      }
    }
  };
  view.svg.addEventListener("mapview", () => {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(cull);
  });
  cull();
  return {
    /** Everything drawn in full for `work` (the download copies what is drawn), then culled. */
    whole(work) {
      for (const item of items) if (item.far) item.el.classList.remove("is-far");
      try {
        return work();
      } finally {
        for (const item of items) if (item.far) item.el.classList.add("is-far");
      }
    },
  };
}

function meets(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The rectangle around an edge's points. */
export function extent(points) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
