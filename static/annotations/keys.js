// Tagging and the page's keys: a role's key or button tags the chosen paragraph or the selected
// passage; j/k, s, l, f, b, m, ?, Enter and Esc (docs/workspace.md, "Keyboard").

import { isField, snippet } from "./dom.js";
import { setBlind, toggleFilters } from "./filters.js";
import { upsert } from "./layer.js";
import { startLinking, stopLinking } from "./links.js";
import { focusMinimap } from "./minimap.js";
import { say, showNotice } from "./notice.js";
import { quoteFromUtf16 } from "./offsets.js";
import { closePanel, openPanel, renderPanel } from "./panel.js";
import {
  choose,
  currentSelection,
  moveSelecting,
  startSelecting,
  step,
  stopSelecting,
} from "./selection.js";
import { paragraphText, roleName } from "./state.js";

/** Tag the selected passage, or else the chosen paragraph, with the role `slug`. */
export async function tag(ws, slug) {
  if (!ws.data.canAnnotate) return;
  const picked = currentSelection();
  if (picked?.crossing) return say(ws, "A passage lies inside one paragraph: select within it.");
  const el = picked ? ws.paragraphById.get(picked.paragraph) : ws.current;
  if (!el) return say(ws, "Choose a paragraph first: click it, or press j or k.");
  const paragraph = Number(el.dataset.paragraph);
  const quote = picked
    ? quoteFromUtf16(paragraphText(ws, paragraph), picked.start, picked.end)
    : null;
  const before = ws.current;
  try {
    const created = await ws.api.post(ws.data.api.annotations, { paragraph, role: slug, quote });
    if (picked) window.getSelection().removeAllRanges();
    stopSelecting(ws);
    upsert(ws, created);
    // A passage tagged in another paragraph makes it the chosen one, unless the reader has
    // moved on meanwhile (keys are faster than the server).
    if (ws.current === before && ws.current !== el) choose(ws, el, { focus: false, scroll: false });
    const what = quote
      ? `“${snippet(quote.exact, 40)}”`
      : `paragraph ${ws.numberOf.get(paragraph)}`;
    say(ws, `Tagged ${what} as ${roleName(ws, slug).toLowerCase()}.`);
    if (ws.panelParagraph === paragraph) renderPanel(ws);
  } catch (error) {
    say(ws, error.message);
    showNotice(ws, error.message, { error: true });
  }
}

function onKey(ws, event) {
  const { data } = ws;
  const { filtersForm, help, minimap, panel } = ws.el;
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (help.open) return; // the dialog has its own keys (Esc closes it)
  const target = event.target;
  if (isField(target)) {
    if (event.key === "Escape" && filtersForm.contains(target)) toggleFilters(ws, false);
    return;
  }
  const { key } = event;
  const onText = target === document.body || target.matches(".para[data-paragraph], main");

  if (ws.selecting) {
    if (key === "ArrowRight" || key === "ArrowLeft") {
      event.preventDefault();
      return moveSelecting(ws, key, event.shiftKey);
    }
    if (key === "Escape") {
      window.getSelection().removeAllRanges();
      stopSelecting(ws);
      return say(ws, "Selection left.");
    }
  }
  if (key === "Escape") {
    if (ws.linking) return stopLinking(ws, "Link mode left.");
    if (!filtersForm.hidden && filtersForm.contains(target)) return toggleFilters(ws, false);
    if (!panel.hidden) return closePanel(ws);
    return;
  }
  if (minimap.contains(target)) return; // its own arrows (minimap.js); Enter presses the tick
  if (key === "j" || (key === "ArrowDown" && onText)) {
    event.preventDefault();
    return step(ws, 1);
  }
  if (key === "k" || (key === "ArrowUp" && onText)) {
    event.preventDefault();
    return step(ws, -1);
  }
  if (key === "Enter" && target.matches(".para[data-paragraph]")) {
    event.preventDefault();
    return openPanel(ws, Number(target.dataset.paragraph));
  }
  if (key === "Enter" || key === " ") return; // buttons and links do their own thing
  const actions = {
    "?": () => help.showModal(),
    f: () => toggleFilters(ws),
    b: () => setBlind(ws, !ws.blind),
    m: () => focusMinimap(ws),
  };
  if (data.canAnnotate) {
    actions.l = () => startLinking(ws, ws.chosen);
    actions.s = () => startSelecting(ws);
  }
  const slug = data.canAnnotate && (ws.roleByKey.get(key) ?? ws.roleByKey.get(key.toLowerCase()));
  if (actions[key] || slug) {
    event.preventDefault();
    if (actions[key]) actions[key]();
    else tag(ws, slug);
  }
}

export function initKeys(ws) {
  const { help, panel, toolbar } = ws.el;
  document.addEventListener("keydown", (event) => onKey(ws, event));

  toolbar.addEventListener("click", (event) => {
    const pressed = event.target.closest("button");
    if (!pressed) return;
    if (pressed.dataset.role) return tag(ws, pressed.dataset.role);
    const action = pressed.dataset.action;
    if (action === "filters") toggleFilters(ws);
    else if (action === "blind") setBlind(ws, !ws.blind);
    else if (action === "help") help.showModal();
  });

  // Pressing a role button keeps the text selection it is to tag.
  toolbar.addEventListener("mousedown", (event) => {
    if (event.target.closest("button[data-role]")) event.preventDefault();
  });

  panel.querySelector('[data-action="close"]').addEventListener("click", () => closePanel(ws));
}
