// The map's layout: a small layered (Sugiyama-style) drawing of the linked annotations, and a
// grid for the lanes of those linked to nothing. Pure functions of ids and edges; no DOM.
//
// Why our own rather than a library: dagre is CommonJS/UMD on top of graphlib (no ES module to
// import without a build step, about 280 kB), elkjs about 1.6 MB; we serve small ES modules as
// they are. Our graphs are nearly bipartite (evidence and theory point at claims; now and then
// a claim attacks a claim) and small (a few hundred annotations), which the four classic steps
// handle in a few hundred lines:
//
// 0. parts: the connected parts (a claim with its evidence, usually) are laid out each on its
//    own, then set in rows in paper order, the rows about as wide as the map's window asks
//    for: a hundred small arguments make a page of them, not a column 30,000 pixels tall;
// 1. cycles: a depth-first search reverses its back edges (for the layering only: the drawn
//    arrow keeps its direction);
// 2. layers by longest path to the sinks: what nothing further links from (a claim) sits in the
//    rightmost column, and every source one column left of its furthest target (evidence →
//    claim reads left to right); an edge spanning several columns gets a waypoint ("dummy") in
//    each column it crosses, so that it has room of its own;
// 3. order within each column: claims in paper order, then barycentre sweeps (each vertex at
//    the mean position of its neighbours in the column before), alternately left to right and
//    right to left, keeping the order with the fewest crossings (counted with a Fenwick tree);
// 4. coordinates: x from the column; y from the order, each vertex as near as it can be to
//    the mean height of its neighbours without overlapping the next (an isotonic regression,
//    "pool adjacent violators", solves that exactly for a column), in a few sweeps.

// A box's size and the room between columns (for the edges' curves): narrower on a phone, so
// that two columns are read at a scale where the text still is.
const SIZES = {
  wide: { width: 236, height: 88, gap: 124, narrow: false },
  narrow: { width: 184, height: 88, gap: 68, narrow: true },
};
const ROW_GAP = 20; // between two boxes of a column
const DUMMY = 8; // the height a waypoint takes in a column
const DUMMY_GAP = 6;
const LANE_GAP = 28; // between the lanes' columns
const ORDER_SWEEPS = 16;
const PLACE_SWEEPS = 8;

const PART_GAP = { x: 64, y: 56 }; // between the parts of the argument

/** The boxes' size for a map `width` pixels wide. */
export function sizeFor(width) {
  return width < 560 ? SIZES.narrow : SIZES.wide;
}

/** The linked annotations' drawing (step 0): each connected part in layers, the parts in rows
 * of about `aspect` (width / height) of the whole, in paper order (of their first
 * annotations). The same result as layeredLayout's, `columns` part after part. */
export function argumentLayout(ids, edges, size = SIZES.wide, aspect = 1.6) {
  const laid = components(ids, edges).map((part) => layeredLayout(part.ids, part.edges, size));
  let area = 0;
  let widest = 0;
  for (const part of laid) {
    area += (part.width + PART_GAP.x) * (part.height + PART_GAP.y);
    widest = Math.max(widest, part.width);
  }
  const across = Math.max(widest, Math.sqrt(area * aspect));
  const result = { boxes: new Map(), paths: [], columns: [], width: 0, height: 0 };
  let x = 0;
  let y = 0;
  let row = 0;
  for (const part of laid) {
    if (x > 0 && x + part.width > across) {
      y += row + PART_GAP.y;
      x = 0;
      row = 0;
    }
    for (const [id, box] of part.boxes) {
      result.boxes.set(id, { ...box, x: box.x + x, y: box.y + y });
    }
    for (const path of part.paths) {
      result.paths.push({ ...path, points: path.points.map((p) => ({ x: p.x + x, y: p.y + y })) });
    }
    result.columns.push(...part.columns);
    result.width = Math.max(result.width, x + part.width);
    result.height = Math.max(result.height, y + part.height);
    x += part.width + PART_GAP.x;
    row = Math.max(row, part.height);
  }
  return result;
}

/** The connected parts of the graph, each {ids (paper order), edges}, in the paper order of
 * their first annotations (union-find). */
export function components(ids, edges) {
  const index = new Map(ids.map((id, i) => [id, i]));
  const parent = ids.map((_, i) => i);
  const find = (i) => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const usable = edges.filter((e) => index.has(e.source) && index.has(e.target));
  for (const e of usable) parent[find(index.get(e.source))] = find(index.get(e.target));
  const parts = new Map(); // root → part, in the order of first appearance
  ids.forEach((id, i) => {
    const root = find(i);
    if (!parts.has(root)) parts.set(root, { ids: [], edges: [] });
    parts.get(root).ids.push(id);
  });
  for (const e of usable) parts.get(find(index.get(e.source))).edges.push(e);
  return [...parts.values()];
}

