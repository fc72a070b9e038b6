// Where an imported post came from (the API's `attribution`): "imported · from bob, Hypothesis,
// 3 May 2024" beside its author, who is the member who imported it. The name is left out when
// it is the author's own (they imported their own work); null attribution: nothing.

import { h } from "./dom.js";

const DAY = { day: "numeric", month: "long", year: "numeric" };

/** The words for an attribution, or "" for a post written here. */
export function attributionText(item) {
  const at = item.attribution;
  if (!at) return "";
  const parts = [];
  if (at.author && at.author.toLowerCase() !== (item.author ?? "").toLowerCase()) {
    parts.push(`from ${at.author}`);
  }
  parts.push(at.source);
  if (at.created) parts.push(new Date(at.created).toLocaleDateString([], DAY));
  return `imported · ${parts.join(", ")}`;
}

/** The attribution as a quiet line beside the author (its address, when the source gave one,
 * in the title: a file's URL is never made a link). */
export function attributionMark(item) {
  const text = attributionText(item);
  if (!text) return "";
  const title = item.attribution.url ? `Source: ${item.attribution.url}` : null;
  return h("span", { class: "ws-attribution", title }, text);
}
