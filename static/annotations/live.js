// Live updates: every few seconds, what changed since the last look (annotations and comments of
// the paper), merged in place, with a quiet notice. Nothing scrolls or moves.

import { ApiError } from "./api.js";
import { plural } from "./dom.js";
import { dropCommentsOn, forgetUndrawn, recount, upsert } from "./layer.js";
import { showNotice } from "./notice.js";
import { renderPanel } from "./panel.js";
import { isCounted, isNew, isRemoved } from "./shown.js";

/** Look again in `delay` milliseconds. */
export function later(ws, delay) {
  window.setTimeout(() => poll(ws), delay);
}

/** What to ask for: a few seconds before the newest change seen, because `updated` is the time
 * of a change, not of its commit (docs/api.md, "since"); what comes again is skipped. */
const SINCE_MARGIN_MS = 5000;

function sinceParameter(ws) {
  return new Date(Date.parse(ws.since) - SINCE_MARGIN_MS).toISOString();
}

function newest(items, fallback) {
  let max = fallback;
  for (const item of items) {
    if (item.updated && Date.parse(item.updated) > Date.parse(max)) max = item.updated;
  }
  return max;
}

/** Annotations and comments changed since the last look (oldest first, deleted annotations
 * included), merged in where they belong. */
async function poll(ws) {
  const { api, data } = ws;
  let delay = data.poll;
  try {
    const params = { paper: data.paper, since: sinceParameter(ws) };
    const [changed, talk] = await Promise.all([
      fresh(ws, "annotations", params),
      fresh(ws, "comments", params),
    ]);
    merge(ws, changed, talk);
  } catch (error) {
    // Offline, throttled or a server error: keep trying, less often. (A bug in merging must
    // not stop the updates either; it shows in the console.)
    delay = error.status === 429 ? data.poll * 4 : data.poll * 2;
    if (!(error instanceof ApiError)) console.error(error);
  } finally {
    later(ws, delay);
  }
}

/** What changed of one kind, or nothing when the server says the list is as it last answered
 * (304 to the ETag kept from that answer: one cheap query on the server). */
async function fresh(ws, kind, params) {
  ws.etags ??= {};
  const answer = await ws.api.changes(ws.data.api[kind], params, ws.etags[kind]);
  if (answer === null) return [];
  ws.etags[kind] = answer.etag;
  return answer.items;
}

/** Merge what changed. An item gone from the reader's view (deleted, or "removed": the server's
 * tombstone for what they no longer see) leaves the text, the chips, the counts, the minimap
 * and the panel; a removed one carries no content, only its id (and perhaps its paragraph). */
function merge(ws, changed, talk) {
  const { me } = ws;
  ws.since = newest(talk, newest(changed, ws.since));
  let added = 0;
  let removed = 0;
  let panelTouched = false;
  for (const item of changed) {
    const known = ws.annotations.get(item.id);
    const gone = item.status === "deleted" || isRemoved(item);
    if (!known && gone) {
      forgetUndrawn(ws, item); // one the page counted without drawing it (more.js)
      continue;
    }
    if (
      !gone &&
      known?.full &&
      known.full.version === item.version &&
      known.status === item.status
    ) {
      continue; // our own change, already merged
    }
    if (gone) {
      upsert(ws, { ...known, status: "deleted" });
      dropCommentsOn(ws, known.id);
      if (ws.chosen === known.id) ws.chosen = null;
    } else {
      upsert(ws, item);
    }
    panelTouched ||= item.paragraph === ws.panelParagraph || known?.paragraph === ws.panelParagraph;
    if (item.author === me) continue;
    if (!known) added += 1;
    else if (gone) removed += 1;
  }
  let newComments = 0;
  let removedComments = 0;
  for (const c of talk) {
    const gone = isRemoved(c);
    const shown = ws.panelData.comments.find((x) => x.id === c.id);
    if (!gone && shown && shown.version === c.version && shown.status === c.status) continue;
    const before = ws.commentInfo.get(c.id);
    const paragraph = c.paragraph ?? before?.paragraph ?? shown?.paragraph ?? null;
    const counted = before !== undefined && isCounted(before.status);
    const countsNow = !gone && isCounted(c.status);
    const fresh = before?.fresh ?? (!gone && isNew(ws, c));
    ws.commentInfo.set(c.id, {
      paragraph,
      // A comment can leave an annotation (deleted by its author: the thread moves to the
      // paragraph), so a null from the server counts; a removed item carries no annotation.
      annotation: c.annotation !== undefined ? c.annotation : (before?.annotation ?? null),
      status: gone ? "removed" : c.status,
      fresh,
    });
    if (counted !== countsNow) recount(ws, paragraph, countsNow ? 1 : -1, fresh);
    if (before === undefined && countsNow && c.author !== me) newComments += 1;
    if (gone && counted) removedComments += 1;
    if (gone) {
      if (shown) {
        ws.panelData.comments = ws.panelData.comments.filter((x) => x.id !== c.id);
        panelTouched = true;
      }
    } else if (paragraph === ws.panelParagraph) {
      const i = ws.panelData.comments.findIndex((x) => x.id === c.id);
      if (i === -1) ws.panelData.comments.push(c);
      else ws.panelData.comments[i] = c;
      panelTouched = true;
    }
  }
  if (panelTouched) renderPanel(ws);
  const news = [];
  if (added) news.push(plural(added, "new annotation"));
  if (removed) news.push(`${plural(removed, "annotation")} removed`);
  if (newComments) news.push(plural(newComments, "new comment"));
  if (removedComments) news.push(`${plural(removedComments, "comment")} removed`);
  if (news.length) showNotice(ws, `${news.join(", ")}.`);
  // Someone else's new post may be a notification for the reader: the navigation's bell
  // (static/notifications/bell.js) looks now rather than at its next turn.
  if (added || newComments) document.dispatchEvent(new Event("marginalia:bell"));
}
