// The argument map (templates/annotations/insights/argument.html): the entry module.
//
// The server renders the argument as a nested outline (the page without JavaScript) and hands
// the same data to the script through json_script ("argument-data", annotations/insights/
// outline.py). From it the script lays the linked annotations out in layers, evidence left of
// the claims it supports or attacks (layout.js), draws them and the two lanes of annotations
// linked to nothing into the page's <svg> (draw.js), and sets up zoom and pan (viewport.js)
// and the download (download.js). The outline stays under the map as "The argument as a list",
// folded (by a line of script in the template, before the browser lays it out).
//
// Every annotation is an SVG <a href> to its paragraph in the workspace with the panel open:
// a click or Enter follows it, Tab goes through them column by column, top to bottom, then the
// lanes. Nothing here repeats a rule of who sees what: the data holds only what the reader may
// see (visibility, moderation, blind mode), decided by the server.

import { downloadSvg } from "./download.js";
import {
  drawEdge,
  drawLaneMore,
  drawLaneTitle,
  drawLegend,
  drawNode,
  makeMeasure,
  markers,
  s,
} from "./draw.js";
import { extent, initCulling } from "./cull.js";
import { readGraph } from "./graph.js";
import { argumentLayout, laneLayout, sizeFor } from "./layout.js";
import { createViewport, initViewport, reveal, start, startScale } from "./viewport.js";

const LEGEND_Y = -64; // the download's title and legend, above the drawing

const graph = readGraph(JSON.parse(document.getElementById("argument-data").textContent));
const svg = document.getElementById("map-svg");
const figure = document.getElementById("map-figure");
figure.hidden = false; // first: the lanes' width depends on the map's
const width = svg.clientWidth; // read once, before the drawing makes reading it costly

const size = sizeFor(width);
// The map's window: at most this share of the window's height (sizeFigure), less on a phone,
// where a finger on the map moves the map and the page needs room to be scrolled by.
const frame = size.narrow ? 0.62 : 0.72;
const aspect = width / (window.innerHeight * frame);
const layered = argumentLayout(graph.linked, graph.edges, size, aspect);
const lanesTop = layered.height ? layered.height + 56 : 40; // room for "No links yet"
const lanes = laneLayout(
  [
    {
      title: "Unsupported claims",
      anchor: "map-lane-unsupported",
      ids: graph.unsupported,
      total: graph.lanes.unsupported,
    },
    {
      title: "Not yet linked",
      anchor: "map-lane-unlinked",
      ids: graph.unlinked,
      total: graph.lanes.unlinked,
    },
  ],
  // The data holds the first 60 of a lane (annotations/insights/outline.py MAP_LANE_LIMIT).
  { top: lanesTop, columns: laneColumns(width, layered, size), limit: 60, size },
);
const boxes = new Map([...layered.boxes, ...lanes.boxes]);
const bounds = {
  x: 0,
  y: 0,
  width: Math.max(layered.width, lanes.width, size.width),
  height: lanesTop + lanes.height,
};

const list = document.getElementById("map-list");

const height = sizeFigure();
const drawn = draw();
const view = createViewport(svg, bounds, { width, height });
start(view);
initViewport(view, figure.querySelector(".map-controls"));
const culling = initCulling(view, drawn.nodes, drawn.edges);
showZoom();
initFocus();
initDownload();

/** As many lane columns as fit the map's width unscaled, 2 to 6, and no fewer than the
 * layered part has (it is that wide already). */
function laneColumns(width, layout, size) {
  const fitting = Math.floor((width - 24 + 28) / (size.width + 28));
  return Math.max(2, Math.min(6, Math.max(fitting, layout.columns.length)));
}

