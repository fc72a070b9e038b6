// The reading page as the annotation workspace (templates/annotations/paper_workspace.html):
// the entry module, which makes the state and starts the others.
//
// The server renders the paper with the annotations the reader may see (passages as <mark>,
// role chips under each paragraph) and hands the script the rest through json_script
// ("workspace-data": roles, a compact index of the annotations, the API's URLs, the CSRF
// token). From there everything goes through the REST API, as for any other client:
//
// - choose a paragraph (click, j/k, ↓/↑), tag it with a role's key or button, or select a passage
//   (mouse, or `s` then arrows) and tag just that (selection.js, keys.js);
// - Enter opens the side panel: everyone's roles, notes, threads, edit and delete of your own
//   (panel.js, threads.js, composer.js, editing.js);
// - `l` links the annotation chosen in the panel to the claim it supports or attacks (links.js);
// - filters (`f`), blind mode (`b`) (filters.js), the minimap (`m`, minimap.js), the list of
//   keys (`?`);
// - a paragraph holding more annotations than the page drew gets the rest when it comes into
//   view (more.js);
// - every few seconds what changed since the last look is merged in, with a quiet notice
//   (live.js, layer.js, notice.js);
// - moderation: members flag others' posts; the author sees their own held post marked; the
//   group's owners and moderators see everyone's, marked, and hide, unhide, approve or reject
//   from the panel (moderation.js). What a reader may not see never reaches the page (the
//   server's `visible_to`); what leaves their view later is dropped (the `since` feed's
//   "removed", shown.js `isRemoved`). What the reader may do with an item is the item's `can`,
//   as the API answers it: the script repeats no rule of who may edit, flag or moderate what.
//
// The state is one object (state.js) made here and handed to every function as its first
// argument; the modules import each other's functions, never state. Nothing in them runs when
// they are imported: the `init…` functions below set up their listeners.
//
// Offsets: the DOM counts UTF-16 units (textmap.js), the server code points; offsets.js
// converts, and nothing else does.

import { initFilters, refreshAuthors } from "./filters.js";
import { initKeys } from "./keys.js";
import { later } from "./live.js";
import { initMinimap, moveViewBox, scheduleMinimap } from "./minimap.js";
import { initModeration } from "./moderation.js";
import { initMore } from "./more.js";
import { openFromUrl } from "./panel.js";
import { initSelection } from "./selection.js";
import { createState } from "./state.js";
import { initText } from "./text.js";

const ws = createState(JSON.parse(document.getElementById("workspace-data").textContent));

initText(ws);
initMinimap(ws);
initSelection(ws);
initModeration(ws);
initFilters(ws);
initKeys(ws);

// --- Start -----------------------------------------------------------------------------------

const { minimap, toolbar } = ws.el;
toolbar.hidden = false;
minimap.hidden = false;
toolbar.querySelector('[data-action="blind"]').setAttribute("aria-pressed", String(ws.blind));
document.body.classList.add("ws-ready");
scheduleMinimap(ws); // the text is drawn by the server already
refreshAuthors(ws);
window.addEventListener("resize", () => scheduleMinimap(ws));
window.addEventListener("scroll", () => moveViewBox(ws), { passive: true });
new ResizeObserver(() => scheduleMinimap(ws)).observe(document.querySelector(".paper"));
openFromUrl(ws); // #paragraph, ?panel=1 and say= (panel.js)
initMore(ws); // paragraphs holding more than the page drew: the rest when in view (more.js)
later(ws, ws.data.poll);
