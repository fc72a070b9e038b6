// Zoom and pan of the map: the <svg>'s viewBox is the window onto the drawing's coordinates
// (no transform to undo when the file is downloaded). The wheel zooms around the pointer; a drag
// (mouse, pen, one finger) pans, two fingers pinch; the buttons +, − and Fit; with the map
// focused (the <svg> or an annotation in it), + and −, 0 (fit) and the arrows. An annotation
// reached with Tab is brought into view.
//
// The state is one object, `view`, made here and handed to every function; each change of view
// is told with a "mapview" event on the <svg>.

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;
const STEP = 1.25; // a button's or a key's zoom
const PAN = 80; // an arrow key's move, in screen pixels
const DRAG = 4; // pixels a press may move and still be a click

/** The view of `svg` (`width` × `height` pixels on screen) onto a drawing whose extent is
 * `bounds` ({x, y, width, height}). The svg's size is told, then kept up to date by a
 * ResizeObserver, never read back: with thousands of elements in it, each reading forces the
 * browser to lay the page out again. */
export function createViewport(svg, bounds, { width, height }) {
  return {
    svg,
    bounds,
    width,
    height,
    x: bounds.x,
    y: bounds.y,
    scale: 1,
    pointers: new Map(),
    dragged: false,
  };
}

function size(view) {
  return { width: view.width || 1, height: view.height || 1 };
}

/** Show the view: the viewBox from its place and scale; tell the others ("mapview"). */
export function apply(view) {
  const { width, height } = size(view);
  const w = width / view.scale;
  const h = height / view.scale;
  const round = (n) => Math.round(n * 100) / 100;
  view.svg.setAttribute("viewBox", `${round(view.x)} ${round(view.y)} ${round(w)} ${round(h)}`);
  view.svg.dispatchEvent(new CustomEvent("mapview")); // the scale shown, culling (cull.js)
}

function fitScale(view) {
  const { width, height } = size(view);
  const margin = 24;
  return Math.min(
    (width - margin) / Math.max(1, view.bounds.width),
    (height - margin) / Math.max(1, view.bounds.height),
  );
}

/** The whole drawing, centred. */
export function fit(view) {
  const { width, height } = size(view);
  view.scale = clamp(Math.min(fitScale(view), MAX_SCALE), MIN_SCALE / 4, MAX_SCALE);
  view.x = view.bounds.x + view.bounds.width / 2 - width / view.scale / 2;
  view.y = view.bounds.y + view.bounds.height / 2 - height / view.scale / 2;
  apply(view);
}

/** The first view's scale for a drawing `drawn` pixels wide in a window `width` wide: the
 * whole width when that keeps the text readable (at `least` or more), else 1, to be read
 * part by part. */
export function startScale(width, drawn, least = 0.7) {
  const across = (width - 24) / Math.max(1, drawn);
  return across >= least ? Math.min(1, across) : 1;
}

/** The first view (startScale): the drawing centred when it fits across, else its top left. */
export function start(view) {
  const { width } = size(view);
  view.scale = startScale(width, view.bounds.width);
  const shown = width / view.scale;
  view.x =
    shown > view.bounds.width
      ? view.bounds.x - (shown - view.bounds.width) / 2
      : view.bounds.x - 12 / view.scale;
  view.y = view.bounds.y - 12 / view.scale;
  apply(view);
}

/** Zoom by `factor` keeping the point under (`px`, `py`) (screen offsets in the svg) still;
 * by default the centre. */
export function zoomBy(view, factor, px, py) {
  const { width, height } = size(view);
  const cx = px ?? width / 2;
  const cy = py ?? height / 2;
  const least = Math.min(MIN_SCALE, fitScale(view) / 2);
  const scale = clamp(view.scale * factor, least, MAX_SCALE);
  view.x += cx / view.scale - cx / scale;
  view.y += cy / view.scale - cy / scale;
  view.scale = scale;
  apply(view);
}

/** Move the view by screen pixels. */
export function panBy(view, dx, dy) {
  view.x += dx / view.scale;
  view.y += dy / view.scale;
  apply(view);
}