/** The drawing into the <svg>; the nodes' and edges' elements with their boxes. */
function draw() {
  const measure = makeMeasure(getComputedStyle(svg).fontFamily);
  const drawn = { nodes: [], edges: [] };
  const node = (id) => {
    const el = drawNode(graph, graph.nodes.get(id), boxes.get(id), measure);
    drawn.nodes.push({ el, box: boxes.get(id) });
    return el;
  };
  const edges = s("g", { class: "map-edges" });
  for (const path of layered.paths) {
    const el = drawEdge(graph, path);
    edges.append(el);
    drawn.edges.push({ el, box: extent(path.points) });
  }
  const nodes = s("g", { class: "map-nodes" });
  for (const column of layered.columns) for (const id of column) nodes.append(node(id));
  const laneGroup = s("g", { class: "map-lanes" });
  if (!layered.columns.length) {
    const words = "No links yet: in the paper, link evidence and theory to the claims.";
    laneGroup.append(s("text", { class: "map-lane-title", x: 0, y: 16 }, words));
  }
  for (const title of lanes.titles) {
    laneGroup.append(drawLaneTitle(title));
    const ids = title.lane.ids.slice(0, title.shown);
    let bottom = title.y;
    for (const id of ids) {
      laneGroup.append(node(id));
      bottom = Math.max(bottom, boxes.get(id).y + boxes.get(id).height);
    }
    if (title.shown < title.total) laneGroup.append(drawLaneMore(title, bottom));
  }
  svg.replaceChildren(markers(), drawLegend(graph, LEGEND_Y), edges, nodes, laneGroup);
  return drawn;
}

/** The map's frame no taller than the drawing needs at the first view's scale; its height. */
function sizeFigure() {
  const scale = startScale(width, bounds.width);
  const wanted = bounds.height * scale + 40;
  const most = window.innerHeight * frame;
  const height = Math.round(Math.max(220, Math.min(most, wanted)));
  svg.style.height = `${height}px`;
  return height;
}

/** The scale, as a percentage beside the zoom buttons. */
function showZoom() {
  const output = figure.querySelector(".map-zoom");
  const show = () => (output.textContent = `${Math.round(view.scale * 100)} %`);
  svg.addEventListener("mapview", show);
  show();
}

/** An annotation reached with Tab comes into view; hovering or focusing one lights its links. */
function initFocus() {
  const edgesOf = new Map();
  for (const path of svg.querySelectorAll(".map-edge")) {
    for (const end of [path.dataset.source, path.dataset.target]) {
      if (!edgesOf.has(end)) edgesOf.set(end, []);
      edgesOf.get(end).push(path);
    }
  }
  const light = (node, on) => {
    if (!node) return;
    svg.classList.toggle("is-lighting", on);
    node.classList.toggle("is-focused", on);
    for (const path of edgesOf.get(node.dataset.node) ?? []) path.classList.toggle("is-lit", on);
  };
  svg.addEventListener("focusin", (event) => {
    const node = event.target.closest?.(".map-node");
    if (!node) return;
    const box = boxes.get(Number(node.dataset.node));
    reveal(view, box);
    light(node, true);
  });
  svg.addEventListener("focusout", (event) => light(event.target.closest?.(".map-node"), false));
  svg.addEventListener("pointerover", (event) => light(event.target.closest?.(".map-node"), true));
  svg.addEventListener("pointerout", (event) => {
    const node = event.target.closest?.(".map-node");
    if (!node || node.contains(event.relatedTarget)) return;
    light(node, node.contains(document.activeElement));
  });
  // "and N more": the whole lane is in the list below, folded.
  svg.addEventListener("click", (event) => {
    if (event.target.closest?.(".map-lane-more") && list) list.open = true;
  });
}

function initDownload() {
  const button = document.getElementById("map-download");
  if (!button) return;
  button.closest(".map-download-item").hidden = false;
  const top = LEGEND_Y - 20;
  const legendWidth = 40 * graph.roles.size + 360 + 8 * graph.paper.title.length;
  const whole = {
    x: bounds.x,
    y: top,
    width: Math.max(bounds.width, Math.min(legendWidth, 1200)),
    height: bounds.height - top,
  };
  const options = { bounds: whole, paperId: graph.paper.id, title: graph.paper.title };
  button.addEventListener("click", () => culling.whole(() => downloadSvg(svg, options)));
}
