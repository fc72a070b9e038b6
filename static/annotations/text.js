// Drawing on the text: the highlights (<mark>) and the chips under each paragraph, as the server
// draws them on the first paint (annotations/workspace.py, papers/reading.py). Highlights are
// flat runs (runs.js): a paragraph's marks are drawn again all together whenever what they
// show changes, never one mark wrapped in another.

import { h, plural } from "./dom.js";
import { codePointLength, toUtf16 } from "./offsets.js";
import { flatRuns } from "./runs.js";
import { passesFilters, rolesOn } from "./shown.js";
import { annotationsOf, paragraphText, roleName, taggedByMe } from "./state.js";
import { unwrap, wrapRuns } from "./textmap.js";

/** A run's mark: the innermost annotation the filters let through (else the innermost, "off"),
 * and how many cover it. */
function markFor(ws, run) {
  const a = run.shownTop ?? run.top;
  let classes = `hl role-${a.role}`;
  if (a.author === ws.me) classes += " mine";
  if (a.status !== "visible") classes += ` is-${a.status}`;
  if (!run.shownTop) classes += " is-off";
  const attributes = { class: classes, "data-annotation": a.id };
  if (run.depth > 1) attributes["data-depth"] = run.depth;
  return h("mark", attributes);
}

export function initText(ws) {
  // What the server drew: every annotation in the page's index, none filtered out.
  for (const paragraph of ws.byParagraph.keys()) {
    const passages = annotationsOf(ws, paragraph).filter((a) => a.start != null);
    ws.runsDrawn.set(paragraph, runsKey(ws, passages, () => true));
  }
  // A mark's title (role and author) is given when the pointer first rests on it: the server
  // leaves titles out of the page (for 10,000 annotations they weigh more than half a megabyte).
  document.addEventListener("mouseover", (event) => {
    const mark = event.target.closest?.("mark.hl[data-annotation]");
    const a = mark && !mark.title && ws.annotations.get(Number(mark.dataset.annotation));
    if (!a) return;
    const more = Number(mark.dataset.depth ?? 1) - 1;
    mark.title = `${roleName(ws, a.role)} · ${a.author ?? "(deleted account)"}`;
    if (more > 0) mark.title += ` (and ${plural(more, "other annotation")} here)`;
  });
}

/** What a paragraph's marks show: drawn again only when it changes. */
function runsKey(ws, passages, shown) {
  return passages
    .map((a) => [a.id, a.start, a.end, a.role, a.status, a.author === ws.me, shown(a)].join())
    .join(";");
}

/** The paragraph's highlights as flat runs, drawn again when the annotations or the filters
 * changed what they show (initText notes what the server drew). */
function drawRuns(ws, paragraph, el) {
  const passages = annotationsOf(ws, paragraph).filter((a) => a.start != null);
  const shown = (a) => passesFilters(ws, a);
  const key = runsKey(ws, passages, shown);
  if (key === (ws.runsDrawn.get(paragraph) ?? "")) return;
  ws.runsDrawn.set(paragraph, key);
  const root = el.querySelector(".para-text");
  const text = paragraphText(ws, paragraph);
  unwrap(root, "mark.hl");
  const length = codePointLength(text);
  let runs = flatRuns(passages, length, shown);
  if (length !== text.length) {
    // Characters outside the BMP: the DOM counts them twice (offsets.js converts).
    const utf16 = (run) => ({ ...run, start: toUtf16(text, run.start), end: toUtf16(text, run.end) });
    runs = runs.map(utf16);
  }
  wrapRuns(root, runs, (run) => markFor(ws, run));
}

/** Chips and highlight visibility of one paragraph, as the server draws them. Blind mode is
 * left to the stylesheet (html[data-blind] and the paragraph's data-tagged), as on the first
 * paint; the filters are applied here. */
export function renderParagraph(ws, paragraph) {
  const el = ws.paragraphById.get(paragraph);
  if (!el) return;
  el.toggleAttribute("data-tagged", taggedByMe(ws, paragraph));
  drawRuns(ws, paragraph, el);
  const counts = rolesOn(ws, paragraph, passesFilters);
  const comments = ws.commentCounts.get(paragraph) ?? 0;
  const fresh = comments ? (ws.newCounts.get(paragraph) ?? 0) : 0;
  const said = JSON.stringify([
    [...counts].map(([slug, e]) => [slug, e.count, e.mine, e.held, [...e.authors].sort()]),
    comments,
    fresh,
  ]);
  if (ws.chipsDrawn.get(paragraph) === said && el.querySelector(".ws-chips")) return;
  ws.chipsDrawn.set(paragraph, said);
  el.querySelector(".ws-chips")?.remove();
  if (!counts.size && !comments) return;
  const chips = h("span", { class: "ws-chips", role: "group", "aria-label": "Annotations" });
  for (const [slug, entry] of counts) {
    const held = entry.held ? ` (${entry.held} hidden or waiting for a moderator)` : "";
    chips.append(
      h(
        "span",
        {
          class: `ws-chip role-${slug}${entry.mine ? " mine" : ""}${held ? " has-held" : ""}`,
          "data-role": slug,
          title: `${roleName(ws, slug)}: ${[...entry.authors].sort().join(", ")}${held}`,
        },
        h("span", { class: "ws-dot", "aria-hidden": "true" }),
        `${roleName(ws, slug)} `,
        h("span", { class: "ws-count" }, entry.count),
      ),
    );
  }
  if (comments) {
    chips.append(h("span", { class: "ws-chip ws-chip-comments" }, plural(comments, "comment")));
  }
  if (fresh) {
    // The others' comments since the reader's last visit, in words (as the server draws it).
    chips.append(
      h("span", { class: "ws-new-mark", title: "New since your last visit" }, `${fresh} new`),
    );
  }
  // Before the note saying that the paragraph holds more than is drawn (more.js), if any.
  const more = el.querySelector(".ws-more");
  if (more) more.before(chips);
  else (el.querySelector(":scope > p") ?? el).append(chips);
}
