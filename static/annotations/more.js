// Paragraphs holding more annotations than the page drew (annotations/page_budget.py: the page
// carries a bounded number, shared between paragraphs; the others are only counted, state.js
// "undrawn"). Under each the server wrote a note ("Only 20 of 500 annotations on this paragraph
// are drawn here."); when such a paragraph comes into view the script fetches its annotations
// through the API's list (`?paragraph=`: the same endpoint, and so the same rule of who sees
// what, as any client), newest first and `data.paragraphLimit` at most, and draws them at once.
// The panel lists a paragraph's annotations the same way (`listParagraph`).

import { refreshAuthors } from "./filters.js";
import { put } from "./layer.js";
import { scheduleMinimap } from "./minimap.js";
import { annotationsOf, undrawnCount } from "./state.js";
import { renderParagraph } from "./text.js";

/** Fetch the rest of each paragraph with undrawn annotations when it comes near the window. */
export function initMore(ws) {
  if (!ws.undrawn.size || !("IntersectionObserver" in window)) return;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        const paragraph = Number(entry.target.dataset.paragraph);
        if (!ws.moreAsked.has(paragraph)) loadMore(ws, paragraph);
      }
    },
    { rootMargin: "200px 0px" }, // a little ahead of the reader
  );
  for (const paragraph of ws.undrawn.keys()) {
    const el = ws.paragraphById.get(paragraph);
    if (el) observer.observe(el);
  }
}

/** Fetch and draw a paragraph's annotations (those the page left out among them). */
export async function loadMore(ws, paragraph) {
  ws.moreAsked.add(paragraph);
  const note = noteOf(ws, paragraph);
  note?.setAttribute("aria-busy", "true");
  try {
    const { items, complete } = await listParagraph(ws, paragraph);
    mergeListed(ws, paragraph, items, complete);
  } catch (error) {
    ws.moreAsked.delete(paragraph); // the panel, or the next visit, tries again
    const why = `The others could not be loaded: ${error.message}`;
    if (note) note.textContent = `${noteText(ws, paragraph)} ${why}`;
  } finally {
    note?.removeAttribute("aria-busy");
  }
}

/** A paragraph's annotations as the API lists them, newest first, about `data.paragraphLimit`
 * at most (whole pages): {items, complete}, `complete` when none was left out. */
export async function listParagraph(ws, paragraph) {
  const limit = Math.max(1, ws.data.paragraphLimit ?? 2000);
  const query = new URLSearchParams({ paragraph, page_size: Math.min(limit, 1000) });
  let next = `${ws.data.api.annotations}?${query}`;
  const items = [];
  while (next && items.length < limit) {
    const page = await ws.api.get(next);
    items.push(...(page.results ?? []));
    next = page.next;
  }
  return { items, complete: !next };
}

/** Take a paragraph's annotations as just listed: the new ones indexed (and no longer counted as
 * undrawn), the known ones given their full object, and, when the list is complete, those gone
 * meanwhile dropped. Drawn once for all of them. */
export function mergeListed(ws, paragraph, items, complete) {
  if (complete) {
    ws.undrawn.delete(paragraph); // all of them are in the index now
    const listed = new Set(items.map((item) => item.id));
    for (const a of annotationsOf(ws, paragraph)) {
      if (!listed.has(a.id)) put(ws, { ...a, status: "deleted" }); // gone meanwhile
    }
  }
  for (const item of items) {
    const a = ws.annotations.get(item.id);
    if (a && a.full?.version === item.version) a.full = item;
    else if (a && !a.full && a.role === item.role && a.start === (item.quote?.start ?? null)) {
      a.full = item;
    } else put(ws, item);
  }
  renderParagraph(ws, paragraph);
  showMore(ws, paragraph);
  scheduleMinimap(ws);
  refreshAuthors(ws);
}

function noteOf(ws, paragraph) {
  return ws.paragraphById.get(paragraph)?.querySelector(".ws-more") ?? null;
}

function noteText(ws, paragraph) {
  const drawn = annotationsOf(ws, paragraph).length;
  const total = drawn + undrawnCount(ws, paragraph);
  const n = (count) => count.toLocaleString("en");
  return `Only ${n(drawn)} of ${n(total)} annotations on this paragraph are drawn here.`;
}

/** The paragraph's note, as what is drawn now says: gone once everything is. */
export function showMore(ws, paragraph) {
  const note = noteOf(ws, paragraph);
  if (!note) return;
  const left = undrawnCount(ws, paragraph);
  if (!left) return note.remove();
  note.dataset.more = left;
  note.textContent = noteText(ws, paragraph);
  if (ws.moreAsked.has(paragraph)) {
    note.textContent += " These are the most recent; the API and the exports have all of them.";
  }
}
