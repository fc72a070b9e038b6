// "Download SVG": the map as a standalone file, `marginalia-argument-<paper id>.svg`. The whole
// drawing (not the part in view), with the title and legend the page shows beside it, the
// styles the page's CSS gives it written onto each element as attributes (a file has no
// stylesheet: colours, dashes, fonts as the reader saw them, light or dark), links to the
// workspace made absolute, and nothing of the page's machinery (focus, hover, ARIA roles).

const NS = "http://www.w3.org/2000/svg";
// What the map's CSS sets on its elements. All but opacity and display are inherited in SVG,
// so each is written only where it differs from the parent's.
const PROPERTIES = [
  "display",
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "letter-spacing",
  "paint-order",
];
const INITIAL = { display: "inline", opacity: "1" };

/** Serialize the map (`svg`, the drawing's `bounds`) as a file and download it. */
export function downloadSvg(svg, { bounds, paperId, title }) {
  const text = standaloneSvg(svg, { bounds, title });
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `marginalia-argument-${paperId}.svg`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file's text: an XML declaration and the map with its styles inlined. */
export function standaloneSvg(svg, { bounds, title }) {
  const legend = svg.querySelector(".map-print-legend");
  legend?.classList.add("is-printing"); // shown for the copy of its styles, then hidden again
  const copy = svg.cloneNode(true);
  try {
    inlineStyles(svg, copy, null);
  } finally {
    legend?.classList.remove("is-printing");
  }
  const margin = 24;
  const box = {
    x: bounds.x - margin,
    y: bounds.y - margin,
    width: bounds.width + 2 * margin,
    height: bounds.height + 2 * margin,
  };
  const page = ["tabindex", "role", "aria-roledescription", "aria-label", "aria-describedby"];
  for (const name of [...page, "id", "class", "data-scale"]) copy.removeAttribute(name);
  copy.setAttribute("xmlns", NS);
  copy.setAttribute("viewBox", `${box.x} ${box.y} ${box.width} ${box.height}`);
  copy.setAttribute("width", Math.ceil(box.width));
  copy.setAttribute("height", Math.ceil(box.height));
  const background = getComputedStyle(document.body).backgroundColor;
  const heading = document.createElementNS(NS, "title");
  heading.textContent = `Argument map: ${title}`;
  const paper = document.createElementNS(NS, "rect");
  for (const [name, value] of Object.entries({ ...box, fill: background })) {
    paper.setAttribute(name, value);
  }
  copy.prepend(heading, paper);
  for (const link of copy.querySelectorAll("a[href]")) {
    const href = link.getAttribute("href");
    if (href.startsWith("#")) link.remove(); // "and 40 more": the page's own list
    else link.setAttribute("href", new URL(href, location.href).href);
  }
  for (const ring of copy.querySelectorAll(".map-ring")) ring.remove(); // the focus ring
  for (const el of copy.querySelectorAll(".is-lit, .is-focused")) {
    el.classList.remove("is-lit", "is-focused");
  }
  const xml = new XMLSerializer().serializeToString(copy);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}

/** Write onto each element of `copy` the computed values of PROPERTIES on its original that
 * its parent does not already give it. */
function inlineStyles(original, copy, parentStyle) {
  if (original.localName === "title") return;
  const style = getComputedStyle(original);
  const declarations = [];
  for (const name of PROPERTIES) {
    const value = style.getPropertyValue(name);
    if (!value) continue;
    const inherited = parentStyle ? parentStyle.get(name) : INITIAL[name];
    if (value !== inherited) declarations.push([name, value]);
  }
  // As presentation attributes, not style="": the page's Content-Security-Policy refuses inline
  // styles, even on a copy, and every property here is also an SVG attribute.
  copy.removeAttribute("style");
  for (const [name, value] of declarations) copy.setAttribute(name, value);
  const mine = new Map(PROPERTIES.map((name) => [name, style.getPropertyValue(name)]));
  for (const name of Object.keys(INITIAL)) mine.set(name, INITIAL[name]); // not inherited
  const children = original.children;
  const copies = copy.children;
  for (let i = 0; i < children.length; i++) inlineStyles(children[i], copies[i], mine);
}