/** The layered drawing of `ids` (linked annotations, in paper order) and `edges`, with
 * boxes of `size` (sizeFor): `boxes` (id → {x, y, width, height}), `columns` (ids by column,
 * top to bottom: the Tab order), `paths` ({edge, points}: from the source's port to the
 * target's, through the waypoints), `width`, `height`. */
export function layeredLayout(ids, edges, size = SIZES.wide) {
  const g = makeGraph(ids, edges, size);
  const reversed = backEdges(g);
  const layerOf = layersByLongestPath(g, reversed);
  const v = verticesWithWaypoints(g, reversed, layerOf);
  const layers = orderLayers(v);
  const y = placeVertically(v, layers);
  return assemble(g, v, layers, y);
}

function makeGraph(ids, edges, size) {
  const index = new Map(ids.map((id, i) => [id, i]));
  const out = ids.map(() => []);
  const usable = edges.filter((e) => index.has(e.source) && index.has(e.target));
  usable.forEach((e, k) => out[index.get(e.source)].push(k));
  return { ids, index, edges: usable, out, n: ids.length, size };
}

/** The edges a depth-first search meets going back up its own path: reversing them leaves no
 * cycle. Iterative: a long chain must not overflow the stack. */
function backEdges(g) {
  const state = new Uint8Array(g.n); // 0 unseen, 1 on the path, 2 done
  const reversed = new Set();
  for (let start = 0; start < g.n; start++) {
    if (state[start]) continue;
    const stack = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, next] = top;
      if (next >= g.out[node].length) {
        state[node] = 2;
        stack.pop();
        continue;
      }
      top[1] += 1;
      const k = g.out[node][next];
      const to = g.index.get(g.edges[k].target);
      if (state[to] === 1) reversed.add(k);
      else if (state[to] === 0) {
        state[to] = 1;
        stack.push([to, 0]);
      }
    }
  }
  return reversed;
}

/** Each edge as [from, to] between node indices, left to right (reversed ones turned). */
function oriented(g, reversed, k) {
  const a = g.index.get(g.edges[k].source);
  const b = g.index.get(g.edges[k].target);
  return reversed.has(k) ? [b, a] : [a, b];
}

/** Column of each node: the longest path to a sink, counted from the right. */
function layersByLongestPath(g, reversed) {
  const succ = Array.from({ length: g.n }, () => []);
  const indegree = new Int32Array(g.n);
  g.edges.forEach((_, k) => {
    const [a, b] = oriented(g, reversed, k);
    succ[a].push(b);
    indegree[b] += 1;
  });
  const topo = [];
  for (let i = 0; i < g.n; i++) if (!indegree[i]) topo.push(i);
  for (let head = 0; head < topo.length; head++) {
    for (const b of succ[topo[head]]) if (--indegree[b] === 0) topo.push(b);
  }
  const rank = new Int32Array(g.n);
  for (let t = topo.length - 1; t >= 0; t--) {
    const a = topo[t];
    for (const b of succ[a]) rank[a] = Math.max(rank[a], rank[b] + 1);
  }
  const deepest = Math.max(0, ...rank);
  return Array.from(rank, (r) => deepest - r);
}

/** The vertices: the nodes (0…n−1), then a waypoint in each column an edge crosses; `left`
 * and `right` their neighbours in the columns beside; `chains` each edge's vertices. */
function verticesWithWaypoints(g, reversed, layerOf) {
  const v = { layer: [...layerOf], left: [], right: [], chains: [], count: g.n, nodes: g.n };
  v.boxHeight = g.size.height;
  const link = (a, b) => {
    v.right[a].push(b);
    v.left[b].push(a);
  };
  for (let i = 0; i < g.n; i++) {
    v.left.push([]);
    v.right.push([]);
  }
  g.edges.forEach((_, k) => {
    const [a, b] = oriented(g, reversed, k);
    const chain = [a];
    for (let layer = layerOf[a] + 1; layer < layerOf[b]; layer++) {
      v.layer.push(layer);
      v.left.push([]);
      v.right.push([]);
      chain.push(v.count++);
    }
    chain.push(b);
    for (let c = 1; c < chain.length; c++) link(chain[c - 1], chain[c]);
    v.chains.push({ k, chain, reversed: reversed.has(k) });
  });
  return v;
}

