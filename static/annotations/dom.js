// Small helpers for the workspace's modules: making elements, words, dates. No state.

import { codePointLength, sliceCodePoints } from "./offsets.js";

/** An element: h("p", {class: "x", onclick: fn}, "text", child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    // "html": the server's sanitised HTML (nh3).
    else if (name === "html") el.innerHTML = value;
    // Through the CSSOM: the site's Content-Security-Policy refuses style="" attributes.
    else if (name === "style") el.style.cssText = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false || child === "") continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function button(label, onclick, attrs = {}) {
  return h("button", { type: "button", class: "link-button", onclick, ...attrs }, label);
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function snippet(text, length = 90) {
  const clean = text.replace(/\s+/g, " ").trim();
  return codePointLength(clean) > length ? `${sliceCodePoints(clean, 0, length - 1)}…` : clean;
}

export function when(iso) {
  if (!iso) return "";
  const text = new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return h("time", { datetime: iso, class: "ws-time" }, text);
}

export function isField(el) {
  return el instanceof Element && el.closest("input, textarea, select, [contenteditable]");
}

export function elementOf(node) {
  return node?.nodeType === Node.ELEMENT_NODE ? node : node?.parentElement;
}
