// Threads in the panel: comments with their replies, tombstones for what was deleted or removed.
// Edit, Delete and Reply on a comment are offered as its `can` says (the API's answer).

import { attributionMark } from "./attribution.js";
import { composer } from "./composer.js";
import { button, h, when } from "./dom.js";
import { deleteComment, editComment } from "./editing.js";
import { can, editedMark, moderationTools, statusMark } from "./moderation.js";
import { isNew } from "./shown.js";

const REMOVED_COMMENT = "A comment here was removed by a moderator.";
const DELETED_COMMENT = "This comment was deleted by its author.";

/** Comments with their replies, in the order written. A reply whose parent the reader may not
 * see (a moderator hid it) stays in its thread, under a placeholder that says only that. */
export function thread(ws, comments, empty) {
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
      list.map((c) => commentItem(ws, c, replies.get(c.id) ?? [], depth, render)),
    );
  return render(top, 0);
}

function commentItem(ws, c, replies, depth, render) {
  const { data } = ws;
  const allowed = can(c);
  if (c.status === "removed") {
    return h(
      "li",
      { class: "ws-comment is-removed", "data-removed-comment": c.id },
      h("p", { class: "ws-tombstone" }, REMOVED_COMMENT),
      replies.length ? render(replies, depth + 1) : "",
    );
  }
  const fresh = isNew(ws, c);
  const li = h("li", {
    class: `ws-comment${c.status !== "visible" ? ` is-${c.status}` : ""}${fresh ? " is-new" : ""}`,
    "data-comment": c.id,
  });
  li.append(
    h(
      "p",
      { class: "ws-comment-head" },
      h("span", { class: "ws-author" }, c.author ?? "—"),
      when(c.created),
      attributionMark(c),
      c.status === "deleted" ? "" : editedMark(c),
      fresh ? h("span", { class: "ws-new-badge", title: "Since your last visit" }, "New") : "",
    ),
  );
  if (c.status === "deleted") {
    li.append(h("p", { class: "ws-tombstone" }, DELETED_COMMENT));
  } else {
    li.append(h("div", { class: "ws-body", html: c.body_html }));
  }
  li.append(statusMark(c.status));
  const actions = h("p", { class: "ws-actions" });
  if (allowed.edit) {
    actions.append(
      button("Edit", () => editComment(ws, li, c), { "data-key": `edit-comment-${c.id}` }),
    );
  }
  if (allowed.delete) {
    actions.append(
      button("Delete", () => deleteComment(ws, c), { "data-key": `delete-comment-${c.id}` }),
    );
  }
  const extra = moderationTools(ws, "comment", c, actions);
  if (actions.childNodes.length) li.append(actions);
  li.append(...extra);
  if (allowed.reply) {
    li.append(
      composer(ws, {
        key: `reply-${c.id}`,
        label: `Reply to ${c.author ?? "this comment"}`,
        opener: "Reply",
        submit: "Reply",
        collapsed: true,
        onsubmit: (body) => ws.api.post(data.api.comments, { parent: c.id, body }),
      }),
    );
  }
  if (replies.length) li.append(render(replies, depth + 1));
  return li;
}