/** The vertices of each column, ordered to cross little (step 3). */
function orderLayers(v) {
  const depth = Math.max(0, ...v.layer) + 1;
  const layers = Array.from({ length: depth }, () => []);
  for (let x = 0; x < v.count; x++) layers[v.layer[x]].push(x); // nodes in paper order first
  const pos = new Float64Array(v.count);
  const number = (layer) => layer.forEach((x, i) => (pos[x] = i));
  number(layers[depth - 1]);
  for (let l = depth - 2; l >= 0; l--) sortBy(layers[l], v.right, pos, layers[l + 1].length);
  layers.forEach(number);
  let best = layers.map((layer) => [...layer]);
  let fewest = crossings(layers, v.right, pos);
  for (let sweep = 0; sweep < ORDER_SWEEPS && fewest > 0; sweep++) {
    const rightward = sweep % 2 === 0;
    const steps = rightward ? range(1, depth) : range(depth - 2, -1);
    for (const l of steps) {
      const beside = rightward ? layers[l - 1] : layers[l + 1];
      sortBy(layers[l], rightward ? v.left : v.right, pos, beside.length);
      number(layers[l]);
    }
    const count = crossings(layers, v.right, pos);
    if (count < fewest) {
      fewest = count;
      best = layers.map((layer) => [...layer]);
    }
  }
  best.forEach(number);
  return best;
}

function range(from, to) {
  const step = from <= to ? 1 : -1;
  const out = [];
  for (let i = from; i !== to; i += step) out.push(i);
  return out;
}

/** Sort a column by the barycentre of each vertex's neighbours in the column beside, of
 * `besideLength` vertices (relative positions, so that a vertex without neighbours there keeps
 * its own place). */
function sortBy(layer, neighbours, pos, besideLength) {
  const key = new Map();
  for (const x of layer) {
    const near = neighbours[x];
    if (near.length) {
      let sum = 0;
      for (const y of near) sum += pos[y];
      key.set(x, (sum / near.length + 0.5) / Math.max(1, besideLength));
    } else key.set(x, (pos[x] + 0.5) / Math.max(1, layer.length));
  }
  layer.sort((a, b) => key.get(a) - key.get(b) || pos[a] - pos[b]);
}

/** The edge crossings between each pair of columns: the inversions of the targets' positions
 * once edges are sorted by their sources' (Barth, Jünger and Mutzel's bilayer count). */
export function crossings(layers, right, pos) {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const pairs = [];
    for (const a of layers[l]) for (const b of right[a]) pairs.push([pos[a], pos[b]]);
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const tree = new Int32Array(layers[l + 1].length + 1);
    pairs.forEach(([, b], seen) => {
      let notAfter = 0;
      for (let i = b + 1; i > 0; i -= i & -i) notAfter += tree[i];
      total += seen - notAfter;
      for (let i = b + 1; i < tree.length; i += i & -i) tree[i] += 1;
    });
  }
  return total;
}

/** Tops of the vertices (step 4): a few sweeps, each column placed as near as it can be to its
 * neighbours' mean height, in order and without overlaps. */
function placeVertically(v, layers) {
  const height = (x) => (x < v.nodes ? v.boxHeight : DUMMY);
  const y = new Float64Array(v.count);
  for (const layer of layers) stack(layer, height, y);
  const centre = (x) => y[x] + height(x) / 2;
  for (let sweep = 0; sweep < PLACE_SWEEPS; sweep++) {
    const last = sweep === PLACE_SWEEPS - 1;
    const rightward = sweep % 2 === 1;
    const order = rightward ? range(1, layers.length) : range(layers.length - 2, -1);
    for (const l of last ? range(0, layers.length) : order) {
      const wanted = layers[l].map((x) => {
        const near = last ? [...v.left[x], ...v.right[x]] : rightward ? v.left[x] : v.right[x];
        if (!near.length) return y[x];
        let sum = 0;
        for (const n of near) sum += centre(n);
        return sum / near.length - height(x) / 2;
      });
      fit(layers[l], wanted, height, y);
    }
  }
  let top = Infinity;
  for (let x = 0; x < v.count; x++) top = Math.min(top, y[x]);
  for (let x = 0; x < v.count; x++) y[x] -= top;
  return y;
}

/** The space between two vertices of a column: less beside a waypoint. */
function gap(a, b, height) {
  return height(a) > DUMMY && height(b) > DUMMY ? ROW_GAP : DUMMY_GAP;
}

function stack(layer, height, y) {
  let at = 0;
  layer.forEach((x, i) => {
    y[x] = at;
    at += height(x) + (i + 1 < layer.length ? gap(x, layer[i + 1], height) : 0);
  });
}

/** Tops as near to `wanted` as the column's order and spacing allow (least squares): pool
 * adjacent violators over the tops minus each vertex's least offset from the first. */
