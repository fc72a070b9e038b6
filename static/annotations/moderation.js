// Moderation in the panel: flag, hide / unhide / approve / reject, the marks of held posts,
// "edited" and the history of a post. Which of these an item offers is its `can` (the API's
// answer for this reader: annotations/serializers.py); nothing here repeats who may do what.
// The small forms live in `ws.panelForms` (key -> what is typed), so a live update that redraws
// the panel keeps them; `ws.flagged` remembers the thank-you and `ws.histories` the histories
// open.

import { button, h, when } from "./dom.js";
import { refreshPanelComments } from "./editing.js";
import { upsert } from "./layer.js";
import { say, showNotice } from "./notice.js";
import { renderPanel } from "./panel.js";
import { isEdited } from "./shown.js";
import { roleName } from "./state.js";

const STATUS_MARK = { hidden: "Hidden by a moderator", pending: "Waiting for a moderator" };
const FLAG_REASONS = [
  ["spam", "Spam"],
  ["abuse", "Abuse"],
  ["off_topic", "Off topic"],
  ["other", "Other"],
];
const FLAG_THANKS = "Flagged — thank you. The moderators will look at it.";
// How each action is shown, in the order its buttons come (which apply is the item's `can`).
const ACTIONS = {
  approve: { label: "Approve", done: "Approved", field: "Note (optional)", required: false },
  reject: { label: "Reject", done: "Rejected", field: "Why reject it?", required: true },
  hide: { label: "Hide", done: "Hidden", field: "Why hide it?", required: true },
  unhide: { label: "Unhide", done: "Shown again", field: "Why show it again?", required: false },
};
// Approving a visible post (flagged: the server offers it only then) keeps it: its flags go.
const KEEP = { label: "Keep", done: "Kept", field: "Note (optional)", required: false };
const NOTHING = { edit: false, delete: false, flag: false, history: false, moderate: [] };

/** What the reader may do with an item: the API's `can` (nothing when it has none). */
export function can(item) {
  return item.can ?? NOTHING;
}

function shownAction(action, item) {
  return action === "approve" && item.status === "visible" ? KEEP : ACTIONS[action];
}

export function statusMark(status) {
  const text = STATUS_MARK[status];
  return text ? h("p", { class: "ws-status ws-held" }, h("strong", {}, text)) : "";
}

export function editedMark(item) {
  return isEdited(item) ? h("span", { class: "ws-edited" }, "edited") : "";
}

/** Buttons for what `item.can` allows (into `actions`, a `.ws-actions` paragraph) and what goes
 * after it: an open form, the thank-you after a flag, a history. */
export function moderationTools(ws, type, item, actions) {
  const { panelForms, flagged, histories } = ws;
  const key = `${type}-${item.id}`;
  const allowed = can(item);
  const after = [];
  const moderating = panelForms.get(`moderate-${key}`);
  if (!moderating) {
    for (const action of Object.keys(ACTIONS).filter((a) => allowed.moderate.includes(a))) {
      actions.append(
        button(
          shownAction(action, item).label,
          () => openForm(ws, `moderate-${key}`, { action, reason: "" }),
          { "data-action": action, "data-key": `${action}-${key}` },
        ),
      );
    }
  }
  if (allowed.flag) {
    if (flagged.has(key)) {
      after.push(h("p", { class: "ws-flagged", "data-key": `flagged-${key}` }, FLAG_THANKS));
    } else if (!panelForms.has(`flag-${key}`)) {
      actions.append(
        button("Flag", () => openForm(ws, `flag-${key}`, { reason: "spam", note: "" }), {
          "data-action": "flag",
          "data-key": `flag-button-${key}`,
          title: "Ask the moderators to look at it",
        }),
      );
    }
  }
  if (allowed.history && isEdited(item)) {
    actions.append(
      button(histories.has(key) ? "Hide history" : "History", () => toggleHistory(ws, type, item), {
        "data-action": "history",
        "data-key": `history-${key}`,
        "aria-expanded": String(histories.has(key)),
      }),
    );
  }
  if (panelForms.has(`flag-${key}`)) after.push(flagForm(ws, type, item));
  if (moderating) after.push(moderationForm(ws, type, item, moderating));
  if (histories.has(key)) after.push(historyView(ws, type, item, histories.get(key)));
  return after;
}

function openForm(ws, formKey, initial) {
  ws.panelForms.set(formKey, initial);
  renderPanel(ws);
  ws.el.panelBody
    .querySelector(`form[data-key="${formKey}"]`)
    ?.querySelector("select, input")
    ?.focus();
}

export function initModeration(ws) {
  // Esc in a small form closes it (the page's keys leave text boxes alone).
  ws.el.panelBody.addEventListener("keydown", (event) => {
    const form = event.target.closest?.("form.ws-small-form");
    if (!form || event.key !== "Escape") return;
    event.preventDefault();
    const cancel = [...form.querySelectorAll("button")].find((b) => b.textContent === "Cancel");
    cancel?.click();
  });
}

