// Link mode: from the annotation chosen in the panel to the claim it supports or attacks, chosen
// in a bar at the foot of the window or by clicking its passage in the text.

import { h } from "./dom.js";
import { say, showNotice } from "./notice.js";
import { openPanel } from "./panel.js";
import { isShown } from "./shown.js";
import { quoteText, roleName } from "./state.js";

/** What a link points at: the claims (the whole vocabulary in a group without "claim"). */
export function targetRoles(ws) {
  return ws.roles.has("claim") ? new Set(["claim"]) : new Set(ws.roles.keys());
}

export function startLinking(ws, source) {
  if (!ws.data.canAnnotate) return;
  const from = ws.annotations.get(source ?? ws.chosen);
  if (!from) {
    return say(ws, "Open a paragraph’s panel (Enter) and choose one of its annotations first.");
  }
  ws.linking = { source: from.id, relation: ws.linking?.relation ?? "supports", paragraph: null };
  document.body.classList.add("ws-linking");
  renderLinkbar(ws);
  ws.el.linkbar.querySelector("input:checked")?.focus();
}

export function stopLinking(ws, message) {
  if (!ws.linking) return;
  const { linkbar, panel, panelBody, panelTitle } = ws.el;
  ws.linking = null;
  document.body.classList.remove("ws-linking");
  linkbar.hidden = true;
  linkbar.replaceChildren();
  if (message) say(ws, message);
  const back = panel.hidden
    ? ws.current
    : panelBody.querySelector(".is-chosen .ws-annotation-choose");
  (back ?? panelTitle).focus({ preventScroll: true });
}

export function showTargets(ws, paragraph) {
  if (!ws.linking) return;
  ws.linking.paragraph = paragraph;
  renderLinkbar(ws);
  ws.el.linkbar.querySelector(".ws-target")?.focus();
}

function renderLinkbar(ws) {
  const { linking, numberOf } = ws;
  const source = ws.annotations.get(linking.source);
  const wanted = targetRoles(ws);
  const noun = wanted.size === 1 ? roleName(ws, [...wanted][0]).toLowerCase() : "annotation";
  let targets = [...ws.annotations.values()].filter(
    (a) => a.id !== source.id && wanted.has(a.role) && isShown(ws, a),
  );
  if (linking.paragraph != null) {
    const here = targets.filter((a) => a.paragraph === linking.paragraph);
    if (here.length) targets = here;
  }
  targets.sort((x, y) => numberOf.get(x.paragraph) - numberOf.get(y.paragraph) || x.id - y.id);
  const relation = h(
    "fieldset",
    { class: "ws-relation-choice" },
    h("legend", {}, `This ${roleName(ws, source.role).toLowerCase()}`),
    ["supports", "attacks"].map((value) =>
      h(
        "label",
        {},
        h("input", {
          type: "radio",
          name: "ws-relation",
          value,
          checked: linking.relation === value,
          onchange: () => {
            ws.linking.relation = value;
          },
        }),
        ` ${value}`,
      ),
    ),
  );
  ws.el.linkbar.replaceChildren(
    h(
      "p",
      { class: "ws-linkbar-head" },
      h("strong", {}, "Link mode. "),
      `From “${quoteText(ws, source, 60)}”: choose the ${noun} it supports or attacks, here or in `,
      "the text. Esc cancels.",
    ),
    relation,
    targets.length
      ? h(
          "ul",
          { class: "ws-targets", "aria-label": `Choose the ${noun}` },
          targets.map((a) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: `ws-target role-${a.role}`,
                  onclick: () => link(ws, a.id),
                },
                h("span", { class: "ws-dot", "aria-hidden": "true" }),
                `¶ ${numberOf.get(a.paragraph)} · ${a.author}: `,
                h("q", {}, quoteText(ws, a, 80)),
              ),
            ),
          ),
        )
      : h("p", { class: "quiet" }, `No ${noun} to link to yet: tag one first.`),
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "button-secondary ws-small",
          onclick: () => stopLinking(ws, "Link mode left."),
        },
        "Cancel",
      ),
    ),
  );
  ws.el.linkbar.hidden = false;
}

export async function link(ws, target) {
  const { source, relation } = ws.linking;
  try {
    await ws.api.post(ws.data.api.links, { source, target, relation });
    const t = ws.annotations.get(target);
    const role = roleName(ws, t.role).toLowerCase();
    const where = `the ${role} in paragraph ${ws.numberOf.get(t.paragraph)}`;
    stopLinking(ws, `Linked: it ${relation} ${where}.`);
    showNotice(ws, `Linked: it ${relation} ${where}.`);
    if (ws.panelParagraph != null) openPanel(ws, ws.panelParagraph, { focus: false });
  } catch (error) {
    say(ws, error.message);
    showNotice(ws, error.message, { error: true });
  }
}
