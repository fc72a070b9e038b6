// The map's SVG elements: annotations as boxes (role colour, who, comments, a few lines of
// text), links as curves with arrowheads, the lanes' titles, and a legend that only the
// downloaded file shows. Text goes in with createElementNS and text nodes, never as markup.

import { edgeLabel, nodeLabel, plural, roleColor, roleName } from "./graph.js";

const NS = "http://www.w3.org/2000/svg";
const PAD = 14; // text's distance from the box's left edge (after the role bar)
const LINE = 16; // line height of the box's text
const LINES = 3;
const TEXT_FONT = 13;
const HEAD_FONT = 11.5;
export const RELATIONS = ["supports", "attacks", "cites"];

/** An SVG element: s("rect", {width: 3}, child, "text", …). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value != null && value !== false) el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Text measured in the map's own font: a canvas (no layout, no DOM), its font set only when
 * it changes (setting it parses it), widths cached. Wrapping asks for words one at a time. */
export function makeMeasure(fontFamily) {
  const context = document.createElement("canvas").getContext("2d");
  const caches = new Map(); // font → (text → width)
  let current = "";
  return (text, size, weight = 400) => {
    const font = `${weight} ${size}px ${fontFamily}`;
    let cache = caches.get(font);
    if (!cache) caches.set(font, (cache = new Map()));
    let width = cache.get(text);
    if (width === undefined) {
      if (font !== current) context.font = current = font;
      width = context.measureText(text).width;
      if (cache.size < 20000) cache.set(text, width);
    }
    return width;
  };
}

/** The text in at most `lines` lines of `width`, the last one cut with "…" when it does not
 * all fit; a word too long for a line is cut with "…" too. A line's width is the sum of its
 * words' and spaces' (kerning across a space is nil), so each word is measured once. */
export function wrap(text, width, measure, size, lines = LINES) {
  const words = text.split(/\s+/).filter(Boolean);
  const space = measure(" ", size);
  const out = [];
  let line = "";
  let used = 0;
  for (let i = 0; i < words.length; i++) {
    const w = measure(words[i], size);
    if (line && used + space + w <= width) {
      line += ` ${words[i]}`;
      used += space + w;
      continue;
    }
    if (line) out.push(line);
    if (out.length === lines) {
      out[lines - 1] = clip(`${out[lines - 1]} ${words.slice(i).join(" ")}`, width, measure, size);
      return out;
    }
    line = w > width ? clip(words[i], width, measure, size) : words[i];
    used = Math.min(w, width);
  }
  if (line) out.push(line);
  return out;
}

/** The longest start of `text` that fits `width` with an ellipsis (code points: an emoji is
 * never cut in half). */
function clip(text, width, measure, size, weight = 400) {
  if (measure(text, size, weight) <= width) return text;
  const chars = [...text];
  const cut = (n) => `${chars.slice(0, n).join("").trimEnd()}…`;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(cut(mid), size, weight) <= width) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}

/** The arrowheads: filled for supports, a cross and a head for attacks, open for cites, so
 * that the relation shows in the shape as well as in the colour and the dashes. */
export function markers() {
  const marker = (relation, viewBox, ...paths) =>
    s(
      "marker",
      {
        id: `map-arrow-${relation}`,
        class: `map-marker map-marker-${relation}`,
        viewBox,
        refX: 0,
        refY: 0,
        // The same scale for every head, whatever its viewBox's width.
        markerWidth: Number(viewBox.split(" ")[2]) * 1.2,
        markerHeight: Number(viewBox.split(" ")[3]) * 1.2,
        markerUnits: "userSpaceOnUse",
        orient: "auto",
      },
      ...paths,
    );
  return s(
    "defs",
    {},
    marker("supports", "-10 -6 12 12", s("path", { d: "M-10 -5 L0 0 L-10 5 z" })),
    marker(
      "attacks",
      "-18 -6 20 12",
      s("path", { d: "M-9 -5 L0 0 L-9 5 z" }),
      s("path", { class: "map-marker-cross", d: "M-17 -4 L-11 4 M-17 4 L-11 -4" }),
    ),
    marker(
      "cites",
      "-11 -6 13 12",
      s("path", { class: "map-marker-open", d: "M-10 -5 L0 0 L-10 5" }),
    ),
  );
}

/** A curve through the points: horizontal at each end, so that arrows meet boxes squarely. */
export function pathOf(points) {
  const round = (n) => Math.round(n * 10) / 10;
  let d = `M${round(points[0].x)} ${round(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const dx = (b.x - a.x) / 2;
    const controls = `${round(a.x + dx)} ${round(a.y)} ${round(b.x - dx)} ${round(b.y)}`;
    d += ` C${controls} ${round(b.x)} ${round(b.y)}`;
  }
  return d;
}

export function drawEdge(graph, { edge, points }) {
  return s(
    "path",
    {
      class: `map-edge map-edge-line map-edge-${edge.relation}`,
      d: pathOf(points),
      "marker-end": `url(#map-arrow-${edge.relation})`,
      "data-source": edge.source,
      "data-target": edge.target,
    },
    s("title", {}, edgeLabel(graph, edge)),
  );
}

