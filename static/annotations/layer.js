// The annotation layer kept in step with the API: an annotation or a paragraph's comments as the
// API has just given them, merged into the state and drawn (the text, the chips, the minimap,
// the filters' list of members).

import { refreshAuthors } from "./filters.js";
import { scheduleMinimap } from "./minimap.js";
import { isCounted, isNew } from "./shown.js";
import { index, unindex } from "./state.js";
import { drawHighlight, eraseHighlight, renderParagraph } from "./text.js";

/** Add or replace an annotation from the API's object; status "deleted" removes it. */
export function upsert(ws, item) {
  const known = ws.annotations.get(item.id);
  if (known) {
    eraseHighlight(ws, known);
    unindex(ws, known);
  }
  if (item.status !== "deleted") {
    const a = {
      id: item.id,
      paragraph: item.paragraph,
      role: item.role,
      author: item.author,
      start: item.quote?.start ?? null,
      end: item.quote?.end ?? null,
      status: item.status,
      visibility: item.visibility,
      full: item,
    };
    index(ws, a);
    drawHighlight(ws, a);
    renderParagraph(ws, a.paragraph);
  }
  if (known && (item.status === "deleted" || known.paragraph !== item.paragraph)) {
    renderParagraph(ws, known.paragraph);
  }
  scheduleMinimap(ws);
  refreshAuthors(ws);
  return known;
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
