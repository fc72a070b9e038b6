// The reading page as the annotation workspace (templates/annotations/paper_workspace.html).
//
// The server renders the paper with the annotations the reader may see (passages as <mark>,
// role chips under each paragraph) and hands this module the rest through json_script
// ("workspace-data": roles, a compact index of the annotations, the API's URLs, the CSRF
// token). From there everything goes through the REST API, as for any other client:
//
// - choose a paragraph (click, j/k, ↓/↑), tag it with a role's key or button, or select a passage
//   (mouse, or `s` then arrows) and tag just that;
// - Enter opens the side panel: everyone's roles, notes, threads, edit and delete of your own;
// - `l` links the annotation chosen in the panel to the claim it supports or attacks;
// - filters (`f`), blind mode (`b`), the minimap (`m`), the list of keys (`?`);
// - every few seconds what changed since the last look is merged in, with a quiet notice;
// - moderation: members flag others' posts; the author sees their own held post marked; the
//   group's owners and moderators see everyone's, marked, and hide, unhide, approve or reject
//   from the panel. What a reader may not see never reaches the page (the server's
//   `visible_to`); what leaves their view later is dropped here (`isHeldFromMe`, "removed").
//
// Offsets: the DOM counts UTF-16 units (textmap.js), the server code points; offsets.js
// converts, and nothing else does.

import { ApiError, makeApi, versionTag } from "./api.js";
import { codePointLength, quoteFromUtf16, sliceCodePoints, toUtf16 } from "./offsets.js";
import { rangeOffsets, selectOffsets, textOf, unwrap, wrapOffsets } from "./textmap.js";

const data = JSON.parse(document.getElementById("workspace-data").textContent);
const api = makeApi(data.csrfToken);
const me = data.user?.username ?? null;
const canModerate = Boolean(data.canModerate);

// --- State -----------------------------------------------------------------------------------

const roles = new Map(data.roles.map((role) => [role.slug, role]));
const activeRoles = data.roles.filter((role) => !role.retired);
// A role is tagged with its key (`shortcut`: none when the page's own keys below take it,
// annotations/workspace.py RESERVED_KEYS) or its number.
const roleByKey = new Map();
for (const role of activeRoles) {
  if (role.number) roleByKey.set(String(role.number), role.slug);
  if (role.shortcut) roleByKey.set(role.shortcut, role.slug);
}

/** Annotations by id: {id, paragraph, role, author, start, end, status, visibility}, start and
 * end in code points; `full` is the API's object once fetched. `byParagraph` indexes them. */
const annotations = new Map();
const byParagraph = new Map();

function index(a) {
  annotations.set(a.id, a);
  if (!byParagraph.has(a.paragraph)) byParagraph.set(a.paragraph, new Set());
  byParagraph.get(a.paragraph).add(a.id);
}

function unindex(a) {
  annotations.delete(a.id);
  byParagraph.get(a.paragraph)?.delete(a.id);
}

// The index: six values an annotation in one flat list (annotations/workspace.py says which).
for (let i = 0; i < data.annotations.length; i += 6) {
  const [id, paragraph, role, author, start, end] = data.annotations.slice(i, i + 6);
  const [status, visibility] = data.unusual[id] ?? ["visible", "group"];
  index({
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
const commentCounts = new Map(Object.entries(data.comments).map(([k, v]) => [Number(k), v]));
/** Comments by id: {paragraph, annotation, status}, those in the page (three values each in
 * "commentIndex") and those seen since; a count keeps track of which it has counted. */
const commentInfo = new Map();
for (let i = 0; i < data.commentIndex.length; i += 3) {
  const [id, paragraph, annotation] = data.commentIndex.slice(i, i + 3);
  commentInfo.set(id, { paragraph, annotation, status: "visible" });
}

const paragraphs = [...document.querySelectorAll(".para[data-paragraph]")];
const paragraphById = new Map(paragraphs.map((el) => [Number(el.dataset.paragraph), el]));
const numberOf = new Map(paragraphs.map((el, i) => [Number(el.dataset.paragraph), i + 1]));
const textCache = new Map();

const filters = { roles: new Set(roles.keys()), author: "", mine: false };
const blindKey = `marginalia.blind.${data.user?.id ?? "anonymous"}`;
let blind = document.documentElement.hasAttribute("data-blind");
let current = null; // the chosen paragraph element
let panelParagraph = null; // the paragraph id the panel shows
let panelData = { comments: [], links: [] };
let chosen = null; // the annotation id chosen in the panel (link mode starts from it)
let linking = null; // {source, relation, paragraph} while in link mode
let selecting = null; // {el, id, words, start, end} while selecting a passage by keyboard
let since = data.since;

const toolbar = document.getElementById("ws-toolbar");
const filtersForm = document.getElementById("ws-filters");
const panel = document.getElementById("ws-panel");
const panelTitle = document.getElementById("ws-panel-title");
const panelBody = document.getElementById("ws-panel-body");
const minimap = document.getElementById("ws-minimap");
const notice = document.getElementById("ws-notice");
const announcer = document.getElementById("ws-announce");
const linkbar = document.getElementById("ws-linkbar");
const help = document.getElementById("ws-help");

// --- Small helpers ---------------------------------------------------------------------------

/** An element: h("p", {class: "x", onclick: fn}, "text", child, …). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "html") el.innerHTML = value; // the server's sanitised HTML (nh3)
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false || child === "") continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function button(label, onclick, attrs = {}) {
  return h("button", { type: "button", class: "link-button", onclick, ...attrs }, label);
}

/** Tell screen readers (the polite, visually hidden live region). */
function say(message) {
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 30);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function roleName(slug) {
  return roles.get(slug)?.name ?? slug;
}

function paragraphText(id) {
  if (!textCache.has(id)) {
    textCache.set(id, textOf(paragraphById.get(id).querySelector(".para-text")));
  }
  return textCache.get(id);
}

function snippet(text, length = 90) {
  const clean = text.replace(/\s+/g, " ").trim();
  return codePointLength(clean) > length ? `${sliceCodePoints(clean, 0, length - 1)}…` : clean;
}

function quoteText(a, length = 70) {
  const text = paragraphText(a.paragraph);
  return snippet(a.start == null ? text : sliceCodePoints(text, a.start, a.end), length);
}

function when(iso) {
  if (!iso) return "";
  const text = new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return h("time", { datetime: iso, class: "ws-time" }, text);
}

function isField(el) {
  return el instanceof Element && el.closest("input, textarea, select, [contenteditable]");
}

function elementOf(node) {
  return node?.nodeType === Node.ELEMENT_NODE ? node : node?.parentElement;
}

// --- Moderation: who sees what ---------------------------------------------------------------

const HELD = new Set(["hidden", "pending"]);
const STATUS_MARK = { hidden: "Hidden by a moderator", pending: "Waiting for a moderator" };

/** An item (the API's object) this reader must not see: gone from their view ("removed", the
 * `since` feed's word for it), or held (hidden or pending) while they are neither its author
 * nor a moderator. The server never sends those; this is the client's own guard. */
function isHeldFromMe(item) {
  if (item.status === "removed") return true;
  return HELD.has(item.status) && !canModerate && (me === null || item.author !== me);
}

/** A comment counts on its paragraph's chip unless it is a tombstone or out of view. */
function isCounted(status) {
  return status !== "deleted" && status !== "removed";
}

function recount(paragraph, delta) {
  if (paragraph == null) return;
  commentCounts.set(paragraph, Math.max(0, (commentCounts.get(paragraph) ?? 0) + delta));
  renderParagraph(paragraph);
}

/** The comments on an annotation that left the reader's view leave it with it. */
function dropCommentsOn(annotation) {
  for (const [id, info] of commentInfo) {
    if (info.annotation !== annotation || !isCounted(info.status)) continue;
    commentInfo.set(id, { ...info, status: "removed" });
    recount(info.paragraph, -1);
  }
  panelData.comments = panelData.comments.filter((c) => c.annotation !== annotation);
}

/** Was it changed after it was first posted? The API's `edited` when it says so; else its
 * version (a moderator's action counts a version too, so this may say "edited" for a post
 * only moderated). */
function isEdited(item) {
  return item.edited ?? item.version > 1;
}

// --- What is shown: filters and blind mode ---------------------------------------------------

function annotationsOf(paragraph) {
  return [...(byParagraph.get(paragraph) ?? [])].map((id) => annotations.get(id));
}

function taggedByMe(paragraph) {
  return me !== null && annotationsOf(paragraph).some((a) => a.author === me);
}

function passesFilters(a) {
  if (!filters.roles.has(a.role)) return false;
  if (filters.mine && a.author !== me) return false;
  return !filters.author || a.author === filters.author;
}

/** Shown: it passes the filters, and blind mode does not hide it (the others' roles on a
 * paragraph stay hidden until the reader has tagged it). */
function isShown(a, tagged = taggedByMe(a.paragraph)) {
  return passesFilters(a) && !(blind && a.author !== me && !tagged);
}

// --- Drawing on the text: highlights, chips, the minimap -------------------------------------

function markFor(a) {
  let classes = `hl role-${a.role}`;
  if (a.author === me) classes += " mine";
  if (a.status !== "visible") classes += ` is-${a.status}`;
  return h("mark", { class: classes, "data-annotation": a.id });
}

// A mark's title (role and author) is given when the pointer first rests on it: the server
// leaves titles out of the page (for 10,000 annotations they weigh more than half a megabyte).
document.addEventListener("mouseover", (event) => {
  const mark = event.target.closest?.("mark.hl[data-annotation]");
  const a = mark && !mark.title && annotations.get(Number(mark.dataset.annotation));
  if (a) mark.title = `${roleName(a.role)} · ${a.author ?? "(deleted account)"}`;
});

function drawHighlight(a) {
  const el = paragraphById.get(a.paragraph);
  if (a.start == null || !el) return;
  const text = paragraphText(a.paragraph);
  const root = el.querySelector(".para-text");
  wrapOffsets(root, toUtf16(text, a.start), toUtf16(text, a.end), () => markFor(a));
}

function eraseHighlight(a) {
  const el = paragraphById.get(a.paragraph);
  if (el) unwrap(el.querySelector(".para-text"), `mark.hl[data-annotation="${a.id}"]`);
}

/** The roles shown on a paragraph: slug -> {count, authors, mine}, in the group's order.
 * `shown` decides which annotations count (isShown: filters and blind mode). */
function rolesOn(paragraph, shown = isShown) {
  const tagged = taggedByMe(paragraph);
  const counts = new Map();
  for (const a of annotationsOf(paragraph)) {
    if (!shown(a, tagged)) continue;
    const entry = counts.get(a.role) ?? { count: 0, authors: new Set(), mine: false };
    entry.count += 1;
    entry.authors.add(a.author ?? "(deleted account)");
    entry.mine ||= a.author === me;
    if (HELD.has(a.status)) entry.held = (entry.held ?? 0) + 1;
    counts.set(a.role, entry);
  }
  const order = [...roles.keys()];
  return new Map([...counts].sort(([x], [y]) => order.indexOf(x) - order.indexOf(y)));
}

const chipsDrawn = new Map(); // paragraph id -> what its chips say (drawn again only on change)

/** Chips and highlight visibility of one paragraph, as the server draws them. Blind mode is
 * left to the stylesheet (html[data-blind] and the paragraph's data-tagged), as on the first
 * paint; the filters are applied here. */
function renderParagraph(paragraph) {
  const el = paragraphById.get(paragraph);
  if (!el) return;
  el.toggleAttribute("data-tagged", taggedByMe(paragraph));
  for (const mark of el.querySelectorAll("mark.hl[data-annotation]")) {
    const a = annotations.get(Number(mark.dataset.annotation));
    mark.classList.toggle("is-off", !a || !passesFilters(a));
  }
  const counts = rolesOn(paragraph, passesFilters);
  const comments = commentCounts.get(paragraph) ?? 0;
  const said = JSON.stringify([
    [...counts].map(([slug, e]) => [slug, e.count, e.mine, e.held, [...e.authors].sort()]),
    comments,
  ]);
  if (chipsDrawn.get(paragraph) === said && el.querySelector(".ws-chips")) return;
  chipsDrawn.set(paragraph, said);
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
          title: `${roleName(slug)}: ${[...entry.authors].sort().join(", ")}${held}`,
        },
        h("span", { class: "ws-dot", "aria-hidden": "true" }),
        `${roleName(slug)} `,
        h("span", { class: "ws-count" }, entry.count),
      ),
    );
  }
  if (comments) {
    chips.append(h("span", { class: "ws-chip ws-chip-comments" }, plural(comments, "comment")));
  }
  (el.querySelector(":scope > p") ?? el).append(chips);
}

