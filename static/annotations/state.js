// The workspace's state: one object, `ws`, made once by the entry module (workspace.js) from the
// page's data ("workspace-data", annotations/workspace.py) and handed to every function that
// reads or changes it, as its first argument. No module keeps state of its own; what is fixed
// for the page (the data, the roles, the paragraphs, the elements) sits beside what changes.

import { makeApi } from "./api.js";
import { snippet } from "./dom.js";
import { sliceCodePoints } from "./offsets.js";
import { textOf } from "./textmap.js";

export function createState(data, doc = document) {
  const roles = new Map(data.roles.map((role) => [role.slug, role]));
  const activeRoles = data.roles.filter((role) => !role.retired);
  // A role is tagged with its key (`shortcut`: none when the page's own keys take it,
  // annotations/workspace.py RESERVED_KEYS) or its number.
  const roleByKey = new Map();
  for (const role of activeRoles) {
    if (role.number) roleByKey.set(String(role.number), role.slug);
    if (role.shortcut) roleByKey.set(role.shortcut, role.slug);
  }
  const paragraphs = [...doc.querySelectorAll(".para[data-paragraph]")];
  const byId = (id) => doc.getElementById(id);

  const ws = {
    // The page, as the server drew it.
    data,
    api: makeApi(data.csrfToken),
    me: data.user?.username ?? null,
    roles,
    activeRoles,
    roleByKey,
    paragraphs,
    paragraphById: new Map(paragraphs.map((el) => [Number(el.dataset.paragraph), el])),
    numberOf: new Map(paragraphs.map((el, i) => [Number(el.dataset.paragraph), i + 1])),
    blindKey: `marginalia.blind.${data.user?.id ?? "anonymous"}`, // localStorage, non-members
    el: {
      toolbar: byId("ws-toolbar"),
      filtersForm: byId("ws-filters"),
      panel: byId("ws-panel"),
      panelTitle: byId("ws-panel-title"),
      panelBody: byId("ws-panel-body"),
      minimap: byId("ws-minimap"),
      notice: byId("ws-notice"),
      announcer: byId("ws-announce"),
      linkbar: byId("ws-linkbar"),
      help: byId("ws-help"),
    },

    /** Annotations by id: {id, paragraph, role, author, start, end, status, visibility}, start
     * and end in code points; `full` is the API's object once fetched. `byParagraph` indexes
     * them (index, unindex). */
    annotations: new Map(),
    byParagraph: new Map(),
    /** What the page counts but did not draw, where a paragraph holds more annotations than the
     * page's bound (annotations/page_budget.py): paragraph id -> [{role, author, count, held}].
     * Counted in the chips and the minimap (shown.js `rolesOn`) until more.js fetches them. */
    undrawn: new Map(),
    moreAsked: new Set(), // paragraphs whose undrawn annotations were fetched (more.js)
    commentCounts: new Map(Object.entries(data.comments).map(([k, v]) => [Number(k), v])),
    /** Comments by id: {paragraph, annotation, status, fresh}, those in the page (three values
     * each in "commentIndex") and those seen since; a count keeps track of which it has counted.
     * `fresh`: someone else wrote it since the reader's last visit (shown.js `isNew`). */
    commentInfo: new Map(),
    /** Paragraph id -> how many of its counted comments are fresh (the chip's "2 new"). */
    newCounts: new Map(),
    /** The member's visit before this one (ms; null on a first visit or for a non-member):
     * the others' comments written since are marked new (annotations/workspace.py). */
    lastVisit: data.lastVisit ? Date.parse(data.lastVisit) : null,
    /** The paragraphs the reader follows (members only: `data.follows`, follow.js). */
    followed: new Set(data.follows?.paragraphs ?? []),
    since: data.since, // the live updates' last look
    textCache: new Map(), // paragraph id -> its text (paragraphText)
    chipsDrawn: new Map(), // paragraph id -> what its chips say (drawn again only on change)
    runsDrawn: new Map(), // paragraph id -> what its highlights show (text.js, likewise)

    // The reader's view.
    filters: { roles: new Set(roles.keys()), author: "", mine: false },
    // Blind mode: the server's <html data-blind> for a member, the page's head (localStorage)
    // for anyone else. For a member, `blindServer` is what the server keeps (`on`) and the
    // number of the latest change sent (`latest`: only its answer counts).
    blind: doc.documentElement.hasAttribute("data-blind"),
    blindServer: { on: Boolean(data.blind?.on), latest: 0 },
    current: null, // the chosen paragraph element
    selecting: null, // {el, id, words, start, end} while selecting a passage by keyboard
    linking: null, // {source, relation, paragraph} while in link mode

    // The side panel.
    panelParagraph: null, // the paragraph id the panel shows
    panelData: { comments: [], links: [] },
    panelRequest: 0, // the latest panel fetch: an older answer is dropped
    chosen: null, // the annotation id chosen in the panel (link mode starts from it)
    following: false, // a Follow change on its way (follow.js)
    composerCount: 0, // numbers the composers' text boxes
    mentionCache: new Map(), // @mention suggestions by prefix (mentions.js)
    // Moderation in the panel (moderation.js): the small forms (key -> what is typed), so that a
    // redraw keeps them; the items flagged (the thank-you stays); the histories open.
    panelForms: new Map(),
    flagged: new Set(),
    histories: new Map(),

    // Scheduled work.
    minimapPending: false,
    noticeTimer: 0,
  };

  // The index: six values an annotation in one flat list (annotations/workspace.py says which).
  for (let i = 0; i < data.annotations.length; i += 6) {
    const [id, paragraph, role, author, start, end] = data.annotations.slice(i, i + 6);
    const [status, visibility] = data.unusual[id] ?? ["visible", "group"];
    index(ws, {
      id,
      paragraph,
      role: data.roles[role].slug,
      author: author == null ? null : data.authors[author],
      start,
      end,
      status,
      visibility,
    });
  }
  for (const [paragraph, values] of Object.entries(data.undrawn ?? {})) {
    const entries = [];
    for (let i = 0; i < values.length; i += 4) {
      const [role, author, count, held] = values.slice(i, i + 4);
      const slug = data.roles[role].slug;
      const name = author == null ? null : data.authors[author];
      entries.push({ role: slug, author: name, count, held });
    }
    ws.undrawn.set(Number(paragraph), entries);
  }
  const fresh = new Set(data.newComments);
  for (let i = 0; i < data.commentIndex.length; i += 3) {
    const [id, paragraph, annotation] = data.commentIndex.slice(i, i + 3);
    ws.commentInfo.set(id, { paragraph, annotation, status: "visible", fresh: fresh.has(id) });
    if (fresh.has(id)) ws.newCounts.set(paragraph, (ws.newCounts.get(paragraph) ?? 0) + 1);
  }
  return ws;
}

