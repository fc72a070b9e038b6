// The argument as the map reads it: the page's data ("argument-data", annotations/insights/
// outline.py) split into the linked part (laid out in layers) and the two lanes of annotations
// linked to nothing, with the words a screen reader hears for each annotation. No DOM here.

/** The page's data as the map's model: `nodes` by id, `linked` (ids in paper order), `edges`,
 * the lanes `unsupported` (claims) and `unlinked` (the rest) with their sizes (`lanes`: the
 * data holds only the first few of a long lane), `roles` by slug. */
export function readGraph(data) {
  const nodes = new Map(data.nodes.map((node) => [node.id, node]));
  const roles = new Map(data.roles.map((role) => [role.slug, role]));
  const edges = data.edges.filter((e) => nodes.has(e.source) && nodes.has(e.target));
  const touched = new Set(edges.flatMap((e) => [e.source, e.target]));
  const linked = data.nodes.filter((n) => touched.has(n.id)).map((n) => n.id);
  const alone = data.nodes.filter((n) => !touched.has(n.id));
  const incoming = new Map(); // id → {supports, attacks, cites}: how often each links to it
  for (const edge of edges) {
    const counts = incoming.get(edge.target) ?? { supports: 0, attacks: 0, cites: 0 };
    counts[edge.relation] = (counts[edge.relation] ?? 0) + 1;
    incoming.set(edge.target, counts);
  }
  return {
    paper: data.paper,
    nodes,
    roles,
    edges,
    incoming,
    linked,
    unsupported: alone.filter((n) => n.role === "claim").map((n) => n.id),
    unlinked: alone.filter((n) => n.role !== "claim").map((n) => n.id),
    lanes: data.lanes,
  };
}

export function roleName(graph, slug) {
  return graph.roles.get(slug)?.name ?? slug;
}

export function roleColor(graph, slug) {
  return graph.roles.get(slug)?.color ?? "#5f5a51";
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "Claim by olive, 2 comments, unsupported, supported by 1, attacked by 1: <text>". */
export function nodeLabel(graph, node) {
  const parts = [
    `${roleName(graph, node.role)} by ${node.author ?? "a former member"}`,
    plural(node.comments, "comment"),
  ];
  if (node.unsupported) parts.push("unsupported");
  const counts = graph.incoming.get(node.id) ?? {};
  if (counts.supports) parts.push(`supported by ${counts.supports}`);
  if (counts.attacks) parts.push(`attacked by ${counts.attacks}`);
  if (counts.cites) parts.push(`cited by ${counts.cites}`);
  const text = node.passage ? `“${node.label}”` : node.label;
  return `${parts.join(", ")}: ${text}`;
}

/** "Evidence by amina supports Claim by olive": an edge's tooltip. */
export function edgeLabel(graph, edge) {
  const end = (id) => {
    const node = graph.nodes.get(id);
    return `${roleName(graph, node.role)} by ${node.author ?? "a former member"}`;
  };
  return `${end(edge.source)} ${edge.relation} ${end(edge.target)}`;
}