function renderAll() {
  for (const paragraph of paragraphById.keys()) renderParagraph(paragraph);
  scheduleMinimap();
  refreshAuthors();
}

let minimapPending = false;

function scheduleMinimap() {
  if (minimapPending) return;
  minimapPending = true;
  window.requestAnimationFrame(() => {
    minimapPending = false;
    renderMinimap();
  });
}

/** A bar beside the text, as tall as the window, standing for the whole paper: a tick for each
 * paragraph with shown roles, at its place in the paper, coloured by its roles. One tab stop;
 * ↓/↑ move between ticks, Enter goes to the paragraph. */
function renderMinimap() {
  const focused = elementOf(document.activeElement)?.closest(".ws-tick")?.dataset.tick;
  const height = document.documentElement.scrollHeight || 1;
  const ticks = [];
  for (const [paragraph, el] of paragraphById) {
    const counts = rolesOn(paragraph);
    if (!counts.size) continue;
    const top = el.getBoundingClientRect().top + window.scrollY;
    const label = [...counts].map(([slug, entry]) => `${roleName(slug)} ${entry.count}`).join(", ");
    ticks.push(
      h(
        "button",
        {
          type: "button",
          class: `ws-tick${paragraph === panelParagraph ? " is-open" : ""}`,
          tabindex: "-1",
          "data-tick": paragraph,
          style: `top: ${((top / height) * 100).toFixed(3)}%`,
          "aria-label": `Paragraph ${numberOf.get(paragraph)}: ${label}`,
          title: `¶ ${numberOf.get(paragraph)}: ${label}`,
        },
        [...counts.keys()].map((slug) => h("span", { class: `ws-tick-role role-${slug}` })),
      ),
    );
  }
  minimap.replaceChildren(
    h("div", { class: "ws-view", "aria-hidden": "true" }),
    ...ticks,
    ticks.length ? "" : h("p", { class: "visually-hidden" }, "No annotations yet."),
  );
  const first = ticks.find((t) => t.dataset.tick === focused) ?? ticks[0];
  if (first) {
    first.tabIndex = 0;
    if (focused) first.focus({ preventScroll: true });
  }
  moveViewBox();
}

function moveViewBox() {
  const view = minimap.querySelector(".ws-view");
  if (!view) return;
  const height = document.documentElement.scrollHeight || 1;
  view.style.top = `${(window.scrollY / height) * 100}%`;
  view.style.height = `${(window.innerHeight / height) * 100}%`;
}

minimap.addEventListener("click", (event) => {
  const tick = event.target.closest(".ws-tick");
  if (!tick) return;
  const paragraph = Number(tick.dataset.tick);
  if (linking) return showTargets(paragraph);
  choose(paragraphById.get(paragraph), { scroll: "center" });
  say(`Paragraph ${numberOf.get(paragraph)}.`);
});

minimap.addEventListener("keydown", (event) => {
  const tick = event.target.closest(".ws-tick");
  if (!tick) return;
  const ticks = [...minimap.querySelectorAll(".ws-tick")];
  const i = ticks.indexOf(tick);
  const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: ticks.length - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = ticks[Math.max(0, Math.min(ticks.length - 1, moves[event.key]))];
  tick.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
});

// --- Choosing a paragraph --------------------------------------------------------------------

function choose(el, { focus = true, scroll = "nearest" } = {}) {
  if (!el) return;
  if (current && current !== el) {
    current.removeAttribute("aria-current");
    current.tabIndex = -1;
  }
  current = el;
  el.setAttribute("aria-current", "true");
  el.tabIndex = 0;
  if (focus) el.focus({ preventScroll: true });
  if (scroll) el.scrollIntoView({ block: scroll });
  const id = Number(el.dataset.paragraph);
  if (!panel.hidden && id !== panelParagraph) openPanel(id, { focus: false });
}

function firstInView() {
  const top = toolbar.getBoundingClientRect().bottom;
  return paragraphs.find((el) => el.getBoundingClientRect().bottom > top) ?? paragraphs[0];
}