function fit(layer, wanted, height, y) {
  const offset = [0];
  for (let i = 1; i < layer.length; i++) {
    offset.push(offset[i - 1] + height(layer[i - 1]) + gap(layer[i - 1], layer[i], height));
  }
  const blocks = [];
  for (let i = 0; i < layer.length; i++) {
    let block = { sum: wanted[i] - offset[i], count: 1, start: i };
    while (blocks.length) {
      const prev = blocks[blocks.length - 1];
      if (prev.sum / prev.count <= block.sum / block.count) break;
      blocks.pop();
      block = { sum: prev.sum + block.sum, count: prev.count + block.count, start: prev.start };
    }
    blocks.push(block);
  }
  for (const block of blocks) {
    const z = block.sum / block.count;
    for (let i = block.start; i < block.start + block.count; i++) y[layer[i]] = z + offset[i];
  }
}

/** The result: boxes, columns, and each edge's points, with ports spread along the boxes'
 * sides in the order of what they lead to (so that arrows into one box do not meet). */
function assemble(g, v, layers, y) {
  const { width, height: tall, gap } = g.size;
  const column = (l) => l * (width + gap);
  const boxes = new Map();
  for (let i = 0; i < g.n; i++) {
    boxes.set(g.ids[i], { x: column(v.layer[i]), y: y[i], width, height: tall });
  }
  const centre = (x) => y[x] + (x < g.n ? tall : DUMMY) / 2;
  const ports = portsOf(g, v, centre);
  const paths = v.chains.map(({ k, chain, reversed }) => {
    const points = [];
    chain.forEach((x, c) => {
      const left = column(v.layer[x]);
      if (x < g.n) {
        const side = c === 0 ? "out" : "in";
        points.push({ x: c === 0 ? left + width : left, y: ports.get(`${side}:${k}`) });
      } else points.push({ x: left, y: centre(x) }, { x: left + width, y: centre(x) });
    });
    if (reversed) points.reverse();
    return { edge: g.edges[k], points, reversed };
  });
  let bottom = 0;
  for (const box of boxes.values()) bottom = Math.max(bottom, box.y + tall);
  return {
    boxes,
    paths,
    columns: layers.map((layer) => layer.filter((x) => x < g.n).map((x) => g.ids[x])),
    width: g.n ? column(layers.length - 1) + width : 0,
    height: bottom,
  };
}

/** Where each edge leaves and enters its boxes: `out:k` and `in:k` → y. */
function portsOf(g, v, centre) {
  const ports = new Map();
  const spread = (x, entries, side) => {
    entries.sort((a, b) => a.towards - b.towards);
    const top = centre(x) - g.size.height / 2;
    entries.forEach((entry, i) => {
      const share = entries.length === 1 ? 0.5 : 0.22 + (0.56 * i) / (entries.length - 1);
      ports.set(`${side}:${entry.k}`, top + g.size.height * share);
    });
  };
  const outs = Array.from({ length: g.n }, () => []);
  const ins = Array.from({ length: g.n }, () => []);
  for (const { k, chain } of v.chains) {
    outs[chain[0]].push({ k, towards: centre(chain[1]) });
    ins[chain[chain.length - 1]].push({ k, towards: centre(chain[chain.length - 2]) });
  }
  for (let x = 0; x < g.n; x++) {
    spread(x, outs[x], "out");
    spread(x, ins[x], "in");
  }
  return ports;
}

/** The lanes below the layered part: for each lane with annotations, a title row then a grid of
 * at most `limit` boxes of `size`, `columns` wide (`lane.total`: its size, when `ids` are its
 * first few). `{boxes, titles: [{lane, x, y, shown, total}], height, width}`, from `top`. */
export function laneLayout(lanes, { top, columns, limit, size = SIZES.wide }) {
  const across = size.width + LANE_GAP;
  const down = size.height + ROW_GAP;
  let widest = 0;
  const boxes = new Map();
  const titles = [];
  let y = top;
  for (const lane of lanes) {
    if (!lane.ids.length) continue;
    const shown = lane.ids.slice(0, limit);
    const total = Math.max(lane.total ?? 0, lane.ids.length);
    titles.push({ lane, x: 0, y, shown: shown.length, total });
    y += 40;
    shown.forEach((id, i) => {
      const row = Math.floor(i / columns);
      const col = i % columns;
      boxes.set(id, { x: col * across, y: y + row * down, width: size.width, height: size.height });
    });
    widest = Math.max(widest, Math.min(columns, shown.length));
    y += Math.ceil(shown.length / columns) * down;
    if (shown.length < total) y += 28; // the "and N more" line
    y += 24;
  }
  return { boxes, titles, height: y - top, width: Math.max(0, widest * across - LANE_GAP) };
}