export function index(ws, a) {
  ws.annotations.set(a.id, a);
  if (!ws.byParagraph.has(a.paragraph)) ws.byParagraph.set(a.paragraph, new Set());
  ws.byParagraph.get(a.paragraph).add(a.id);
}

export function unindex(ws, a) {
  ws.annotations.delete(a.id);
  ws.byParagraph.get(a.paragraph)?.delete(a.id);
}

export function annotationsOf(ws, paragraph) {
  return [...(ws.byParagraph.get(paragraph) ?? [])].map((id) => ws.annotations.get(id));
}

export function taggedByMe(ws, paragraph) {
  if (ws.me === null) return false;
  const undrawn = ws.undrawn.get(paragraph) ?? [];
  if (undrawn.some((e) => e.author === ws.me && e.count > 0)) return true;
  return annotationsOf(ws, paragraph).some((a) => a.author === ws.me);
}

/** How many annotations of a paragraph the page counts but has not drawn (more.js). */
export function undrawnCount(ws, paragraph) {
  return (ws.undrawn.get(paragraph) ?? []).reduce((sum, e) => sum + e.count, 0);
}

export function roleName(ws, slug) {
  return ws.roles.get(slug)?.name ?? slug;
}

export function paragraphText(ws, id) {
  if (!ws.textCache.has(id)) {
    ws.textCache.set(id, textOf(ws.paragraphById.get(id).querySelector(".para-text")));
  }
  return ws.textCache.get(id);
}

export function quoteText(ws, a, length = 70) {
  const text = paragraphText(ws, a.paragraph);
  return snippet(a.start == null ? text : sliceCodePoints(text, a.start, a.end), length);
}