function step(delta) {
  stopSelecting();
  if (!current) return choose(firstInView());
  const i = paragraphs.indexOf(current) + delta;
  choose(paragraphs[Math.max(0, Math.min(paragraphs.length - 1, i))]);
}

for (const el of paragraphs) el.tabIndex = -1;
if (paragraphs.length) paragraphs[0].tabIndex = 0;

document.addEventListener("click", (event) => {
  const el = event.target.closest?.(".para[data-paragraph]");
  if (!el || event.target.closest("a, button")) return;
  const id = Number(el.dataset.paragraph);
  if (linking) {
    const mark = event.target.closest("mark.hl[data-annotation]");
    const target = mark && annotations.get(Number(mark.dataset.annotation));
    if (target && target.id !== linking.source && targetRoles().has(target.role)) {
      return link(target.id);
    }
    return showTargets(id);
  }
  const selection = window.getSelection();
  choose(el, { focus: selection.isCollapsed, scroll: false });
  if (selection.isCollapsed && event.target.closest(".ws-chips, mark.hl")) openPanel(id);
});

/** The text selection as a passage: {paragraph, start, end} (UTF-16 offsets in its text),
 * {crossing: true} when it runs over more than one paragraph, or null. */
function currentSelection() {
  const selection = window.getSelection();
  if (selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const start = elementOf(range.startContainer)?.closest(".para-text");
  const end = elementOf(range.endContainer)?.closest(".para-text");
  if (!start && !end) return null;
  if (start !== end) return { crossing: true };
  const offsets = rangeOffsets(start, range);
  const paragraph = Number(start.closest(".para[data-paragraph]").dataset.paragraph);
  return offsets ? { paragraph, ...offsets } : null;
}

// --- Selecting a passage from the keyboard (s, then arrows) ----------------------------------

const segmenter =
  "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

function wordsOf(text) {
  if (segmenter) {
    return [...segmenter.segment(text)]
      .filter((s) => s.isWordLike)
      .map((s) => ({ start: s.index, end: s.index + s.segment.length }));
  }
  return [...text.matchAll(/\S+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function startSelecting() {
  if (!current) return say("Choose a paragraph first: j or k.");
  const id = Number(current.dataset.paragraph);
  const words = wordsOf(paragraphText(id));
  if (!words.length) return;
  selecting = { el: current, id, words, start: 0, end: 0 };
  current.classList.add("is-selecting");
  showSelecting();
}

function showSelecting() {
  const { el, id, words, start, end } = selecting;
  const from = words[start].start;
  const to = words[end].end;
  selectOffsets(el.querySelector(".para-text"), from, to);
  say(`Selected: ${paragraphText(id).slice(from, to)}`);
}

function stopSelecting() {
  if (!selecting) return;
  selecting.el.classList.remove("is-selecting");
  selecting = null;
}

function moveSelecting(key, shift) {
  const s = selecting;
  const by = key === "ArrowRight" ? 1 : -1;
  if (shift) s.start = Math.max(0, Math.min(s.end, s.start + by));
  else s.end = Math.max(s.start, Math.min(s.words.length - 1, s.end + by));
  showSelecting();
}

// --- Tagging ---------------------------------------------------------------------------------

async function tag(slug) {
  if (!data.canAnnotate) return;
  const picked = currentSelection();
  if (picked?.crossing) return say("A passage lies inside one paragraph: select within it.");
  const el = picked ? paragraphById.get(picked.paragraph) : current;
  if (!el) return say("Choose a paragraph first: click it, or press j or k.");
  const paragraph = Number(el.dataset.paragraph);
  const quote = picked ? quoteFromUtf16(paragraphText(paragraph), picked.start, picked.end) : null;
  const before = current;
  try {
    const created = await api.post(data.api.annotations, { paragraph, role: slug, quote });
    if (picked) window.getSelection().removeAllRanges();
    stopSelecting();
    upsert(created);
    // A passage tagged in another paragraph makes it the chosen one, unless the reader has
    // moved on meanwhile (keys are faster than the server).
    if (current === before && current !== el) choose(el, { focus: false, scroll: false });
    const what = quote ? `“${snippet(quote.exact, 40)}”` : `paragraph ${numberOf.get(paragraph)}`;
    say(`Tagged ${what} as ${roleName(slug).toLowerCase()}.`);
    if (panelParagraph === paragraph) renderPanel();
  } catch (error) {
    say(error.message);
    showNotice(error.message, { error: true });
  }
}

/** Add or replace an annotation from the API's object; status "deleted" removes it. */
function upsert(item) {
  const known = annotations.get(item.id);
  if (known) {
    eraseHighlight(known);
    unindex(known);
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
    index(a);
    drawHighlight(a);
    renderParagraph(a.paragraph);
  }
  if (known && (item.status === "deleted" || known.paragraph !== item.paragraph)) {
    renderParagraph(known.paragraph);
  }
  scheduleMinimap();
  refreshAuthors();
  return known;
}

// --- The side panel --------------------------------------------------------------------------

let panelRequest = 0;
const drawer = window.matchMedia("(max-width: 63.99rem)"); // as in marginalia.css

async function openPanel(paragraph, { focus = true } = {}) {
  const changed = paragraph !== panelParagraph;
  panelParagraph = paragraph;
  if (changed) chosen = null;
  panelTitle.textContent = `Paragraph ${numberOf.get(paragraph)}`;
  panel.hidden = false;
  document.body.classList.add("ws-panel-open");
  panel.setAttribute("aria-busy", "true");
  if (changed) panelBody.replaceChildren(h("p", { class: "quiet" }, "Loading…"));
  if (focus) panelTitle.focus({ preventScroll: true });
  // On a phone the panel is a drawer over the lower part of the window: the paragraph goes above.
  if (changed && drawer.matches) paragraphById.get(paragraph)?.scrollIntoView({ block: "start" });
  scheduleMinimap();
  const request = ++panelRequest;
  try {
    const [items, comments, links] = await Promise.all([
      api.list(data.api.annotations, { paragraph }),
      api.list(data.api.comments, { paragraph }),
      api.list(data.api.links, { paper: data.paper }),
    ]);
    if (request !== panelRequest) return; // another paragraph was opened meanwhile
    const listed = new Set(items.map((item) => item.id));
    for (const a of annotationsOf(paragraph)) {
      if (!listed.has(a.id)) upsert({ ...a, status: "deleted" }); // gone meanwhile
    }
    for (const item of items) {
      const a = annotations.get(item.id);
      if (a && a.full?.version === item.version) a.full = item;
      else if (a && !a.full && a.role === item.role && a.start === (item.quote?.start ?? null)) {
        a.full = item;
      } else upsert(item);
    }
    panelData = { comments, links };
    takeComments(paragraph, comments);
    for (const el of panelBody.querySelectorAll("[data-editing]")) delete el.dataset.editing;
    renderPanel();
  } catch (error) {
    if (request !== panelRequest) return;
    panelBody.replaceChildren(h("p", { class: "ws-error", role: "alert" }, error.message));
  } finally {
    if (request === panelRequest) panel.removeAttribute("aria-busy");
  }
}

function closePanel() {
  panel.hidden = true;
  panelParagraph = null;
  chosen = null;
  panelRequest += 1;
  document.body.classList.remove("ws-panel-open");
  scheduleMinimap();
  current?.focus({ preventScroll: true });
}

/** Draw the panel from what is known. While the reader edits something in it, wait (a live
 * update must not throw away what they are typing); drafts in reply boxes are kept. */
function renderPanel() {
  const paragraph = panelParagraph;
  if (paragraph == null || panel.hidden) return;
  if (panelBody.querySelector("[data-editing]")) return;
  const drafts = new Map();
  for (const form of panelBody.querySelectorAll("form.ws-composer[data-key]")) {
    const textarea = form.querySelector("textarea");
    drafts.set(form.dataset.key, {
      value: textarea.value,
      open: !form.classList.contains("is-collapsed"),
      focused: document.activeElement === textarea,
    });
  }
  const focusKey = elementOf(document.activeElement)?.closest("[data-key]")?.dataset.key;
  const focusInside = panel.contains(document.activeElement);

  const tagged = taggedByMe(paragraph);
  const blinded = blind && !tagged;
  const all = annotationsOf(paragraph);
  const shown = all.filter((a) => isShown(a, tagged) && a.full);
  const { comments, links } = panelData;
  const parts = [h("p", { class: "ws-panel-text" }, snippet(paragraphText(paragraph), 160))];
  if (blinded && all.some((a) => a.author !== me)) {
    parts.push(
      h(
        "p",
        { class: "ws-blind-note" },
        "Blind mode: the group’s roles and threads on this paragraph stay hidden until you tag it.",
      ),
    );
  }

  const rolesSection = h(
    "section",
    { class: "ws-roles", "aria-labelledby": "ws-roles-title" },
    h("h3", { id: "ws-roles-title" }, "Roles"),
  );
  if (!shown.length) {
    const hint = data.canAnnotate ? " Press a role’s key, or a role button, to tag it." : "";
    rolesSection.append(h("p", { class: "quiet" }, `No roles shown.${hint}`));
  }
  for (const role of data.roles) {
    const ofRole = shown.filter((a) => a.role === role.slug);
    if (!ofRole.length) continue;
    rolesSection.append(
      h(
        "h4",
        { class: `ws-role-head role-${role.slug}` },
        h("span", { class: "ws-dot", "aria-hidden": "true" }),
        `${role.name} `,
        h("span", { class: "ws-count" }, ofRole.length),
      ),
      h("ul", { class: "ws-annotations" }, ofRole.map((a) => annotationItem(a, comments, links))),
    );
  }
  parts.push(rolesSection);

  if (!blinded) {
    const discussion = h(
      "section",
      { class: "ws-discussion", "aria-labelledby": "ws-talk-title" },
      h("h3", { id: "ws-talk-title" }, "Discussion"),
      thread(
        comments.filter((c) => c.annotation == null),
        "No comments on this paragraph yet.",
      ),
    );
    if (data.canAnnotate) {
      discussion.append(
        composer({
          key: "paragraph",
          label: "Start a thread on this paragraph",
          submit: "Post",
          onsubmit: (body) => api.post(data.api.comments, { paragraph, body }),
        }),
      );
    }
    parts.push(discussion);
  }
  panelBody.replaceChildren(...parts);

  for (const [key, draft] of drafts) {
    const form = panelBody.querySelector(`form.ws-composer[data-key="${key}"]`);
    if (!form) continue;
    const textarea = form.querySelector("textarea");
    textarea.value = draft.value;
    if (draft.open) form.open();
    if (draft.focused) textarea.focus({ preventScroll: true });
  }
  if (focusInside && !panel.contains(document.activeElement)) {
    const again = focusKey && panelBody.querySelector(`[data-key="${focusKey}"]`);
    (again?.matches("form") ? again.querySelector("textarea, button") : again)?.focus?.({
      preventScroll: true,
    });
    if (!panel.contains(document.activeElement)) panelTitle.focus({ preventScroll: true });
  }
}

function annotationItem(a, comments, links) {
  const item = a.full;
  const mine = a.author === me;
  let classes = `ws-annotation role-${a.role}`;
  if (chosen === a.id) classes += " is-chosen";
  if (a.status !== "visible") classes += ` is-${a.status}`;
  const li = h("li", { class: classes, "data-annotation": a.id });
  const pick = h(
    "button",
    {
      type: "button",
      class: "ws-annotation-choose",
      "aria-pressed": String(chosen === a.id),
      "data-key": `choose-${a.id}`,
      title: "Choose it (then l links it to a claim)",
      onclick: () => {
        chosen = chosen === a.id ? null : a.id;
        renderPanel();
        if (chosen) say(`Chosen: ${roleName(a.role)} by ${a.author}. Press l to link it.`);
      },
    },
    h("span", { class: "ws-author" }, a.author ?? "(deleted account)"),
    a.start == null
      ? h("span", { class: "ws-whole" }, " · the whole paragraph")
      : h("q", { class: "ws-quote" }, quoteText(a, 120)),
  );
  li.append(
    h("p", { class: "ws-annotation-head" }, pick, when(item.created), editedMark(item)),
  );
  li.append(statusMark(a.status));
  if (a.visibility === "private") li.append(h("p", { class: "ws-status" }, "Only you see this"));
  if (item.note_html) li.append(h("div", { class: "ws-note", html: item.note_html }));

  const out = links.filter((l) => l.source === a.id);
  const incoming = links.filter((l) => l.target === a.id);
  if (out.length || incoming.length) {
    const passive = { supports: "supported by", attacks: "attacked by", cites: "cited by" };
    li.append(
      h(
        "ul",
        { class: "ws-links", "aria-label": "Links" },
        out.map((l) => linkItem(l, l.target, l.relation)),
        incoming.map((l) => linkItem(l, l.source, passive[l.relation] ?? l.relation)),
      ),
    );
  }

  const actions = h("p", { class: "ws-actions" });
  if (data.canAnnotate) {
    actions.append(
      button("Link to a claim…", () => startLinking(a.id), {
        "data-key": `link-${a.id}`,
        "aria-keyshortcuts": "l",
      }),
    );
  }
  if (mine && data.canAnnotate) {
    actions.append(
      button("Edit", () => editAnnotation(li, a), { "data-key": `edit-${a.id}` }),
      button("Delete", () => deleteAnnotation(a), { "data-key": `delete-${a.id}` }),
    );
  }
  const extra = moderationTools("annotation", item, actions);
  if (actions.childNodes.length) li.append(actions);
  li.append(...extra);

  const onIt = comments.filter((c) => c.annotation === a.id);
  if (onIt.length) li.append(thread(onIt, ""));
  if (data.canAnnotate) {
    li.append(
      composer({
        key: `annotation-${a.id}`,
        label: `Comment on this ${roleName(a.role).toLowerCase()}`,
        opener: "Comment",
        submit: "Post",
        collapsed: true,
        onsubmit: (body) => api.post(data.api.comments, { annotation: a.id, body }),
      }),
    );
  }
  return li;
}

function linkItem(l, otherId, relation) {
  const other = annotations.get(otherId);
  const li = h(
    "li",
    { class: `ws-link ws-link-${l.relation}` },
    h("span", { class: "ws-relation" }, relation),
    " ",
    other
      ? `${roleName(other.role)} (¶ ${numberOf.get(other.paragraph)}): “${quoteText(other, 50)}”`
      : "an annotation not shown",
  );
  if (other) {
    li.append(
      " ",
      button("Go", () => {
        choose(paragraphById.get(other.paragraph), { scroll: "center", focus: false });
        openPanel(other.paragraph);
      }),
    );
  }
  if (l.author === me && data.canAnnotate) {
    li.append(
      " ",
      button("Remove link", async () => {
        try {
          await api.remove(`${data.api.links}${l.id}/`);
          panelData.links = panelData.links.filter((x) => x.id !== l.id);
          renderPanel();
          say("Link removed.");
        } catch (error) {
          say(error.message);
        }
      }),
    );
  }
  return li;
}

/** Comments with their replies, in the order written. A reply whose parent the reader may not
 * see (a moderator hid it) stays in its thread, under a placeholder that says only that. */
function thread(comments, empty) {
  if (!comments.length) return empty ? h("p", { class: "quiet" }, empty) : "";
  const ids = new Set(comments.map((c) => c.id));
  const replies = new Map();
  const top = [];
  for (const c of comments) {
    if (c.parent == null) {
      top.push(c);
      continue;
    }
    if (!ids.has(c.parent) && !replies.has(c.parent)) {
      top.push({ id: c.parent, status: "removed" }); // the placeholder, where its first reply is
    }
    if (!replies.has(c.parent)) replies.set(c.parent, []);
    replies.get(c.parent).push(c);
  }
  const render = (list, depth) =>
    h(
      "ol",
      { class: depth ? "ws-thread ws-replies" : "ws-thread" },
      list.map((c) => commentItem(c, replies.get(c.id) ?? [], depth, render)),
    );
  return render(top, 0);
}

const REMOVED_COMMENT = "A comment here was removed by a moderator.";
const DELETED_COMMENT = "This comment was deleted by its author.";

function commentItem(c, replies, depth, render) {
  if (c.status === "removed") {
    return h(
      "li",
      { class: "ws-comment is-removed", "data-removed-comment": c.id },
      h("p", { class: "ws-tombstone" }, REMOVED_COMMENT),
      replies.length ? render(replies, depth + 1) : "",
    );
  }
  const li = h("li", {
    class: `ws-comment${c.status !== "visible" ? ` is-${c.status}` : ""}`,
    "data-comment": c.id,
  });
  li.append(
    h(
      "p",
      { class: "ws-comment-head" },
      h("span", { class: "ws-author" }, c.author ?? "—"),
      when(c.created),
      c.status === "deleted" ? "" : editedMark(c),
    ),
  );
  if (c.status === "deleted") {
    li.append(h("p", { class: "ws-tombstone" }, DELETED_COMMENT));
  } else {
    li.append(h("div", { class: "ws-body", html: c.body_html }));
  }
  li.append(statusMark(c.status));
  const actions = h("p", { class: "ws-actions" });
  if (c.status !== "deleted" && data.canAnnotate && c.author === me) {
    actions.append(
      button("Edit", () => editComment(li, c), { "data-key": `edit-comment-${c.id}` }),
      button("Delete", () => deleteComment(c), { "data-key": `delete-comment-${c.id}` }),
    );
  }
  const extra = moderationTools("comment", c, actions);
  if (actions.childNodes.length) li.append(actions);
  li.append(...extra);
  if (c.status !== "deleted" && data.canAnnotate) {
    li.append(
      composer({
        key: `reply-${c.id}`,
        label: `Reply to ${c.author ?? "this comment"}`,
        opener: "Reply",
        submit: "Reply",
        collapsed: true,
        onsubmit: (body) => api.post(data.api.comments, { parent: c.id, body }),
      }),
    );
  }
  if (replies.length) li.append(render(replies, depth + 1));
  return li;
}

// --- Moderation in the panel -----------------------------------------------------------------
//
// Flag (members, on others' posts), hide / unhide / approve / reject (owners and moderators),
// the marks of held posts, "edited" and the history of a post (its author and moderators). The
// small forms live in `panelForms` (key -> what is typed), so a live update that redraws the
// panel keeps them; `flagged` remembers the thank-you.

const FLAG_REASONS = [
  ["spam", "Spam"],
  ["abuse", "Abuse"],
  ["off_topic", "Off topic"],
  ["other", "Other"],
];
const FLAG_THANKS = "Flagged — thank you. The moderators will look at it.";
const ACTIONS = {
  hide: { label: "Hide", done: "Hidden", field: "Why hide it?", required: true },
  unhide: { label: "Unhide", done: "Shown again", field: "Why show it again?", required: false },
  approve: { label: "Approve", done: "Approved", field: "Note (optional)", required: false },
  reject: { label: "Reject", done: "Rejected", field: "Why reject it?", required: true },
};
const panelForms = new Map();
const flagged = new Set();
const histories = new Map();

function statusMark(status) {
  const text = STATUS_MARK[status];
  return text ? h("p", { class: "ws-status ws-held" }, h("strong", {}, text)) : "";
}

function editedMark(item) {
  return isEdited(item) ? h("span", { class: "ws-edited" }, "edited") : "";
}

/** The actions a moderator may take on an item in its status. */
function actionsFor(status) {
  if (status === "visible") return ["hide"];
  if (status === "pending") return ["approve", "reject", "hide"];
  if (status === "hidden") return ["unhide"];
  return [];
}

/** Buttons for `actions` (a `.ws-actions` paragraph) and what goes after it: an open form, the
 * thank-you after a flag, a history. */
function moderationTools(type, item, actions) {
  const key = `${type}-${item.id}`;
  const mine = me !== null && item.author === me;
  const live = item.status !== "deleted";
  const after = [];
  // Flag what the group can read: held posts are the moderators' already.
  const flaggable = data.canAnnotate && item.status === "visible" && !mine;
  const moderating = panelForms.get(`moderate-${key}`);
  if (canModerate && live && !mine && item.visibility !== "private" && !moderating) {
    for (const action of actionsFor(item.status)) {
      actions.append(
        button(ACTIONS[action].label, () => openForm(`moderate-${key}`, { action, reason: "" }), {
          "data-action": action,
          "data-key": `${action}-${key}`,
        }),
      );
    }
  }
  if (flaggable) {
    if (flagged.has(key)) {
      after.push(h("p", { class: "ws-flagged", "data-key": `flagged-${key}` }, FLAG_THANKS));
    } else if (!panelForms.has(`flag-${key}`)) {
      actions.append(
        button("Flag", () => openForm(`flag-${key}`, { reason: "spam", note: "" }), {
          "data-action": "flag",
          "data-key": `flag-button-${key}`,
          title: "Ask the moderators to look at it",
        }),
      );
    }
  }
  if ((mine || canModerate) && isEdited(item)) {
    actions.append(
      button(histories.has(key) ? "Hide history" : "History", () => toggleHistory(type, item), {
        "data-action": "history",
        "data-key": `history-${key}`,
        "aria-expanded": String(histories.has(key)),
      }),
    );
  }
  if (panelForms.has(`flag-${key}`)) after.push(flagForm(type, item));
  if (moderating) after.push(moderationForm(type, item, moderating));
  if (histories.has(key)) after.push(historyView(type, item, histories.get(key)));
  return after;
}

function openForm(formKey, initial) {
  panelForms.set(formKey, initial);
  renderPanel();
  panelBody.querySelector(`form[data-key="${formKey}"]`)?.querySelector("select, input")?.focus();
}

// Esc in a small form closes it (the page's keys leave text boxes alone).
panelBody.addEventListener("keydown", (event) => {
  const form = event.target.closest?.("form.ws-small-form");
  if (!form || event.key !== "Escape") return;
  event.preventDefault();
  const cancel = [...form.querySelectorAll("button")].find((b) => b.textContent === "Cancel");
  cancel?.click();
});

function closeForm(formKey, focusKey) {
  panelForms.delete(formKey);
  renderPanel();
  panelBody.querySelector(`[data-key="${focusKey}"]`)?.focus();
}

function flagForm(type, item) {
  const key = `${type}-${item.id}`;
  const formKey = `flag-${key}`;
  const state = panelForms.get(formKey);
  const select = h(
    "select",
    { id: `ws-${formKey}-reason`, name: "reason", "data-key": `${formKey}-reason` },
    FLAG_REASONS.map(([value, label]) =>
      h("option", { value, selected: state.reason === value }, label),
    ),
  );
  const note = h("textarea", {
    id: `ws-${formKey}-note`,
    name: "note",
    rows: "2",
    "data-key": `${formKey}-note`,
  });
  note.value = state.note;
  select.addEventListener("change", () => {
    state.reason = select.value;
  });
  note.addEventListener("input", () => {
    state.note = note.value;
  });
  const error = h("p", { class: "ws-error", role: "alert", hidden: !state.error }, state.error);
  const form = h(
    "form",
    { class: "ws-small-form ws-flag-form", "data-key": formKey, "aria-label": `Flag this ${type}` },
    h("p", {}, h("label", { for: select.id }, "Reason "), select),
    h(
      "p",
      {},
      h("label", { for: note.id }, "Note for the moderators ", h("span", { class: "quiet" }, "(optional)")),
      note,
    ),
    error,
    h(
      "p",
      { class: "ws-composer-actions" },
      h("button", { type: "submit", class: "button ws-small" }, "Send flag"),
      button("Cancel", () => closeForm(formKey, `flag-button-${key}`)),
    ),
  );
  submitWith(form, state, error, async () => {
    await api.post(data.api.flags, {
      target_type: type,
      target: item.id,
      reason: select.value,
      note: note.value,
    });
    panelForms.delete(formKey);
    flagged.add(key);
    renderPanel();
    say(FLAG_THANKS);
  });
  return form;
}

function moderationForm(type, item, state) {
  const key = `${type}-${item.id}`;
  const formKey = `moderate-${key}`;
  const action = ACTIONS[state.action];
  const reason = h("input", {
    id: `ws-${formKey}-reason`,
    name: "reason",
    "data-key": `${formKey}-reason`,
    type: "text",
    maxlength: "2000",
    required: action.required,
    autocomplete: "off",
  });
  reason.value = state.reason;
  reason.addEventListener("input", () => {
    state.reason = reason.value;
  });
  const error = h("p", { class: "ws-error", role: "alert", hidden: !state.error }, state.error);
  const form = h(
    "form",
    {
      class: "ws-small-form ws-moderate-form",
      "data-key": formKey,
      "data-moderate": state.action,
      "aria-label": `${action.label} this ${type}`,
    },
    h("p", {}, h("label", { for: reason.id }, action.field), reason),
    error,
    h(
      "p",
      { class: "ws-composer-actions" },
      h("button", { type: "submit", class: "button ws-small" }, action.label),
      button("Cancel", () => closeForm(formKey, `${state.action}-${key}`)),
    ),
  );
  submitWith(form, state, error, async () => {
    await api.post(data.api.moderation, {
      target_type: type,
      target: item.id,
      action: state.action,
      reason: reason.value,
    });
    panelForms.delete(formKey);
    // Moderators still see what they hid: read it again, marked, in place.
    if (type === "annotation") upsert(await api.get(`${data.api.annotations}${item.id}/`));
    else await refreshPanelComments();
    renderPanel();
    const message = `${action.done}: the ${type} by ${item.author ?? "a deleted account"}.`;
    say(message);
    showNotice(message);
  });
  return form;
}

// A small panel form (flag, moderate) sends with `work`: busy meanwhile; a failure is shown in
// the form and kept in `state`, so a redraw of the panel keeps it.
function submitWith(form, state, error, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.setAttribute("aria-busy", "true");
    try {
      await work();
    } catch (err) {
      state.error = err.message;
      error.replaceChildren(err.message);
      error.hidden = false;
    } finally {
      form.removeAttribute("aria-busy");
    }
  });
}

async function toggleHistory(type, item) {
  const key = `${type}-${item.id}`;
  if (histories.has(key)) {
    histories.delete(key);
    return renderPanel();
  }
  histories.set(key, { loading: true });
  renderPanel();
  const base = type === "annotation" ? data.api.annotations : data.api.comments;
  try {
    const answer = await api.get(`${base}${item.id}/revisions/`);
    histories.set(key, { revisions: Array.isArray(answer) ? answer : (answer?.results ?? []) });
  } catch (err) {
    histories.set(key, { error: err.message });
  }
  if (histories.has(key)) renderPanel();
}

/** What the post said before each change, oldest first: version 1 is what was first posted;
 * the API ends the list with the post as it is now (`current`). Plain text (the Markdown
 * source), never HTML. */
function historyView(type, item, state) {
  const box = h("div", { class: "ws-history", "data-history": `${type}-${item.id}` });
  if (state.loading || state.error || !state.revisions.some((r) => !r.current)) {
    if (state.loading) box.append(h("p", { class: "quiet" }, "Loading…"));
    else if (state.error) box.append(h("p", { class: "ws-error" }, state.error));
    else box.append(h("p", { class: "quiet" }, "No earlier versions: only a moderator’s action."));
    return box;
  }
  box.append(
    h(
      "ol",
      { class: "ws-revisions", "aria-label": "Earlier versions" },
      state.revisions.map((revision) => {
        const text = (type === "annotation" ? revision.data?.note : revision.data?.body) ?? "";
        const role = type === "annotation" && revision.data?.role;
        return h(
          "li",
          { class: "ws-revision" },
          h(
            "p",
            { class: "ws-revision-head" },
            h(
              "strong",
              {},
              revision.version === 1
                ? "First posted"
                : revision.current
                  ? "Now"
                  : `Version ${revision.version}`,
            ),
            role ? ` · ${roleName(role)}` : "",
            revision.created ? [revision.current ? " · since " : " · until ", when(revision.created)] : "",
          ),
          text
            ? h("p", { class: "ws-revision-text" }, text)
            : h("p", { class: "quiet" }, type === "annotation" ? "(no note)" : "(empty)"),
        );
      }),
    ),
  );
  return box;
}

let composerCount = 0;

/** A Markdown text box with a preview (POST preview/: the HTML the server would keep).
 * `onsubmit(text)` sends it; then `ondone()`, or the panel's comments are fetched again. */
function composer({
  key,
  label,
  submit,
  onsubmit,
  ondone = null,
  oncancel = null,
  opener = label,
  collapsed = false,
  initial = "",
  allowEmpty = false,
}) {
  const id = `ws-compose-${++composerCount}`;
  const form = h("form", {
    class: `ws-composer${collapsed ? " is-collapsed" : ""}`,
    "data-key": key,
  });
  const textarea = h("textarea", { id, name: "body", rows: "3" });
  textarea.value = initial;
  const preview = h("div", { class: "ws-preview", hidden: true, tabindex: "-1" });
  const error = h("p", { class: "ws-error", role: "alert", hidden: true });
  const previewButton = h(
    "button",
    { type: "button", class: "button-secondary ws-small", "aria-pressed": "false" },
    "Preview",
  );
  const openButton = h(
    "button",
    { type: "button", class: "link-button ws-open", "aria-expanded": "false" },
    opener,
  );

  function showError(err) {
    error.replaceChildren(err.message ?? String(err));
    if (err instanceof ApiError && err.status === 412) {
      error.append(" ", button("Reload", () => openPanel(panelParagraph)));
    }
    error.hidden = false;
  }

  form.open = () => {
    form.classList.remove("is-collapsed");
    openButton.setAttribute("aria-expanded", "true");
  };
  openButton.addEventListener("click", () => {
    form.open();
    textarea.focus();
  });
  previewButton.addEventListener("click", async () => {
    if (!preview.hidden) {
      preview.hidden = true;
      textarea.hidden = false;
      previewButton.setAttribute("aria-pressed", "false");
      textarea.focus();
      return;
    }
    try {
      const { html } = await api.post(data.api.preview, { markdown: textarea.value });
      preview.innerHTML = html || "<p class='quiet'>Nothing to preview.</p>";
      preview.hidden = false;
      textarea.hidden = true;
      previewButton.setAttribute("aria-pressed", "true");
    } catch (err) {
      showError(err);
    }
  });
  const actions = h(
    "p",
    { class: "ws-composer-actions" },
    h("button", { type: "submit", class: "button ws-small" }, submit),
    previewButton,
  );
  if (collapsed || oncancel) {
    actions.append(
      button("Cancel", () => {
        textarea.value = initial;
        error.hidden = true;
        if (oncancel) return oncancel();
        form.classList.add("is-collapsed");
        openButton.setAttribute("aria-expanded", "false");
        openButton.focus();
      }),
    );
  }
  form.append(
    collapsed ? openButton : "",
    h(
      "div",
      { class: "ws-composer-fields" },
      h("label", { for: id }, label, h("span", { class: "quiet" }, " · Markdown")),
      textarea,
      preview,
      error,
      actions,
    ),
  );
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    if (event.key === "Escape" && collapsed && !textarea.value) {
      form.classList.add("is-collapsed");
      openButton.focus();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!allowEmpty && !textarea.value.trim()) {
      showError("Write something first.");
      textarea.focus();
      return;
    }
    form.setAttribute("aria-busy", "true");
    try {
      await onsubmit(textarea.value);
      textarea.value = "";
      error.hidden = true;
      if (collapsed) {
        form.classList.add("is-collapsed");
        openButton.setAttribute("aria-expanded", "false");
      }
      if (ondone) await ondone();
      else await refreshPanelComments();
      say("Saved.");
    } catch (err) {
      showError(err);
    } finally {
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

async function refreshPanelComments() {
  if (panelParagraph == null) return;
  const paragraph = panelParagraph;
  const comments = await api.list(data.api.comments, { paragraph });
  if (paragraph !== panelParagraph) return;
  panelData.comments = comments;
  takeComments(paragraph, comments);
  renderPanel();
}

/** A paragraph's comments as the API has just listed them: what is known of each, the count. */
function takeComments(paragraph, comments) {
  const listed = new Set(comments.map((c) => c.id));
  for (const [id, info] of commentInfo) {
    if (info.paragraph === paragraph && !listed.has(id) && isCounted(info.status)) {
      commentInfo.set(id, { ...info, status: "removed" }); // out of view meanwhile
    }
  }
  for (const c of comments) {
    commentInfo.set(c.id, { paragraph, annotation: c.annotation ?? null, status: c.status });
  }
  commentCounts.set(paragraph, comments.filter((c) => isCounted(c.status)).length);
  renderParagraph(paragraph);
}

function finishEditing(li) {
  delete li.dataset.editing;
  renderPanel();
}

function editAnnotation(li, a) {
  const select = h(
    "select",
    { id: `ws-edit-role-${a.id}`, name: "role" },
    activeRoles.map((role) =>
      h("option", { value: role.slug, selected: role.slug === a.role }, role.name),
    ),
  );
  const form = composer({
    key: `edit-annotation-${a.id}`,
    label: "Note",
    submit: "Save",
    initial: a.full.note ?? "",
    allowEmpty: true,
    oncancel: () => finishEditing(li),
    onsubmit: async (note) => {
      const url = `${data.api.annotations}${a.id}/`;
      upsert(await api.patch(url, { note, role: select.value }, versionTag(a.full)));
    },
    ondone: () => finishEditing(li),
  });
  li.dataset.editing = "";
  li.replaceChildren(
    h(
      "div",
      { class: "ws-edit" },
      h("p", {}, h("label", { for: select.id }, "Role "), select),
      form,
    ),
  );
  form.querySelector("textarea").focus();
}

async function deleteAnnotation(a) {
  const what = a.start != null ? ` on “${quoteText(a, 40)}”` : "";
  if (!window.confirm(`Delete your ${roleName(a.role).toLowerCase()}${what}?`)) return;
  try {
    await api.remove(`${data.api.annotations}${a.id}/`, versionTag(a.full));
    upsert({ ...a, status: "deleted" });
    if (chosen === a.id) chosen = null;
    // Its discussion stays, moved to the paragraph's (the server did it): read it again.
    await refreshPanelComments();
    renderPanel();
    panelTitle.focus();
    say("Annotation deleted.");
  } catch (error) {
    problem(error, panelBody.querySelector(`[data-annotation="${a.id}"]`));
  }
}

function editComment(li, c) {
  const form = composer({
    key: `edit-comment-${c.id}`,
    label: "Your comment",
    submit: "Save",
    initial: c.body,
    oncancel: () => finishEditing(li),
    onsubmit: (text) => api.patch(`${data.api.comments}${c.id}/`, { body: text }, versionTag(c)),
    ondone: async () => {
      delete li.dataset.editing;
      await refreshPanelComments();
    },
  });
  li.dataset.editing = "";
  li.querySelector(".ws-body").replaceWith(form);
  li.querySelector(".ws-actions")?.remove();
  form.querySelector("textarea").focus();
}

async function deleteComment(c) {
  if (!window.confirm("Delete your comment? Its replies stay.")) return;
  try {
    await api.remove(`${data.api.comments}${c.id}/`, versionTag(c));
    await refreshPanelComments();
    panelTitle.focus();
    say("Comment deleted.");
  } catch (error) {
    problem(error, panelBody.querySelector(`[data-comment="${c.id}"]`));
  }
}

/** A failed change, said where it happened; a 412 offers to reload the panel. */
function problem(error, where) {
  const note = h("p", { class: "ws-error", role: "alert" }, error.message);
  if (error instanceof ApiError && error.status === 412) {
    note.append(" ", button("Reload", () => openPanel(panelParagraph)));
  }
  (where ?? panelBody).append(note);
}

// --- Link mode -------------------------------------------------------------------------------

/** What a link points at: the claims (the whole vocabulary in a group without "claim"). */
function targetRoles() {
  return roles.has("claim") ? new Set(["claim"]) : new Set(roles.keys());
}

function startLinking(source) {
  if (!data.canAnnotate) return;
  const from = annotations.get(source ?? chosen);
  if (!from) {
    return say("Open a paragraph’s panel (Enter) and choose one of its annotations first.");
  }
  linking = { source: from.id, relation: linking?.relation ?? "supports", paragraph: null };
  document.body.classList.add("ws-linking");
  renderLinkbar();
  linkbar.querySelector("input:checked")?.focus();
}

function stopLinking(message) {
  if (!linking) return;
  linking = null;
  document.body.classList.remove("ws-linking");
  linkbar.hidden = true;
  linkbar.replaceChildren();
  if (message) say(message);
  const back = panel.hidden ? current : panelBody.querySelector(".is-chosen .ws-annotation-choose");
  (back ?? panelTitle).focus({ preventScroll: true });
}

function showTargets(paragraph) {
  if (!linking) return;
  linking.paragraph = paragraph;
  renderLinkbar();
  linkbar.querySelector(".ws-target")?.focus();
}

function renderLinkbar() {
  const source = annotations.get(linking.source);
  const wanted = targetRoles();
  const noun = wanted.size === 1 ? roleName([...wanted][0]).toLowerCase() : "annotation";
  let targets = [...annotations.values()].filter(
    (a) => a.id !== source.id && wanted.has(a.role) && isShown(a),
  );
  if (linking.paragraph != null) {
    const here = targets.filter((a) => a.paragraph === linking.paragraph);
    if (here.length) targets = here;
  }
  targets.sort((x, y) => numberOf.get(x.paragraph) - numberOf.get(y.paragraph) || x.id - y.id);
  const relation = h(
    "fieldset",
    { class: "ws-relation-choice" },
    h("legend", {}, `This ${roleName(source.role).toLowerCase()}`),
    ["supports", "attacks"].map((value) =>
      h(
        "label",
        {},
        h("input", {
          type: "radio",
          name: "ws-relation",
          value,
          checked: linking.relation === value,
          onchange: () => {
            linking.relation = value;
          },
        }),
        ` ${value}`,
      ),
    ),
  );
  linkbar.replaceChildren(
    h(
      "p",
      { class: "ws-linkbar-head" },
      h("strong", {}, "Link mode. "),
      `From “${quoteText(source, 60)}”: choose the ${noun} it supports or attacks, here or in `,
      "the text. Esc cancels.",
    ),
    relation,
    targets.length
      ? h(
          "ul",
          { class: "ws-targets", "aria-label": `Choose the ${noun}` },
          targets.map((a) =>
            h(
              "li",
              {},
              h(
                "button",
                { type: "button", class: `ws-target role-${a.role}`, onclick: () => link(a.id) },
                h("span", { class: "ws-dot", "aria-hidden": "true" }),
                `¶ ${numberOf.get(a.paragraph)} · ${a.author}: `,
                h("q", {}, quoteText(a, 80)),
              ),
            ),
          ),
        )
      : h("p", { class: "quiet" }, `No ${noun} to link to yet: tag one first.`),
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "button-secondary ws-small",
          onclick: () => stopLinking("Link mode left."),
        },
        "Cancel",
      ),
    ),
  );
  linkbar.hidden = false;
}

async function link(target) {
  const { source, relation } = linking;
  try {
    await api.post(data.api.links, { source, target, relation });
    const t = annotations.get(target);
    const where = `the ${roleName(t.role).toLowerCase()} in paragraph ${numberOf.get(t.paragraph)}`;
    stopLinking(`Linked: it ${relation} ${where}.`);
    showNotice(`Linked: it ${relation} ${where}.`);
    if (panelParagraph != null) openPanel(panelParagraph, { focus: false });
  } catch (error) {
    say(error.message);
    showNotice(error.message, { error: true });
  }
}

// --- Filters and blind mode ------------------------------------------------------------------

function refreshAuthors() {
  const select = filtersForm.elements.author;
  const authors = [...new Set([...annotations.values()].map((a) => a.author).filter(Boolean))];
  authors.sort();
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join("\n") === authors.join("\n")) return;
  const value = select.value;
  select.replaceChildren(
    h("option", { value: "" }, "Everyone"),
    ...authors.map((name) => h("option", { value: name, selected: name === value }, name)),
  );
}

