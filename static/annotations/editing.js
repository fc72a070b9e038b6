// Edit and delete one's own annotations and comments from the panel, with the version they
// started from (If-Match: a 412 offers to reload), and the panel's comments read again.

import { ApiError, versionTag } from "./api.js";
import { composer } from "./composer.js";
import { button, h } from "./dom.js";
import { takeComments, upsert } from "./layer.js";
import { say } from "./notice.js";
import { openPanel, renderPanel } from "./panel.js";
import { quoteText, roleName } from "./state.js";

export async function refreshPanelComments(ws) {
  if (ws.panelParagraph == null) return;
  const paragraph = ws.panelParagraph;
  const comments = await ws.api.list(ws.data.api.comments, { paragraph });
  if (paragraph !== ws.panelParagraph) return;
  ws.panelData.comments = comments;
  takeComments(ws, paragraph, comments);
  renderPanel(ws);
}

function finishEditing(ws, li) {
  delete li.dataset.editing;
  renderPanel(ws);
}

export function editAnnotation(ws, li, a) {
  const select = h(
    "select",
    { id: `ws-edit-role-${a.id}`, name: "role" },
    ws.activeRoles.map((role) =>
      h("option", { value: role.slug, selected: role.slug === a.role }, role.name),
    ),
  );
  const form = composer(ws, {
    key: `edit-annotation-${a.id}`,
    label: "Note",
    submit: "Save",
    initial: a.full.note ?? "",
    allowEmpty: true,
    oncancel: () => finishEditing(ws, li),
    onsubmit: async (note) => {
      const url = `${ws.data.api.annotations}${a.id}/`;
      upsert(ws, await ws.api.patch(url, { note, role: select.value }, versionTag(a.full)));
    },
    ondone: () => finishEditing(ws, li),
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

export async function deleteAnnotation(ws, a) {
  const what = a.start != null ? ` on “${quoteText(ws, a, 40)}”` : "";
  if (!window.confirm(`Delete your ${roleName(ws, a.role).toLowerCase()}${what}?`)) return;
  try {
    await ws.api.remove(`${ws.data.api.annotations}${a.id}/`, versionTag(a.full));
    upsert(ws, { ...a, status: "deleted" });
    if (ws.chosen === a.id) ws.chosen = null;
    // Its discussion stays, moved to the paragraph's (the server did it): read it again.
    await refreshPanelComments(ws);
    renderPanel(ws);
    ws.el.panelTitle.focus();
    say(ws, "Annotation deleted.");
  } catch (error) {
    problem(ws, error, ws.el.panelBody.querySelector(`[data-annotation="${a.id}"]`));
  }
}

export function editComment(ws, li, c) {
  const form = composer(ws, {
    key: `edit-comment-${c.id}`,
    label: "Your comment",
    submit: "Save",
    initial: c.body,
    oncancel: () => finishEditing(ws, li),
    onsubmit: (text) =>
      ws.api.patch(`${ws.data.api.comments}${c.id}/`, { body: text }, versionTag(c)),
    ondone: async () => {
      delete li.dataset.editing;
      await refreshPanelComments(ws);
    },
  });
  li.dataset.editing = "";
  li.querySelector(".ws-body").replaceWith(form);
  li.querySelector(".ws-actions")?.remove();
  form.querySelector("textarea").focus();
}

export async function deleteComment(ws, c) {
  if (!window.confirm("Delete your comment? Its replies stay.")) return;
  try {
    await ws.api.remove(`${ws.data.api.comments}${c.id}/`, versionTag(c));
    await refreshPanelComments(ws);
    ws.el.panelTitle.focus();
    say(ws, "Comment deleted.");
  } catch (error) {
    problem(ws, error, ws.el.panelBody.querySelector(`[data-comment="${c.id}"]`));
  }
}

/** A failed change, said where it happened; a 412 offers to reload the panel. */
function problem(ws, error, where) {
  const note = h("p", { class: "ws-error", role: "alert" }, error.message);
  if (error instanceof ApiError && error.status === 412) {
    note.append(
      " ",
      button("Reload", () => openPanel(ws, ws.panelParagraph)),
    );
  }
  (where ?? ws.el.panelBody).append(note);
}
