// The side panel for one paragraph (beside the text on a wide screen, a drawer on a phone):
// everyone's annotations by role, with notes, links and threads, and the paragraph's own
// discussion. What goes inside a thread is threads.js's; the text boxes are composer.js's; edit
// and delete are editing.js's; flag, hide and history are moderation.js's. Which of these an
// annotation or a link offers is its `can`, as the API answered it for this reader; the page's
// `canAnnotate` only says whether the reader may write here at all (tag, comment, link).
// `openFromUrl` opens it from a link (`?panel=1#p-…`, and `say=` for a new thread's draft).

import { attributionMark } from "./attribution.js";
import { composer, prefill } from "./composer.js";
import { button, elementOf, h, plural, snippet, when } from "./dom.js";
import { deleteAnnotation, editAnnotation } from "./editing.js";
import { followButton } from "./follow.js";
import { takeComments } from "./layer.js";
import { startLinking } from "./links.js";
import { scheduleMinimap } from "./minimap.js";
import { can, editedMark, moderationTools, statusMark } from "./moderation.js";
import { listParagraph, mergeListed } from "./more.js";
import { say } from "./notice.js";
import { choose } from "./selection.js";
import { isShown } from "./shown.js";
import {
  annotationsOf,
  paragraphText,
  quoteText,
  roleName,
  taggedByMe,
  undrawnCount,
} from "./state.js";
import { thread } from "./threads.js";

const drawer = window.matchMedia("(max-width: 63.99rem)"); // as in static/css/workspace/panel.css

export async function openPanel(ws, paragraph, { focus = true } = {}) {
  const { api, data } = ws;
  const { panel, panelTitle, panelBody } = ws.el;
  const changed = paragraph !== ws.panelParagraph;
  ws.panelParagraph = paragraph;
  if (changed) ws.chosen = null;
  panelTitle.textContent = `Paragraph ${ws.numberOf.get(paragraph)}`;
  panel.hidden = false;
  document.body.classList.add("ws-panel-open");
  panel.setAttribute("aria-busy", "true");
  if (changed) panelBody.replaceChildren(h("p", { class: "quiet" }, "Loading…"));
  if (focus) panelTitle.focus({ preventScroll: true });
  // On a phone the panel is a drawer over the lower part of the window: the paragraph goes above.
  if (changed && drawer.matches) {
    ws.paragraphById.get(paragraph)?.scrollIntoView({ block: "start" });
  }
  scheduleMinimap(ws);
  const request = ++ws.panelRequest;
  try {
    const [listed, comments, links] = await Promise.all([
      listParagraph(ws, paragraph), // bounded: a paragraph may hold thousands (more.js)
      api.list(data.api.comments, { paragraph }),
      api.list(data.api.links, { paper: data.paper }),
    ]);
    if (request !== ws.panelRequest) return; // another paragraph was opened meanwhile
    ws.moreAsked.add(paragraph);
    mergeListed(ws, paragraph, listed.items, listed.complete);
    ws.panelData = { comments, links };
    takeComments(ws, paragraph, comments);
    for (const el of panelBody.querySelectorAll("[data-editing]")) delete el.dataset.editing;
    renderPanel(ws);
  } catch (error) {
    if (request !== ws.panelRequest) return;
    panelBody.replaceChildren(h("p", { class: "ws-error", role: "alert" }, error.message));
  } finally {
    if (request === ws.panelRequest) panel.removeAttribute("aria-busy");
  }
}

/** Follow the URL on arrival: `#<paragraph anchor>` chooses that paragraph; with `?panel=1` its
 * panel opens (as Enter does), and with `say=<text>` too the paragraph's new-thread box holds
 * that text, focused, not posted (the agreement page's "Discuss this"). A reader who may not
 * comment gets the panel without it. `panel` and `say` then leave the URL (history.replaceState),
 * so that a reload opens no draft again. */
