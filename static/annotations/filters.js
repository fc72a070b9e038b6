// Filters (by role, by member, only mine) and blind mode (the others' roles on a paragraph stay
// hidden until the reader has tagged it). A member's blind mode is kept by the server for the
// group (`Membership.blind`, PATCH groups/{slug}/me/), which records their first tag on each
// paragraph as an independent reading and renders <html data-blind> before the first paint;
// anyone else's is kept in this browser (localStorage), applied by the page's head.

import { h, plural } from "./dom.js";
import { scheduleMinimap } from "./minimap.js";
import { say, showNotice } from "./notice.js";
import { renderPanel } from "./panel.js";
import { isShown } from "./shown.js";
import { renderParagraph } from "./text.js";

/** The filters' list of members: everyone with an annotation in the page. */
export function refreshAuthors(ws) {
  const select = ws.el.filtersForm.elements.author;
  const undrawn = [...ws.undrawn.values()].flat(); // counted, not drawn (more.js)
  const all = [...ws.annotations.values(), ...undrawn];
  const authors = [...new Set(all.map((a) => a.author).filter(Boolean))];
  authors.sort();
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join("\n") === authors.join("\n")) return;
  const value = select.value;
  select.replaceChildren(
    h("option", { value: "" }, "Everyone"),
    ...authors.map((name) => h("option", { value: name, selected: name === value }, name)),
  );
}

function renderAll(ws) {
  for (const paragraph of ws.paragraphById.keys()) renderParagraph(ws, paragraph);
  scheduleMinimap(ws);
  refreshAuthors(ws);
}

export function toggleFilters(ws, open = ws.el.filtersForm.hidden) {
  const { filtersForm, toolbar } = ws.el;
  filtersForm.hidden = !open;
  toolbar.querySelector('[data-action="filters"]').setAttribute("aria-expanded", String(open));
  if (open) filtersForm.querySelector("input, select")?.focus();
  else if (filtersForm.contains(document.activeElement) || !document.activeElement) {
    toolbar.querySelector('[data-action="filters"]').focus();
  }
}

export function initFilters(ws) {
  const { filtersForm } = ws.el;
  filtersForm.addEventListener("change", () => {
    const { filters } = ws;
    const checked = filtersForm.querySelectorAll('input[name="role"]:checked');
    filters.roles = new Set(Array.from(checked, (input) => input.value));
    filters.author = filtersForm.elements.author.value;
    filters.mine = Boolean(filtersForm.elements.mine?.checked);
    document.body.classList.toggle(
      "ws-filtered",
      filters.roles.size < ws.roles.size || Boolean(filters.author) || filters.mine,
    );
    renderAll(ws);
    renderPanel(ws);
    const shown = [...ws.annotations.values()].filter((a) => isShown(ws, a)).length;
    say(ws, `${plural(shown, "annotation")} shown.`);
  });
  filtersForm.addEventListener("submit", (event) => event.preventDefault());
}

/** Blind mode on or off: shown at once; kept by the server for a member (`data.blind` says
 * where), in this browser for anyone else. */
export function setBlind(ws, on) {
  showBlind(ws, on);
  if (ws.data.blind) {
    keepOnServer(ws, on);
  } else {
    keepInBrowser(ws, on);
    pressBlind(ws, on);
  }
  say(ws, blindMessage(on, Boolean(ws.data.blind)));
}

function showBlind(ws, on) {
  ws.blind = on;
  document.documentElement.toggleAttribute("data-blind", on);
  scheduleMinimap(ws); // the text itself follows the stylesheet
  renderPanel(ws);
}

function pressBlind(ws, on) {
  ws.el.toolbar.querySelector('[data-action="blind"]').setAttribute("aria-pressed", String(on));
}

function keepInBrowser(ws, on) {
  try {
    if (on) localStorage.setItem(ws.blindKey, "on");
    else localStorage.removeItem(ws.blindKey);
  } catch {
    // Storage refused (a private window): the mode lasts as long as the page.
  }
}

/** The member's choice, kept for the group. The button shows as pressed once the server has
 * kept it; when it refuses, the view goes back to what the server keeps and the notice says
 * why. Only the latest press counts (keys are faster than the server). */
async function keepOnServer(ws, on) {
  const server = ws.blindServer;
  const request = ++server.latest;
  try {
    await ws.api.patch(ws.data.blind.url, { blind: on });
    server.on = on;
    if (request === server.latest) pressBlind(ws, on);
  } catch (error) {
    if (request !== server.latest) return;
    showBlind(ws, server.on);
    pressBlind(ws, server.on);
    const message = `Blind mode could not be ${on ? "turned on" : "turned off"}: ${error.message}`;
    say(ws, message);
    showNotice(ws, message, { error: true });
  }
}

function blindMessage(on, kept) {
  if (!on) {
    return kept
      ? "Blind mode off for this group: everyone’s roles are shown."
      : "Blind mode off: everyone’s roles are shown.";
  }
  const hidden = "the others’ roles on a paragraph stay hidden until you have tagged it";
  if (!kept) return `Blind mode on: ${hidden}.`;
  return (
    `Blind mode on, kept for this group: ${hidden}, and your first tag on each paragraph ` +
    "then counts as an independent reading."
  );
}
