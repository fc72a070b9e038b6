// Choosing a paragraph (click, j/k, ↓/↑) and selecting a passage: with the mouse
// (currentSelection) or from the keyboard (`s`, then arrows, word by word).

import { elementOf } from "./dom.js";
import { link, showTargets, targetRoles } from "./links.js";
import { say } from "./notice.js";
import { openPanel } from "./panel.js";
import { paragraphText } from "./state.js";
import { rangeOffsets, selectOffsets } from "./textmap.js";

export function choose(ws, el, { focus = true, scroll = "nearest" } = {}) {
  if (!el) return;
  if (ws.current && ws.current !== el) {
    ws.current.removeAttribute("aria-current");
    ws.current.tabIndex = -1;
  }
  ws.current = el;
  el.setAttribute("aria-current", "true");
  el.tabIndex = 0;
  if (focus) el.focus({ preventScroll: true });
  if (scroll) el.scrollIntoView({ block: scroll });
  const id = Number(el.dataset.paragraph);
  if (!ws.el.panel.hidden && id !== ws.panelParagraph) openPanel(ws, id, { focus: false });
}

function firstInView(ws) {
  const top = ws.el.toolbar.getBoundingClientRect().bottom;
  return ws.paragraphs.find((el) => el.getBoundingClientRect().bottom > top) ?? ws.paragraphs[0];
}

export function step(ws, delta) {
  stopSelecting(ws);
  if (!ws.current) return choose(ws, firstInView(ws));
  const i = ws.paragraphs.indexOf(ws.current) + delta;
  choose(ws, ws.paragraphs[Math.max(0, Math.min(ws.paragraphs.length - 1, i))]);
}

export function initSelection(ws) {
  for (const el of ws.paragraphs) el.tabIndex = -1;
  if (ws.paragraphs.length) ws.paragraphs[0].tabIndex = 0;

  document.addEventListener("click", (event) => {
    const el = event.target.closest?.(".para[data-paragraph]");
    if (!el || event.target.closest("a, button")) return;
    const id = Number(el.dataset.paragraph);
    if (ws.linking) {
      const mark = event.target.closest("mark.hl[data-annotation]");
      const target = mark && ws.annotations.get(Number(mark.dataset.annotation));
      if (target && target.id !== ws.linking.source && targetRoles(ws).has(target.role)) {
        return link(ws, target.id);
      }
      return showTargets(ws, id);
    }
    const selection = window.getSelection();
    choose(ws, el, { focus: selection.isCollapsed, scroll: false });
    if (selection.isCollapsed && event.target.closest(".ws-chips, .ws-more, mark.hl")) {
      openPanel(ws, id);
    }
  });
}

/** The text selection as a passage: {paragraph, start, end} (UTF-16 offsets in its text),
 * {crossing: true} when it runs over more than one paragraph, or null. */
export function currentSelection() {
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

export function startSelecting(ws) {
  if (!ws.current) return say(ws, "Choose a paragraph first: j or k.");
  const id = Number(ws.current.dataset.paragraph);
  const words = wordsOf(paragraphText(ws, id));
  if (!words.length) return;
  ws.selecting = { el: ws.current, id, words, start: 0, end: 0 };
  ws.current.classList.add("is-selecting");
  showSelecting(ws);
}

function showSelecting(ws) {
  const { el, id, words, start, end } = ws.selecting;
  const from = words[start].start;
  const to = words[end].end;
  selectOffsets(el.querySelector(".para-text"), from, to);
  say(ws, `Selected: ${paragraphText(ws, id).slice(from, to)}`);
}

export function stopSelecting(ws) {
  if (!ws.selecting) return;
  ws.selecting.el.classList.remove("is-selecting");
  ws.selecting = null;
}

export function moveSelecting(ws, key, shift) {
  const s = ws.selecting;
  const by = key === "ArrowRight" ? 1 : -1;
  if (shift) s.start = Math.max(0, Math.min(s.end, s.start + by));
  else s.end = Math.max(s.start, Math.min(s.words.length - 1, s.end + by));
  showSelecting(ws);
}