/** Bring the drawing's rectangle `r` into view (an annotation reached with Tab). */
export function reveal(view, r, margin = 24) {
  const { width, height } = size(view);
  const w = width / view.scale;
  const h = height / view.scale;
  const m = margin / view.scale;
  if (r.x < view.x + m) view.x = r.x - m;
  else if (r.x + r.width > view.x + w - m) view.x = Math.min(r.x - m, r.x + r.width - w + m);
  if (r.y < view.y + m) view.y = r.y - m;
  else if (r.y + r.height > view.y + h - m) view.y = Math.min(r.y - m, r.y + r.height - h + m);
  apply(view);
}

function clamp(n, low, high) {
  return Math.min(high, Math.max(low, n));
}

/** The listeners: wheel, pointers, keys, the buttons in `controls`, and resizing. */
export function initViewport(view, controls) {
  const { svg } = view;
  svg.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const lines = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
      const at = offset(svg, event);
      zoomBy(view, Math.exp(-event.deltaY * lines * 0.0015), at.x, at.y);
    },
    { passive: false },
  );
  svg.addEventListener("pointerdown", (event) => press(view, event));
  svg.addEventListener("pointermove", (event) => move(view, event));
  for (const type of ["pointerup", "pointercancel"]) {
    svg.addEventListener(type, (event) => release(view, event));
  }
  // A drag that ends on an annotation is not a click on it.
  svg.addEventListener(
    "click",
    (event) => {
      if (!view.dragged) return;
      event.preventDefault();
      event.stopPropagation();
      view.dragged = false;
    },
    true,
  );
  svg.addEventListener("keydown", (event) => key(view, event));
  controls?.addEventListener("click", (event) => {
    const action = event.target.closest("[data-zoom]")?.dataset.zoom;
    if (action === "in") zoomBy(view, STEP);
    else if (action === "out") zoomBy(view, 1 / STEP);
    else if (action === "fit") fit(view);
  });
  new ResizeObserver(([entry]) => {
    view.width = entry.contentRect.width;
    view.height = entry.contentRect.height;
    apply(view);
  }).observe(svg);
}

function offset(svg, event) {
  const box = svg.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

function press(view, event) {
  if (event.button !== 0) return;
  const start = { ...offset(view.svg, event), startX: event.clientX, startY: event.clientY };
  view.pointers.set(event.pointerId, start);
  view.dragged = false;
  view.moving = false;
}

function move(view, event) {
  const pointer = view.pointers.get(event.pointerId);
  if (!pointer) return;
  const at = offset(view.svg, event);
  if (view.pointers.size === 2) return pinch(view, event.pointerId, at);
  if (!view.moving) {
    if (Math.hypot(event.clientX - pointer.startX, event.clientY - pointer.startY) < DRAG) return;
    view.moving = true;
    view.svg.setPointerCapture(event.pointerId);
    view.svg.classList.add("is-dragging");
  }
  panBy(view, pointer.x - at.x, pointer.y - at.y);
  pointer.x = at.x;
  pointer.y = at.y;
}

function pinch(view, id, at) {
  const [a, b] = [...view.pointers.entries()];
  const other = a[0] === id ? b[1] : a[1];
  const mine = view.pointers.get(id);
  const before = Math.hypot(mine.x - other.x, mine.y - other.y);
  const after = Math.hypot(at.x - other.x, at.y - other.y);
  if (before > 0) zoomBy(view, after / before, (at.x + other.x) / 2, (at.y + other.y) / 2);
  mine.x = at.x;
  mine.y = at.y;
  view.moving = true;
}

function release(view, event) {
  if (!view.pointers.delete(event.pointerId)) return;
  if (view.moving) view.dragged = true;
  if (!view.pointers.size) {
    view.moving = false;
    view.svg.classList.remove("is-dragging");
  }
}

function key(view, event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const moves = {
    ArrowLeft: [-PAN, 0],
    ArrowRight: [PAN, 0],
    ArrowUp: [0, -PAN],
    ArrowDown: [0, PAN],
  };
  if (event.key === "+" || event.key === "=") zoomBy(view, STEP);
  else if (event.key === "-" || event.key === "_") zoomBy(view, 1 / STEP);
  else if (event.key === "0") fit(view);
  else if (moves[event.key]) panBy(view, ...moves[event.key]);
  else return;
  event.preventDefault();
}
