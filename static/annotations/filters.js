// Filters (by role, by member, only mine) and blind mode (the others' roles on a paragraph stay
// hidden until the reader has tagged it; kept in localStorage, applied before the first paint by
// the page's head).

import { h, plural } from "./dom.js";
import { scheduleMinimap } from "./minimap.js";
import { say } from "./notice.js";
import { renderPanel } from "./panel.js";
import { isShown } from "./shown.js";
import { renderParagraph } from "./text.js";

/** The filters' list of members: everyone with an annotation in the page. */
export function refreshAuthors(ws) {
  const select = ws.el.filtersForm.elements.author;
  const authors = [...new Set([...ws.annotations.values()].map((a) => a.author).filter(Boolean))];
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

export function setBlind(ws, on) {
  ws.blind = on;
  try {
    if (on) localStorage.setItem(ws.blindKey, "on");
    else localStorage.removeItem(ws.blindKey);
  } catch {
    // Storage refused (a private window): the mode lasts as long as the page.
  }
  document.documentElement.toggleAttribute("data-blind", on);
  ws.el.toolbar.querySelector('[data-action="blind"]').setAttribute("aria-pressed", String(on));
  scheduleMinimap(ws); // the text itself follows the stylesheet
  renderPanel(ws);
  say(
    ws,
    on
      ? "Blind mode on: the others’ roles on a paragraph stay hidden until you have tagged it."
      : "Blind mode off: everyone’s roles are shown.",
  );
}
