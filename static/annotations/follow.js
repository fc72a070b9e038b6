// Following a paragraph from its panel: each new comment on it then notifies the reader
// (annotations/notifications, kind "thread"). Members only: the page's data carries `follows`
// (the paragraphs the reader follows and the API's URL, `follows/`) for them and null for
// anyone else, who gets no button. The button is a toggle (aria-pressed): Follow / Following.

import { h } from "./dom.js";
import { say, showNotice } from "./notice.js";

/** The panel's line with the Follow button for `paragraph`. */
export function followButton(ws, paragraph) {
  const on = ws.followed.has(paragraph);
  const button = h(
    "button",
    {
      type: "button",
      class: "ws-tool ws-follow",
      "aria-pressed": String(on),
      "data-key": "follow", // the panel's redraw gives it the focus back
      onclick: () => toggle(ws, paragraph),
    },
    on ? "Following" : "Follow",
  );
  return h(
    "p",
    { class: "ws-follow-row" },
    button,
    h("span", { class: "quiet" }, "Be told of new comments here."),
  );
}

function draw(ws, paragraph) {
  if (ws.panelParagraph !== paragraph) return;
  const button = ws.el.panelBody.querySelector("button.ws-follow");
  if (!button) return;
  const on = ws.followed.has(paragraph);
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? "Following" : "Follow";
}

async function toggle(ws, paragraph) {
  if (ws.following) return; // one change at a time (a double click sends one request)
  ws.following = true;
  const wanted = !ws.followed.has(paragraph);
  try {
    const answer = await ws.api.post(ws.data.follows.url, { paragraph, follow: wanted });
    if (answer.follow) ws.followed.add(paragraph);
    else ws.followed.delete(paragraph);
    draw(ws, paragraph);
    say(
      ws,
      answer.follow
        ? "Following this paragraph: its new comments will notify you."
        : "No longer following this paragraph.",
    );
  } catch (error) {
    showNotice(ws, error.message, { error: true });
  } finally {
    ws.following = false;
  }
}