function closeForm(ws, formKey, focusKey) {
  ws.panelForms.delete(formKey);
  renderPanel(ws);
  ws.el.panelBody.querySelector(`[data-key="${focusKey}"]`)?.focus();
}

function flagForm(ws, type, item) {
  const key = `${type}-${item.id}`;
  const formKey = `flag-${key}`;
  const state = ws.panelForms.get(formKey);
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
  keep(select, state, "reason", "change");
  keep(note, state, "note");
  const fields = [
    h("p", {}, h("label", { for: select.id }, "Reason "), select),
    h(
      "p",
      {},
      h(
        "label",
        { for: note.id },
        "Note for the moderators ",
        h("span", { class: "quiet" }, "(optional)"),
      ),
      note,
    ),
  ];
  const attrs = { class: "ws-flag-form", "data-key": formKey, "aria-label": `Flag this ${type}` };
  const cancel = () => closeForm(ws, formKey, `flag-button-${key}`);
  return smallForm(attrs, state, fields, "Send flag", cancel, async () => {
    await postAbout(ws, ws.data.api.flags, type, item, { reason: select.value, note: note.value });
    ws.panelForms.delete(formKey);
    ws.flagged.add(key);
    renderPanel(ws);
    say(ws, FLAG_THANKS);
  });
}

function moderationForm(ws, type, item, state) {
  const key = `${type}-${item.id}`;
  const formKey = `moderate-${key}`;
  const action = shownAction(state.action, item);
  const reason = h("input", {
    id: `ws-${formKey}-reason`,
    name: "reason",
    "data-key": `${formKey}-reason`,
    type: "text",
    maxlength: "2000",
    required: action.required,
    autocomplete: "off",
  });
  keep(reason, state, "reason");
  const fields = [h("p", {}, h("label", { for: reason.id }, action.field), reason)];
  const attrs = {
    class: "ws-moderate-form",
    "data-key": formKey,
    "data-moderate": state.action,
    "aria-label": `${action.label} this ${type}`,
  };
  const cancel = () => closeForm(ws, formKey, `${state.action}-${key}`);
  return smallForm(attrs, state, fields, action.label, cancel, async () => {
    const answer = { action: state.action, reason: reason.value };
    await postAbout(ws, ws.data.api.moderation, type, item, answer);
    ws.panelForms.delete(formKey);
    // Moderators still see what they hid: read it again, marked, in place.
    if (type === "annotation") {
      upsert(ws, await ws.api.get(`${ws.data.api.annotations}${item.id}/`));
    } else await refreshPanelComments(ws);
    renderPanel(ws);
    const message = `${action.done}: the ${type} by ${item.author ?? "a deleted account"}.`;
    say(ws, message);
    showNotice(ws, message);
  });
}

// A small form's answer about an item (a flag, a moderation action), sent to `url`.
function postAbout(ws, url, type, item, answer) {
  return ws.api.post(url, { target_type: type, target: item.id, ...answer });
}

// A field of a small form keeps what is typed in `state[name]`: a redraw of the panel puts it
// back.
function keep(field, state, name, event = "input") {
  field.value = state[name];
  field.addEventListener(event, () => {
    state[name] = field.value;
  });
}

// A small panel form (flag, moderate): its fields, an error line, its button and Cancel. Sent
// with `work`: busy meanwhile; a failure is shown in the form and kept in `state`, so a redraw
// of the panel keeps it.
function smallForm(attrs, state, fields, label, cancel, work) {
  const error = h("p", { class: "ws-error", role: "alert", hidden: !state.error }, state.error);
  const form = h(
    "form",
    { ...attrs, class: `ws-small-form ${attrs.class}` },
    fields,
    error,
    h(
      "p",
      { class: "ws-composer-actions" },
      h("button", { type: "submit", class: "button ws-small" }, label),
      button("Cancel", cancel),
    ),
  );
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
  return form;
}

async function toggleHistory(ws, type, item) {
  const { histories } = ws;
  const key = `${type}-${item.id}`;
  if (histories.has(key)) {
    histories.delete(key);
    return renderPanel(ws);
  }
  histories.set(key, { loading: true });
  renderPanel(ws);
  const base = type === "annotation" ? ws.data.api.annotations : ws.data.api.comments;
  try {
    const answer = await ws.api.get(`${base}${item.id}/revisions/`);
    histories.set(key, { revisions: Array.isArray(answer) ? answer : (answer?.results ?? []) });
  } catch (err) {
    histories.set(key, { error: err.message });
  }
  if (histories.has(key)) renderPanel(ws);
}

/** What the post said before each change, oldest first: version 1 is what was first posted;
 * the API ends the list with the post as it is now (`current`). Plain text (the Markdown
 * source), never HTML. */
function historyView(ws, type, item, state) {
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
            role ? ` · ${roleName(ws, role)}` : "",
            revision.created
              ? [revision.current ? " · since " : " · until ", when(revision.created)]
              : "",
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
