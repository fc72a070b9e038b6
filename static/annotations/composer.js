// A Markdown text box with a preview, for comments, replies and notes in the panel; `prefill`
// puts a draft in one (the agreement page's "Discuss this", through panel.js `openFromUrl`).

import { ApiError } from "./api.js";
import { button, h } from "./dom.js";
import { refreshPanelComments } from "./editing.js";
import { attachMentions } from "./mentions.js";
import { say } from "./notice.js";
import { openPanel } from "./panel.js";

/** A Markdown text box with a preview (POST preview/: the HTML the server would keep).
 * `onsubmit(text)` sends it; then `ondone()`, or the panel's comments are fetched again. */
export function composer(
  ws,
  {
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
  },
) {
  const id = `ws-compose-${++ws.composerCount}`;
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
      error.append(
        " ",
        button("Reload", () => openPanel(ws, ws.panelParagraph)),
      );
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
      const body = { markdown: textarea.value, paper: ws.data.paper }; // mentions linked too
      const { html } = await ws.api.post(ws.data.api.preview, body);
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
  attachMentions(ws, textarea); // before the keys below: an open list of names takes its own
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
      else await refreshPanelComments(ws);
      say(ws, "Saved.");
    } catch (err) {
      showError(err);
    } finally {
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

/** Put a draft in a composer, open it and put the cursor at its end: shown, never sent (the
 * reader edits it and posts it themselves). A redraw of the panel keeps it, as any draft. */
export function prefill(form, text) {
  const textarea = form.querySelector("textarea");
  textarea.value = text;
  form.open();
  form.scrollIntoView({ block: "nearest" }); // its Post button too, at the foot of the panel
  textarea.focus({ preventScroll: true });
  textarea.setSelectionRange(text.length, text.length);
}