export async function openFromUrl(ws) {
  const params = new URLSearchParams(location.search);
  const wanted = params.get("panel") === "1";
  const text = params.get("say") ?? "";
  if (params.has("panel") || params.has("say")) {
    params.delete("panel");
    params.delete("say");
    const query = params.toString();
    const rest = `${query ? `?${query}` : ""}${location.hash}`;
    history.replaceState(history.state, "", `${location.pathname}${rest}`);
  }
  let target = null;
  try {
    target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  } catch {
    return; // a malformed #…: no paragraph of ours
  }
  if (!target?.matches(".para[data-paragraph]")) return;
  choose(ws, target, { focus: false, scroll: false });
  if (!wanted) return;
  const paragraph = Number(target.dataset.paragraph);
  const opened = openPanel(ws, paragraph, { focus: false });
  target.scrollIntoView({ block: "start" }); // the panel narrowed the text: find it again
  await Promise.all([opened, pageLoaded()]);
  if (ws.panelParagraph !== paragraph) return; // the reader went elsewhere meanwhile
  const form = ws.el.panelBody.querySelector('form.ws-composer[data-key="paragraph"]');
  if (!text || !form) return ws.el.panelTitle.focus({ preventScroll: true });
  prefill(form, text);
  say(ws, "A draft of a new thread is in the box: change it as you like, then Post.");
}

/** The page's load event: the browser then focuses the URL's #paragraph (focusable: tabindex),
 * which would take the focus from the panel if it had it already. */
function pageLoaded() {
  if (document.readyState === "complete") return Promise.resolve();
  return new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
}

export function closePanel(ws) {
  ws.el.panel.hidden = true;
  ws.panelParagraph = null;
  ws.chosen = null;
  ws.panelRequest += 1;
  document.body.classList.remove("ws-panel-open");
  scheduleMinimap(ws);
  ws.current?.focus({ preventScroll: true });
}

/** Draw the panel from what is known. While the reader edits something in it, wait (a live
 * update must not throw away what they are typing); drafts in reply boxes are kept. */
