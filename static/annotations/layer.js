// The annotation layer kept in step with the API: an annotation or a paragraph's comments as the
// API has just given them, merged into the state and drawn (the text, the chips, the minimap,
// the filters' list of members).

import { refreshAuthors } from "./filters.js";
import { scheduleMinimap } from "./minimap.js";
import { showMore } from "./more.js";
import { HELD, isCounted, isNew } from "./shown.js";
import { index, unindex } from "./state.js";
import { renderParagraph } from "./text.js";

/** Add or replace an annotation from the API's object; status "deleted" removes it. Drawn. */
export function upsert(ws, item) {
  const known = put(ws, item);
  if (item.status !== "deleted") renderParagraph(ws, item.paragraph);
  if (known && (item.status === "deleted" || known.paragraph !== item.paragraph)) {
    renderParagraph(ws, known.paragraph);
  }
  scheduleMinimap(ws);
  refreshAuthors(ws);
  return known;
}

/** `upsert` without drawing: the state only (the caller draws once for many: more.js). */
export function put(ws, item) {
  const known = ws.annotations.get(item.id);
  if (known) unindex(ws, known);
  else if (item.status !== "deleted") takeFromUndrawn(ws, item);
  if (item.status !== "deleted") {
    index(ws, {
      id: item.id,
      paragraph: item.paragraph,
      role: item.role,
      author: item.author,
      start: item.quote?.start ?? null,
      end: item.quote?.end ?? null,
      status: item.status,
      visibility: item.visibility,
      full: item,
    });
  }
  return known;
}

/** An annotation the page counted but did not draw (its paragraph held more than the page's
 * bound: state.js "undrawn") is counted once: in the index from now on, not in what is left.
 * Only one written before the page was read can be among those. */
export function takeFromUndrawn(ws, item) {
  const left = ws.undrawn.get(item.paragraph);
  if (!left || !item.created || Date.parse(item.created) >= Date.parse(ws.data.since)) return false;
  const entry = left.find((e) => e.role === item.role && e.author === item.author && e.count > 0);
  if (!entry) return false;
  entry.count -= 1;
  if (HELD.has(item.status) && entry.held > 0) entry.held -= 1;
  return true;
}

/** A deleted annotation the page had counted without drawing it: counted no longer. (A bare
 * "removed" tombstone names no role or author: that count stays until the paragraph is
 * fetched again, more.js.) */
export function forgetUndrawn(ws, item) {
  if (!takeFromUndrawn(ws, item)) return;
  renderParagraph(ws, item.paragraph);
  showMore(ws, item.paragraph);
  scheduleMinimap(ws);
}

/** One comment more or fewer on a paragraph's chip (`fresh`: one of its "new" too). */
export function recount(ws, paragraph, delta, fresh = false) {
  if (paragraph == null) return;
  ws.commentCounts.set(paragraph, Math.max(0, (ws.commentCounts.get(paragraph) ?? 0) + delta));
  if (fresh) ws.newCounts.set(paragraph, Math.max(0, (ws.newCounts.get(paragraph) ?? 0) + delta));
  renderParagraph(ws, paragraph);
}

/** The comments on an annotation that left the reader's view leave it with it. */
export function dropCommentsOn(ws, annotation) {
  for (const [id, info] of ws.commentInfo) {
    if (info.annotation !== annotation || !isCounted(info.status)) continue;
    ws.commentInfo.set(id, { ...info, status: "removed" });
    recount(ws, info.paragraph, -1, info.fresh);
  }
  ws.panelData.comments = ws.panelData.comments.filter((c) => c.annotation !== annotation);
}

/** A paragraph's comments as the API has just listed them: what is known of each, the count. */
export function takeComments(ws, paragraph, comments) {
  const listed = new Set(comments.map((c) => c.id));
  for (const [id, info] of ws.commentInfo) {
    if (info.paragraph === paragraph && !listed.has(id) && isCounted(info.status)) {
      ws.commentInfo.set(id, { ...info, status: "removed" }); // out of view meanwhile
    }
  }
  for (const c of comments) {
    const fresh = isNew(ws, c);
    const info = { paragraph, annotation: c.annotation ?? null, status: c.status, fresh };
    ws.commentInfo.set(c.id, info);
  }
  ws.commentCounts.set(paragraph, comments.filter((c) => isCounted(c.status)).length);
  ws.newCounts.set(paragraph, comments.filter((c) => isNew(ws, c)).length);
  renderParagraph(ws, paragraph);
}
