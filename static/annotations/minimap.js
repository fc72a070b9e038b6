// The minimap: a bar along the right edge standing for the whole paper, with a tick for each
// paragraph with shown roles and a frame for the part in view.

import { elementOf, h } from "./dom.js";
import { showTargets } from "./links.js";
import { say } from "./notice.js";
import { choose } from "./selection.js";
import { rolesOn } from "./shown.js";
import { roleName } from "./state.js";

/** Draw the minimap at the next frame (once, however often it is asked for meanwhile). */
export function scheduleMinimap(ws) {
  if (ws.minimapPending) return;
  ws.minimapPending = true;
  window.requestAnimationFrame(() => {
    ws.minimapPending = false;
    renderMinimap(ws);
  });
}

/** A bar beside the text, as tall as the window, standing for the whole paper: a tick for each
 * paragraph with shown roles, at its place in the paper, coloured by its roles. One tab stop;
 * ↓/↑ move between ticks, Enter goes to the paragraph. */
function renderMinimap(ws) {
  const { minimap } = ws.el;
  const focused = elementOf(document.activeElement)?.closest(".ws-tick")?.dataset.tick;
  const height = document.documentElement.scrollHeight || 1;
  const ticks = [];
  for (const [paragraph, el] of ws.paragraphById) {
    const counts = rolesOn(ws, paragraph);
    if (!counts.size) continue;
    const top = el.getBoundingClientRect().top + window.scrollY;
    const label = [...counts]
      .map(([slug, entry]) => `${roleName(ws, slug)} ${entry.count}`)
      .join(", ");
    ticks.push(
      h(
        "button",
        {
          type: "button",
          class: `ws-tick${paragraph === ws.panelParagraph ? " is-open" : ""}`,
          tabindex: "-1",
          "data-tick": paragraph,
          style: `top: ${((top / height) * 100).toFixed(3)}%`,
          "aria-label": `Paragraph ${ws.numberOf.get(paragraph)}: ${label}`,
          title: `¶ ${ws.numberOf.get(paragraph)}: ${label}`,
        },
        [...counts.keys()].map((slug) => h("span", { class: `ws-tick-role role-${slug}` })),
      ),
    );
  }
  minimap.replaceChildren(
    h("div", { class: "ws-view", "aria-hidden": "true" }),
    ...ticks,
    ticks.length ? "" : h("p", { class: "visually-hidden" }, "No annotations yet."),
  );
  const first = ticks.find((t) => t.dataset.tick === focused) ?? ticks[0];
  if (first) {
    first.tabIndex = 0;
    if (focused) first.focus({ preventScroll: true });
  }
  moveViewBox(ws);
}

/** The frame for the part of the paper in view. */
export function moveViewBox(ws) {
  const view = ws.el.minimap.querySelector(".ws-view");
  if (!view) return;
  const height = document.documentElement.scrollHeight || 1;
  view.style.top = `${(window.scrollY / height) * 100}%`;
  view.style.height = `${(window.innerHeight / height) * 100}%`;
}

/** `m`: to the minimap's tab stop. */
export function focusMinimap(ws) {
  const tick = ws.el.minimap.querySelector('.ws-tick[tabindex="0"]');
  if (tick) tick.focus();
  else say(ws, "No annotations on the map yet.");
}

export function initMinimap(ws) {
  const { minimap } = ws.el;
  minimap.addEventListener("click", (event) => {
    const tick = event.target.closest(".ws-tick");
    if (!tick) return;
    const paragraph = Number(tick.dataset.tick);
    if (ws.linking) return showTargets(ws, paragraph);
    choose(ws, ws.paragraphById.get(paragraph), { scroll: "center" });
    say(ws, `Paragraph ${ws.numberOf.get(paragraph)}.`);
  });

  minimap.addEventListener("keydown", (event) => {
    const tick = event.target.closest(".ws-tick");
    if (!tick) return;
    const ticks = [...minimap.querySelectorAll(".ws-tick")];
    const i = ticks.indexOf(tick);
    const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: ticks.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = ticks[Math.max(0, Math.min(ticks.length - 1, moves[event.key]))];
    tick.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}