function toggleFilters(open = filtersForm.hidden) {
  filtersForm.hidden = !open;
  toolbar.querySelector('[data-action="filters"]').setAttribute("aria-expanded", String(open));
  if (open) filtersForm.querySelector("input, select")?.focus();
  else if (filtersForm.contains(document.activeElement) || !document.activeElement) {
    toolbar.querySelector('[data-action="filters"]').focus();
  }
}

filtersForm.addEventListener("change", () => {
  const checked = filtersForm.querySelectorAll('input[name="role"]:checked');
  filters.roles = new Set(Array.from(checked, (input) => input.value));
  filters.author = filtersForm.elements.author.value;
  filters.mine = Boolean(filtersForm.elements.mine?.checked);
  document.body.classList.toggle(
    "ws-filtered",
    filters.roles.size < roles.size || Boolean(filters.author) || filters.mine,
  );
  renderAll();
  renderPanel();
  const shown = [...annotations.values()].filter((a) => isShown(a)).length;
  say(`${plural(shown, "annotation")} shown.`);
});
filtersForm.addEventListener("submit", (event) => event.preventDefault());

function setBlind(on) {
  blind = on;
  try {
    if (on) localStorage.setItem(blindKey, "on");
    else localStorage.removeItem(blindKey);
  } catch {
    // Storage refused (a private window): the mode lasts as long as the page.
  }
  document.documentElement.toggleAttribute("data-blind", on);
  toolbar.querySelector('[data-action="blind"]').setAttribute("aria-pressed", String(on));
  scheduleMinimap(); // the text itself follows the stylesheet
  renderPanel();
  say(
    on
      ? "Blind mode on: the others’ roles on a paragraph stay hidden until you have tagged it."
      : "Blind mode off: everyone’s roles are shown.",
  );
}

