// What the workspace tells the reader: the polite live region for screen readers, and the quiet
// notice at the foot of the window.

/** Tell screen readers (the polite, visually hidden live region). */
export function say(ws, message) {
  const { announcer } = ws.el;
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 30);
}

/** The quiet notice: a small line at the foot of the window, read out politely; nothing
 * moves. */
export function showNotice(ws, message, { error = false } = {}) {
  const { notice } = ws.el;
  notice.textContent = message;
  notice.classList.toggle("is-error", error);
  notice.classList.add("is-shown");
  window.clearTimeout(ws.noticeTimer);
  ws.noticeTimer = window.setTimeout(() => notice.classList.remove("is-shown"), 8000);
}
