// What the reader is shown: what left their view, then the filters and blind mode.
// Pure questions about the state; drawing is text.js's, minimap.js's and panel.js's. Who may
// see what is the server's to decide (`visible_to`): nothing here repeats that rule.

import { annotationsOf, taggedByMe } from "./state.js";

export const HELD = new Set(["hidden", "pending"]);

/** An item (the API's object) gone from the reader's view: the `since` feed sends what they no
 * longer see as a bare tombstone, status "removed" (annotations/feed.py). */
export function isRemoved(item) {
  return item.status === "removed";
}

/** A comment counts on its paragraph's chip unless it is a tombstone or out of view. */
export function isCounted(status) {
  return status !== "deleted" && status !== "removed";
}

/** A comment (the API's object) someone else wrote since the reader's last visit: marked "New"
 * in the panel and counted on its paragraph's chip. Nothing is new on a first visit. */
export function isNew(ws, c) {
  if (ws.lastVisit == null || c.author === ws.me || !isCounted(c.status)) return false;
  return Date.parse(c.created) > ws.lastVisit;
}

/** Was it changed after it was first posted? The API's `edited` when it says so; else its
 * version (a moderator's action counts a version too, so this may say "edited" for a post
 * only moderated). */
export function isEdited(item) {
  return item.edited ?? item.version > 1;
}

export function passesFilters(ws, a) {
  if (!ws.filters.roles.has(a.role)) return false;
  if (ws.filters.mine && a.author !== ws.me) return false;
  return !ws.filters.author || a.author === ws.filters.author;
}

/** Shown: it passes the filters, and blind mode does not hide it (the others' roles on a
 * paragraph stay hidden until the reader has tagged it). */
export function isShown(ws, a, tagged = taggedByMe(ws, a.paragraph)) {
  return passesFilters(ws, a) && !(ws.blind && a.author !== ws.me && !tagged);
}

/** The roles shown on a paragraph: slug -> {count, authors, mine}, in the group's order.
 * `shown` decides which annotations count (isShown: filters and blind mode). */
export function rolesOn(ws, paragraph, shown = isShown) {
  const tagged = taggedByMe(ws, paragraph);
  const counts = new Map();
  // The annotations in the page, then those it counts without having drawn them (state.js
  // "undrawn": each stands for `count` of one role and author, `held` of them held).
  const undrawn = (ws.undrawn.get(paragraph) ?? []).filter((e) => e.count > 0);
  for (const a of [...annotationsOf(ws, paragraph), ...undrawn]) {
    if (!shown(ws, a, tagged)) continue;
    const entry = counts.get(a.role) ?? { count: 0, authors: new Set(), mine: false };
    entry.count += a.count ?? 1;
    entry.authors.add(a.author ?? "(deleted account)");
    entry.mine ||= a.author === ws.me;
    const held = a.held ?? (HELD.has(a.status) ? 1 : 0);
    if (held) entry.held = (entry.held ?? 0) + held;
    counts.set(a.role, entry);
  }
  const order = [...ws.roles.keys()];
  return new Map([...counts].sort(([x], [y]) => order.indexOf(x) - order.indexOf(y)));
}
