// Offsets into a paragraph's text: the one place where the browser's counting meets the server's.
//
// The server counts Unicode code points (Python str indices: Paragraph.text, quote start/end,
// citations). The browser counts UTF-16 code units (String indices, Range offsets, Selection).
// They differ for every character outside the Basic Multilingual Plane (emoji, mathematical
// letters such as 𝐀, many CJK ideographs), which take two UTF-16 units and one code point.
// Right-to-left text changes nothing here: offsets are in logical (memory) order in both.
//
// Nothing else in the page converts; tests/annotations/test_browser_workspace.py checks round
// trips with emoji, 𝐀 and Arabic/Hebrew text.

function isHigh(unit) {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit) {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The number of code points in `text` before the UTF-16 offset `utf16Offset`.
 *
 * An offset that falls between the two halves of a surrogate pair counts the pair as not yet
 * begun (it rounds down to the character's start). Offsets are clamped to the text. */
export function toCodePoints(text, utf16Offset) {
  const end = Math.max(0, Math.min(utf16Offset, text.length));
  let points = 0;
  for (let i = 0; i < end; i++) {
    if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
      if (i + 1 >= end) break; // `end` splits this pair
      i++;
    }
    points++;
  }
  return points;
}

/** The UTF-16 offset in `text` of the code point offset `codePointOffset` (clamped). */
export function toUtf16(text, codePointOffset) {
  let points = 0;
  let i = 0;
  while (i < text.length && points < codePointOffset) {
    if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
      i += 2;
    } else {
      i += 1;
    }
    points++;
  }
  return i;
}

/** The length of `text` in code points, as Python's len() counts it. */
export function codePointLength(text) {
  return toCodePoints(text, text.length);
}

/** `text[start:end]` with code point offsets, as Python slices it. */
export function sliceCodePoints(text, start, end) {
  return text.slice(toUtf16(text, start), toUtf16(text, end));
}

/** A W3C-style quote of `text` between UTF-16 offsets `from` and `to`: the exact text, up to
 * `context` code points of prefix and suffix, and start/end in code points for the server. */
export function quoteFromUtf16(text, from, to, context = 32) {
  const start = toCodePoints(text, Math.min(from, to));
  const end = toCodePoints(text, Math.max(from, to));
  const length = codePointLength(text);
  return {
    exact: sliceCodePoints(text, start, end),
    prefix: sliceCodePoints(text, Math.max(0, start - context), start),
    suffix: sliceCodePoints(text, end, Math.min(length, end + context)),
    start,
    end,
  };
}
