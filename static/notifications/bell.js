// The navigation's bell (templates/base.html): the unread count the server drew, kept live
// without a reload. Every `data-bell-poll` milliseconds (MARGINALIA_BELL_POLL_MS) it asks the
// API for the number of unread notifications (`GET notifications/?unread=1&page_size=1`: its
// `count`, what `shown_to` lets through, as the server's own number), and only while the tab is
// shown: a hidden tab asks nothing, and asks at once when it shows again. After an error it waits
// longer (twice as long, four times after a 429, at most ten minutes); signed out meanwhile
// (401, 403) it stops. Another script may ask it to look now by dispatching "marginalia:bell" on
// the document (the workspace does when its live updates bring someone's new comment). A rise is
// said aloud (the polite live region beside the bell); at 0 the badge goes.

const MAX_DELAY_MS = 600000;

export function startBell(link, doc = document) {
  const badge = link.querySelector("[data-bell-count]");
  const announcer = doc.querySelector("[data-bell-announce]");
  const every = Number(link.dataset.bellPoll) || 30000;
  const url = `${link.dataset.bellApi}?unread=1&page_size=1`;
  let count = Number(badge.textContent) || 0;
  let delay = every;
  let timer = 0;
  let busy = false;
  let stopped = false;

  function show(n) {
    if (n === count) return;
    const rose = n > count;
    count = n;
    const label = `${n} unread notification${n === 1 ? "" : "s"}`;
    badge.textContent = String(n);
    badge.setAttribute("aria-label", label);
    badge.hidden = n === 0;
    if (rose && announcer) announcer.textContent = label;
  }

  function schedule(ms) {
    window.clearTimeout(timer);
    if (!stopped && !doc.hidden) timer = window.setTimeout(look, ms);
  }

  async function look() {
    if (busy || stopped) return;
    busy = true;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 401 || response.status === 403) {
        stopped = true; // signed out in another tab: nothing to count any more
      } else if (response.status === 429) {
        delay = Math.min(delay * 4, MAX_DELAY_MS);
      } else if (!response.ok) {
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      } else {
        show(Number((await response.json()).count) || 0);
        delay = every;
      }
    } catch {
      delay = Math.min(delay * 2, MAX_DELAY_MS); // offline, or an answer that is not JSON
    } finally {
      busy = false;
      schedule(delay);
    }
  }

  doc.addEventListener("visibilitychange", () => {
    if (doc.hidden) window.clearTimeout(timer);
    else look();
  });
  doc.addEventListener("marginalia:bell", () => {
    if (delay === every) look(); // not while backing off
  });
  schedule(every);
}

const bell = document.querySelector("a[data-bell]");
if (bell) startBell(bell);
