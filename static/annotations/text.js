// Drawing on the text: the highlights (<mark>) and the chips under each paragraph, as the server
// draws them on the first paint (annotations/workspace.py).

import { h, plural } from "./dom.js";
import { toUtf16 } from "./offsets.js";
import { passesFilters, rolesOn } from "./shown.js";
import { paragraphText, roleName, taggedByMe } from "./state.js";
import { unwrap, wrapOffsets } from "./textmap.js";

function markFor(ws, a) {
  let classes = `hl role-${a.role}`;
  if (a.author === ws.me) classes += " mine";
  if (a.status !== "visible") classes += ` is-${a.status}`;
  return h("mark", { class: classes, "data-annotation": a.id });
}

export function initText(ws) {
  // A mark's title (role and author) is given when the pointer first rests on it: the server
  // leaves titles out of the page (for 10,000 annotations they weigh more than half a megabyte).
  document.addEventListener("mouseover", (event) => {
    const mark = event.target.closest?.("mark.hl[data-annotation]");
    const a = mark && !mark.title && ws.annotations.get(Number(mark.dataset.annotation));
    if (a) mark.title = `${roleName(ws, a.role)} · ${a.author ?? "(deleted account)"}`;
  });
}

export function drawHighlight(ws, a) {
  const el = ws.paragraphById.get(a.paragraph);
  if (a.start == null || !el) return;
  const text = paragraphText(ws, a.paragraph);
  const root = el.querySelector(".para-text");
  wrapOffsets(root, toUtf16(text, a.start), toUtf16(text, a.end), () => markFor(ws, a));
}

export function eraseHighlight(ws, a) {
  const el = ws.paragraphById.get(a.paragraph);
  if (el) unwrap(el.querySelector(".para-text"), `mark.hl[data-annotation="${a.id}"]`);
}

/** Chips and highlight visibility of one paragraph, as the server draws them. Blind mode is
 * left to the stylesheet (html[data-blind] and the paragraph's data-tagged), as on the first
 * paint; the filters are applied here. */
export function renderParagraph(ws, paragraph) {
  const el = ws.paragraphById.get(paragraph);
  if (!el) return;
  el.toggleAttribute("data-tagged", taggedByMe(ws, paragraph));
  for (const mark of el.querySelectorAll("mark.hl[data-annotation]")) {
    const a = ws.annotations.get(Number(mark.dataset.annotation));
    mark.classList.toggle("is-off", !a || !passesFilters(ws, a));
  }
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
  (el.querySelector(":scope > p") ?? el).append(chips);
}