/** One annotation: a link to its paragraph in the workspace (panel open), named for screen
 * readers with its role, author, comments and text. */
export function drawNode(graph, node, box, measure) {
  const color = roleColor(graph, node.role);
  const unsupported = node.unsupported ? " is-unsupported" : "";
  const a = s("a", {
    href: node.url,
    class: `map-node role-${node.role}${unsupported}`,
    "data-node": node.id,
    transform: `translate(${box.x} ${box.y})`,
    "aria-label": nodeLabel(graph, node),
  });
  const text = node.passage ? `“${node.label}”` : node.label;
  a.append(
    s("title", {}, text),
    s("rect", {
      class: "map-ring",
      x: -4,
      y: -4,
      width: box.width + 8,
      height: box.height + 8,
      rx: 9,
    }),
    s("rect", { class: "map-box", width: box.width, height: box.height, rx: 6 }),
    s("rect", { class: "map-bar", x: -1, width: 7, height: box.height, rx: 3, fill: color }),
    head(graph, node, box.width, measure),
    s(
      "text",
      { class: "map-node-text", x: PAD, y: 42 },
      wrap(text, box.width - PAD - 10, measure, TEXT_FONT).map((line, i) =>
        s("tspan", { x: PAD, dy: i ? LINE : 0 }, line),
      ),
    ),
  );
  if (node.unsupported) a.append(badge(box.width, measure));
  return a;
}

/** "Claim · olive" on the left, "¶ 3" and the comments on the right. */
function head(graph, node, width, measure) {
  const group = s("g", { class: "map-node-head" });
  let right = width - 10;
  if (node.number != null) {
    const words = `¶ ${node.number}`;
    const meta = { class: "map-node-meta", x: right, y: 20, "text-anchor": "end" };
    group.append(s("text", meta, words));
    right -= measure(words, HEAD_FONT) + 10;
  }
  if (node.comments) {
    const count = String(node.comments);
    group.append(
      s("text", { class: "map-node-meta", x: right, y: 20, "text-anchor": "end" }, count),
      s("path", {
        class: "map-comment-icon",
        transform: `translate(${right - measure(count, HEAD_FONT) - 14} 10.5)`,
        d: "M1 0h9a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1H5L2 9.5V7H1a1 1 0 0 1-1-1V1a1 1 0 0 1 1-1z",
      }),
      s("title", {}, plural(node.comments, "comment")),
    );
    right -= measure(count, HEAD_FONT) + 24;
  }
  const role = roleName(graph, node.role);
  const room = right - PAD - measure(`${role} · `, HEAD_FONT, 700) - 4;
  const author = clip(node.author ?? "a former member", room, measure, HEAD_FONT);
  group.append(
    s(
      "text",
      { class: "map-node-who", x: PAD, y: 20 },
      s("tspan", { class: "map-node-role" }, role),
      ` · ${author}`,
    ),
  );
  return group;
}

/** "unsupported", in a pill across the box's top edge. */
function badge(boxWidth, measure) {
  const width = Math.ceil(measure("unsupported", 11, 700)) + 16;
  return s(
    "g",
    { class: "map-badge-svg", transform: `translate(${boxWidth - width - 8} -9)` },
    s("rect", { width, height: 18, rx: 9 }),
    s("text", { x: width / 2, y: 12.5, "text-anchor": "middle" }, "unsupported"),
  );
}

/** A lane's title ("Unsupported claims (12)"). */
export function drawLaneTitle({ lane, x, y, total }) {
  return s("text", { class: "map-lane-title", x, y: y + 24 }, `${lane.title} (${total})`);
}

/** Under a lane not drawn whole: a link to all of it in the list below the map. */
export function drawLaneMore({ lane, x, total, shown }, top) {
  return s(
    "a",
    { class: "map-lane-more", href: `#${lane.anchor}` },
    s("text", { x, y: top + 18 }, `and ${total - shown} more: see the list below`),
  );
}

/** What the file needs to be read alone: the paper's title, the roles and the relations.
 * Drawn above the map, shown only in the download (the page has its own legend). */
export function drawLegend(graph, y) {
  const group = s("g", { class: "map-print-legend", transform: `translate(0 ${y})` });
  const title = `Argument map: ${graph.paper.title}`;
  group.append(s("text", { class: "map-print-title", x: 0, y: 0 }, title));
  let x = 0;
  for (const role of graph.roles.values()) {
    group.append(
      s("rect", { x, y: 16, width: 12, height: 12, rx: 2, fill: role.color }),
      s("text", { class: "map-print-key", x: x + 18, y: 26 }, role.name),
    );
    x += 36 + role.name.length * 7;
  }
  for (const relation of RELATIONS) {
    group.append(
      s("path", {
        class: `map-edge-line map-edge-${relation}`,
        d: `M${x} 22 H${x + 34}`,
        "marker-end": `url(#map-arrow-${relation})`,
      }),
      s("text", { class: "map-print-key", x: x + 42, y: 26 }, relation),
    );
    x += 110;
  }
  return group;
}