// --- Live updates ----------------------------------------------------------------------------

let noticeTimer = 0;

/** The quiet notice: a small line at the foot of the window, read out politely; nothing
 * moves. */
function showNotice(message, { error = false } = {}) {
  notice.textContent = message;
  notice.classList.toggle("is-error", error);
  notice.classList.add("is-shown");
  window.clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => notice.classList.remove("is-shown"), 8000);
}

function later(delay) {
  window.setTimeout(poll, delay);
}

/** What to ask for: a few seconds before the newest change seen, because `updated` is the time
 * of a change, not of its commit (docs/api.md, "since"); what comes again is skipped. */
const SINCE_MARGIN_MS = 5000;

function sinceParameter() {
  return new Date(Date.parse(since) - SINCE_MARGIN_MS).toISOString();
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
async function poll() {
  let delay = data.poll;
  try {
    const [changed, talk] = await Promise.all([
      api.list(data.api.annotations, { paper: data.paper, since: sinceParameter() }),
      api.list(data.api.comments, { paper: data.paper, since: sinceParameter() }),
    ]);
    merge(changed, talk);
  } catch (error) {
    // Offline, throttled or a server error: keep trying, less often. (A bug in merging must
    // not stop the updates either; it shows in the console.)
    delay = error.status === 429 ? data.poll * 4 : data.poll * 2;
    if (!(error instanceof ApiError)) console.error(error);
  } finally {
    later(delay);
  }
}

/** Merge what changed. An item gone from the reader's view ("removed", deleted, or held from
 * them: isHeldFromMe) leaves the text, the chips, the counts, the minimap and the panel; a
 * removed one carries no content, only its id (and perhaps its paragraph). */
function merge(changed, talk) {
  since = newest(talk, newest(changed, since));
  let added = 0;
  let removed = 0;
  let panelTouched = false;
  for (const item of changed) {
    const known = annotations.get(item.id);
    const gone = item.status === "deleted" || isHeldFromMe(item);
    if (!known && gone) continue;
    if (!gone && known?.full && known.full.version === item.version && known.status === item.status) {
      continue; // our own change, already merged
    }
    if (gone) {
      upsert({ ...known, status: "deleted" });
      dropCommentsOn(known.id);
      if (chosen === known.id) chosen = null;
    } else {
      upsert(item);
    }
    panelTouched ||= item.paragraph === panelParagraph || known?.paragraph === panelParagraph;
    if (item.author === me) continue;
    if (!known) added += 1;
    else if (gone) removed += 1;
  }
  let newComments = 0;
  let removedComments = 0;
  for (const c of talk) {
    const gone = isHeldFromMe(c);
    const shown = panelData.comments.find((x) => x.id === c.id);
    if (!gone && shown && shown.version === c.version && shown.status === c.status) continue;
    const before = commentInfo.get(c.id);
    const paragraph = c.paragraph ?? before?.paragraph ?? shown?.paragraph ?? null;
    const counted = before !== undefined && isCounted(before.status);
    const countsNow = !gone && isCounted(c.status);
    commentInfo.set(c.id, {
      paragraph,
      // A comment can leave an annotation (deleted by its author: the thread moves to the
      // paragraph), so a null from the server counts; a removed item carries no annotation.
      annotation: c.annotation !== undefined ? c.annotation : (before?.annotation ?? null),
      status: gone ? "removed" : c.status,
    });
    if (counted !== countsNow) recount(paragraph, countsNow ? 1 : -1);
    if (before === undefined && countsNow && c.author !== me) newComments += 1;
    if (gone && counted) removedComments += 1;
    if (gone) {
      if (shown) {
        panelData.comments = panelData.comments.filter((x) => x.id !== c.id);
        panelTouched = true;
      }
    } else if (paragraph === panelParagraph) {
      const i = panelData.comments.findIndex((x) => x.id === c.id);
      if (i === -1) panelData.comments.push(c);
      else panelData.comments[i] = c;
      panelTouched = true;
    }
  }
  if (panelTouched) renderPanel();
  const news = [];
  if (added) news.push(plural(added, "new annotation"));
  if (removed) news.push(`${plural(removed, "annotation")} removed`);
  if (newComments) news.push(plural(newComments, "new comment"));
  if (removedComments) news.push(`${plural(removedComments, "comment")} removed`);
  if (news.length) showNotice(`${news.join(", ")}.`);
}

// --- Keys ------------------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (help.open) return; // the dialog has its own keys (Esc closes it)
  const target = event.target;
  if (isField(target)) {
    if (event.key === "Escape" && filtersForm.contains(target)) toggleFilters(false);
    return;
  }
  const { key } = event;
  const onText = target === document.body || target.matches(".para[data-paragraph], main");

  if (selecting) {
    if (key === "ArrowRight" || key === "ArrowLeft") {
      event.preventDefault();
      return moveSelecting(key, event.shiftKey);
    }
    if (key === "Escape") {
      window.getSelection().removeAllRanges();
      stopSelecting();
      return say("Selection left.");
    }
  }
  if (key === "Escape") {
    if (linking) return stopLinking("Link mode left.");
    if (!filtersForm.hidden && filtersForm.contains(target)) return toggleFilters(false);
    if (!panel.hidden) return closePanel();
    return;
  }
  if (minimap.contains(target)) return; // its own arrows (above); Enter presses the tick
  if (key === "j" || (key === "ArrowDown" && onText)) {
    event.preventDefault();
    return step(1);
  }
  if (key === "k" || (key === "ArrowUp" && onText)) {
    event.preventDefault();
    return step(-1);
  }
  if (key === "Enter" && target.matches(".para[data-paragraph]")) {
    event.preventDefault();
    return openPanel(Number(target.dataset.paragraph));
  }
  if (key === "Enter" || key === " ") return; // buttons and links do their own thing
  const actions = {
    "?": () => help.showModal(),
    f: () => toggleFilters(),
    b: () => setBlind(!blind),
    m: () => {
      const tick = minimap.querySelector('.ws-tick[tabindex="0"]');
      if (tick) tick.focus();
      else say("No annotations on the map yet.");
    },
  };
  if (data.canAnnotate) {
    actions.l = () => startLinking(chosen);
    actions.s = () => startSelecting();
  }
  const slug = data.canAnnotate && (roleByKey.get(key) ?? roleByKey.get(key.toLowerCase()));
  if (actions[key] || slug) {
    event.preventDefault();
    if (actions[key]) actions[key]();
    else tag(slug);
  }
});

toolbar.addEventListener("click", (event) => {
  const pressed = event.target.closest("button");
  if (!pressed) return;
  if (pressed.dataset.role) return tag(pressed.dataset.role);
  const action = pressed.dataset.action;
  if (action === "filters") toggleFilters();
  else if (action === "blind") setBlind(!blind);
  else if (action === "help") help.showModal();
});

// Pressing a role button keeps the text selection it is to tag.
toolbar.addEventListener("mousedown", (event) => {
  if (event.target.closest("button[data-role]")) event.preventDefault();
});

panel.querySelector('[data-action="close"]').addEventListener("click", closePanel);

// --- Start -----------------------------------------------------------------------------------

toolbar.hidden = false;
minimap.hidden = false;
toolbar.querySelector('[data-action="blind"]').setAttribute("aria-pressed", String(blind));
document.body.classList.add("ws-ready");
scheduleMinimap(); // the text is drawn by the server already
refreshAuthors();
window.addEventListener("resize", scheduleMinimap);
window.addEventListener("scroll", moveViewBox, { passive: true });
new ResizeObserver(scheduleMinimap).observe(document.querySelector(".paper"));
const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
if (target?.matches(".para[data-paragraph]")) choose(target, { focus: false, scroll: false });
later(data.poll);
