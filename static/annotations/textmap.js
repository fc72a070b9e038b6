// A paragraph's text in the page: which DOM text nodes make it up, and where a UTF-16 offset
// into it sits in the DOM. The text of a paragraph is the text of its `.para-text` element
// without the citation popovers (`.cite-tip`), exactly Paragraph.text as the server renders it
// (papers/reading.py). Offsets here are UTF-16 (the DOM's); offsets.js converts them to and
// from the server's code points, nowhere else.

const SKIP = ".cite-tip";

/** The text nodes of `root` in document order, popovers left out. */
export function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        return node.matches(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

export function textOf(root) {
  return textNodes(root)
    .map((node) => node.data)
    .join("");
}

/** The UTF-16 offset in `root`'s text of the DOM boundary point (node, offset). */
export function offsetOf(root, node, offset) {
  const point = document.createRange();
  point.setStart(node, offset);
  let total = 0;
  for (const text of textNodes(root)) {
    if (text === node) return total + offset;
    // Is the whole text node before the point?
    if (point.comparePoint(text, text.length) <= 0) {
      total += text.length;
    } else {
      break;
    }
  }
  return total;
}

/** The DOM point (text node and offset) of a UTF-16 offset into `root`'s text. At the seam of
 * two nodes, `end` chooses the earlier one (a range's end), else the later one. */
export function pointAt(root, utf16, { end = false } = {}) {
  const nodes = textNodes(root);
  let total = 0;
  for (const text of nodes) {
    const after = total + text.length;
    if (utf16 < after || (end && utf16 === after)) {
      return { node: text, offset: utf16 - total };
    }
    total = after;
  }
  const last = nodes.at(-1);
  return last ? { node: last, offset: last.length } : { node: root, offset: 0 };
}

/** The UTF-16 offsets of `range` inside `root`, or null when it is not inside. */
export function rangeOffsets(root, range) {
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const start = offsetOf(root, range.startContainer, range.startOffset);
  const end = offsetOf(root, range.endContainer, range.endOffset);
  return start < end ? { start, end } : null;
}

/** Select `root`'s text between two UTF-16 offsets. */
export function selectOffsets(root, start, end) {
  const from = pointAt(root, start);
  const to = pointAt(root, end, { end: true });
  const selection = window.getSelection();
  selection.setBaseAndExtent(from.node, from.offset, to.node, to.offset);
}

/** Take the marks matching `selector` out of `root`, keeping their text (each parent made
 * whole once, at the end: once per mark would make thousands of marks quadratic). */
export function unwrap(root, selector) {
  const parents = new Set();
  for (const mark of root.querySelectorAll(selector)) {
    parents.add(mark.parentNode);
    mark.replaceWith(...mark.childNodes);
  }
  for (const parent of parents) parent.normalize();
}

/** Wrap `root`'s text between each of `runs` ({start, end}, UTF-16, in order, not overlapping)
 * in an element made by `make(run)`, one per text node a run crosses. One walk over the text
 * nodes for all the runs (wrapOffsets for each would walk them once per run). */
export function wrapRuns(root, runs, make) {
  let total = 0;
  let r = 0;
  const pieces = [];
  for (const text of textNodes(root)) {
    const length = text.length;
    while (r < runs.length && runs[r].end <= total) r++;
    for (let k = r; k < runs.length && runs[k].start < total + length; k++) {
      const from = Math.max(runs[k].start, total);
      const to = Math.min(runs[k].end, total + length);
      if (from < to) pieces.push({ text, from: from - total, to: to - total, run: runs[k] });
    }
    total += length;
  }
  // Split each text node from its end backwards, so that the earlier offsets stay valid.
  for (let i = pieces.length - 1; i >= 0; i--) {
    const { text, from, to, run } = pieces[i];
    if (to < text.length) text.splitText(to);
    const node = from > 0 ? text.splitText(from) : text;
    const mark = make(run);
    node.replaceWith(mark);
    mark.append(node);
  }
}
