// @mentions in the panel's text boxes (composer.js attaches it to each): typing "@" and a
// letter or more suggests the group's active members whose username starts with it, from the
// member list of the API (GET groups/{slug}/members/?q=…&status=active&page_size=8). The
// server decides who is mentioned when the post is saved (annotations/notifications/
// mentions.py); this only helps to type a name right.
//
// The ARIA combobox pattern: the text box is the combobox (aria-expanded, aria-controls,
// aria-activedescendant, aria-autocomplete="list"), the suggestions a listbox of options under
// it. ↓/↑ move, Enter or Tab insert "@username ", Escape closes, a click inserts; focus stays
// in the text box throughout. Requests wait until typing pauses, and each prefix's answer is
// kept for the page (`ws.mentionCache`), so typing back and forth asks nothing twice.

import { h } from "./dom.js";

const WAIT = 150; // ms of quiet typing before asking the server
const LIMIT = 8;
// The mention being typed, up to the cursor: "@" not after a word character, then name
// characters (Django's usernames: letters, digits and @ . + - _).
const TYPING = /(?:^|[^\p{L}\p{N}_])@([\p{L}\p{N}_.@+-]{1,150})$/u;

/** Suggest members as `@name` is typed in `textarea` (a member's text box, in the page). */
export function attachMentions(ws, textarea) {
  if (!ws.data.canAnnotate || !ws.data.group) return;
  const id = `${textarea.id}-mentions`;
  const list = h("ul", { id, class: "ws-mentions", role: "listbox", hidden: true });
  list.setAttribute("aria-label", "Members to mention");
  textarea.after(list);
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", id);
  textarea.setAttribute("aria-expanded", "false");

  let names = [];
  let active = -1;
  let start = -1; // where the "@" being completed is
  let timer = null;
  let asked = 0; // counts the edits: an answer for an older text, arriving late, is dropped

  function close() {
    clearTimeout(timer);
    names = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    names = found.filter((name) => name !== ws.me);
    if (!names.length) return close();
    active = 0;
    list.replaceChildren(
      ...names.map((name, i) =>
        h(
          "li",
          {
            id: `${id}-${i}`,
            role: "option",
            class: "ws-mention-option",
            onmousedown: (event) => event.preventDefault(), // keep the focus in the text box
            onclick: () => insert(i),
          },
          `@${name}`,
        ),
      ),
    );
    list.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    highlight();
  }

  function highlight() {
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === active));
    });
    textarea.setAttribute("aria-activedescendant", `${id}-${active}`);
    list.children[active]?.scrollIntoView({ block: "nearest" });
  }

  function insert(i) {
    const text = `@${names[i]} `;
    const end = textarea.selectionStart;
    textarea.setRangeText(text, start, end, "end");
    close();
    textarea.focus();
  }

  textarea.addEventListener("input", () => {
    const mine = ++asked; // whatever is still on its way is for an older text
    const before = textarea.value.slice(0, textarea.selectionStart);
    const typing = textarea.selectionStart === textarea.selectionEnd && TYPING.exec(before);
    if (!typing) return close();
    const prefix = typing[1].toLowerCase();
    start = textarea.selectionStart - typing[1].length - 1;
    const known = cached(ws, prefix);
    if (known) return show(known);
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const found = await suggestions(ws, prefix);
      if (mine === asked && document.activeElement === textarea) show(found);
    }, WAIT);
  });

  // Before the composer's own keys (Ctrl+Enter posts, Escape folds it): while the list is open,
  // its keys are the list's.
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    const { key } = event;
    if (key === "ArrowDown" || key === "ArrowUp") {
      active = (active + (key === "ArrowDown" ? 1 : -1) + names.length) % names.length;
      highlight();
    } else if ((key === "Enter" || key === "Tab") && !event.ctrlKey && !event.metaKey) {
      insert(active);
    } else if (key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  });
  textarea.addEventListener("blur", close);
}

/** The usernames starting with `prefix` known without asking: its own answer, or a shorter
 * prefix's answer that was complete (fewer than LIMIT names), filtered. */
function cached(ws, prefix) {
  for (let n = prefix.length; n > 0; n--) {
    const names = ws.mentionCache.get(prefix.slice(0, n));
    if (names && (n === prefix.length || names.length < LIMIT)) {
      return names.filter((name) => name.toLowerCase().startsWith(prefix));
    }
  }
  return null;
}

/** The group's member list in the API, beside the workspace's other endpoints under /api/v1/
 * (as annotations/workspace.py places the moderation ones). */
function membersUrl(ws) {
  const root = ws.data.api.annotations.replace(/annotations\/$/, "");
  return `${root}groups/${encodeURIComponent(ws.data.group)}/members/`;
}

async function suggestions(ws, prefix) {
  const query = new URLSearchParams({ q: prefix, status: "active", page_size: String(LIMIT) });
  try {
    const page = await ws.api.get(`${membersUrl(ws)}?${query}`);
    const names = (page.results ?? []).map((member) => member.user);
    ws.mentionCache.set(prefix, names);
    return names;
  } catch {
    return []; // no suggestions: the text box works as before
  }
}