export function renderPanel(ws) {
  const { data } = ws;
  const { panel, panelTitle, panelBody } = ws.el;
  const paragraph = ws.panelParagraph;
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

  const tagged = taggedByMe(ws, paragraph);
  const blinded = ws.blind && !tagged;
  const all = annotationsOf(ws, paragraph);
  const shown = all.filter((a) => isShown(ws, a, tagged) && a.full);
  const { comments, links } = ws.panelData;
  const parts = [h("p", { class: "ws-panel-text" }, snippet(paragraphText(ws, paragraph), 160))];
  if (data.follows) parts.push(followButton(ws, paragraph));
  if (blinded && all.some((a) => a.author !== ws.me)) {
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
  const left = undrawnCount(ws, paragraph);
  if (left) {
    // More than the page fetches for one paragraph (more.js): say so, not a partial list alone.
    rolesSection.append(
      h(
        "p",
        { class: "ws-more-note" },
        `${plural(left, "more annotation")} on this paragraph ${left === 1 ? "is" : "are"} not ` +
          "listed here (the most recent are); the API and the exports have all of them.",
      ),
    );
  }
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
      h(
        "ul",
        { class: "ws-annotations" },
        ofRole.map((a) => annotationItem(ws, a, comments, links)),
      ),
    );
  }
  parts.push(rolesSection);

  if (!blinded) {
    const discussion = h(
      "section",
      { class: "ws-discussion", "aria-labelledby": "ws-talk-title" },
      h("h3", { id: "ws-talk-title" }, "Discussion"),
      thread(
        ws,
        comments.filter((c) => c.annotation == null),
        "No comments on this paragraph yet.",
      ),
    );
    if (data.canAnnotate) {
      discussion.append(
        composer(ws, {
          key: "paragraph",
          label: "Start a thread on this paragraph",
          submit: "Post",
          onsubmit: (body) => ws.api.post(data.api.comments, { paragraph, body }),
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

function annotationItem(ws, a, comments, links) {
  const { data } = ws;
  const item = a.full;
  let classes = `ws-annotation role-${a.role}`;
  if (ws.chosen === a.id) classes += " is-chosen";
  if (a.status !== "visible") classes += ` is-${a.status}`;
  const li = h("li", { class: classes, "data-annotation": a.id });
  const pick = h(
    "button",
    {
      type: "button",
      class: "ws-annotation-choose",
      "aria-pressed": String(ws.chosen === a.id),
      "data-key": `choose-${a.id}`,
      title: "Choose it (then l links it to a claim)",
      onclick: () => {
        ws.chosen = ws.chosen === a.id ? null : a.id;
        renderPanel(ws);
        if (ws.chosen) {
          say(ws, `Chosen: ${roleName(ws, a.role)} by ${a.author}. Press l to link it.`);
        }
      },
    },
    h("span", { class: "ws-author" }, a.author ?? "(deleted account)"),
    a.start == null
      ? h("span", { class: "ws-whole" }, " · the whole paragraph")
      : h("q", { class: "ws-quote" }, quoteText(ws, a, 120)),
  );
  li.append(
    h(
      "p",
      { class: "ws-annotation-head" },
      pick,
      when(item.created),
      attributionMark(item),
      editedMark(item),
    ),
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
        out.map((l) => linkItem(ws, l, l.target, l.relation)),
        incoming.map((l) => linkItem(ws, l, l.source, passive[l.relation] ?? l.relation)),
      ),
    );
  }

  const actions = h("p", { class: "ws-actions" });
  if (data.canAnnotate) {
    actions.append(
      button("Link to a claim…", () => startLinking(ws, a.id), {
        "data-key": `link-${a.id}`,
        "aria-keyshortcuts": "l",
      }),
    );
  }
  if (can(item).edit) {
    actions.append(button("Edit", () => editAnnotation(ws, li, a), { "data-key": `edit-${a.id}` }));
  }
  if (can(item).delete) {
    actions.append(
      button("Delete", () => deleteAnnotation(ws, a), { "data-key": `delete-${a.id}` }),
    );
  }
  const extra = moderationTools(ws, "annotation", item, actions);
  if (actions.childNodes.length) li.append(actions);
  li.append(...extra);

  const onIt = comments.filter((c) => c.annotation === a.id);
  if (onIt.length) li.append(thread(ws, onIt, ""));
  if (data.canAnnotate) {
    li.append(
      composer(ws, {
        key: `annotation-${a.id}`,
        label: `Comment on this ${roleName(ws, a.role).toLowerCase()}`,
        opener: "Comment",
        submit: "Post",
        collapsed: true,
        onsubmit: (body) => ws.api.post(data.api.comments, { annotation: a.id, body }),
      }),
    );
  }
  return li;
}

function linkItem(ws, l, otherId, relation) {
  const other = ws.annotations.get(otherId);
  const where = other && `${roleName(ws, other.role)} (¶ ${ws.numberOf.get(other.paragraph)})`;
  const li = h(
    "li",
    { class: `ws-link ws-link-${l.relation}` },
    h("span", { class: "ws-relation" }, relation),
    " ",
    other ? `${where}: “${quoteText(ws, other, 50)}”` : "an annotation not shown",
  );
  if (other) {
    li.append(
      " ",
      button("Go", () => {
        choose(ws, ws.paragraphById.get(other.paragraph), { scroll: "center", focus: false });
        openPanel(ws, other.paragraph);
      }),
    );
  }
  if (can(l).delete) {
    li.append(
      " ",
      button("Remove link", async () => {
        try {
          await ws.api.remove(`${ws.data.api.links}${l.id}/`);
          ws.panelData.links = ws.panelData.links.filter((x) => x.id !== l.id);
          renderPanel(ws);
          say(ws, "Link removed.");
        } catch (error) {
          say(ws, error.message);
        }
      }),
    );
  }
  return li;
}
