"""Lines back into running text: spaces, hyphens at line ends, URLs broken over lines, and the
raised footnote markers as `footnote_ref` marks.

A hyphen at a line's end is either the typesetter's ("secu-" + "rity") or the author's
("self-" + "centered"): the document's own vocabulary decides (papers/importing/hyphens.py).
"""

import re

from ...hyphens import BROKEN, TOKEN, Vocabulary
from .extract import Line

__all__ = ["Vocabulary", "append", "glue", "join_rows"]

_URL_END = re.compile(r"(?:https?:|ftp:|www\.)\S*$|\S*://\S*$")


def glue(before: str, after: str, vocabulary: Vocabulary) -> tuple[str, str]:
    """How a line ending in `before` meets the next line: (`before` possibly without its last
    hyphen, the separator)."""
    if before.endswith("\u00ad"):
        return before[:-1], ""
    after = after.lstrip()
    last = before.rsplit(" ", 1)[-1]
    if _URL_END.match(last) and (before[-1] in "/.-_~#?=&:" or after.startswith("/")):
        if not after[:1].isupper():
            return before, ""  # a URL broken over two lines
    broken = BROKEN.search(before[-40:]) if before.endswith("-") else None
    if broken:
        right = TOKEN.match(after)
        if right is None:
            return before, ""  # "COVID-" + "19"
        if vocabulary.keeps_hyphen(broken.group(1), right.group().split("-")[0]):
            return before, ""
        return before[:-1], ""
    if before[-1:] in "–—" and before[-2:-1].isalpha():
        return before, ""  # "mention–" + "mention"
    return before, " "


def join_rows(rows: list[Line], vocabulary: Vocabulary) -> tuple[str, list[dict]]:
    """The rows' text as one paragraph, with the raised markers as footnote_ref marks and
    italic and bold runs as em and strong marks (a run broken by a line end stays one)."""
    text = ""
    marks: list[dict] = []
    for row in rows:
        offset = 0
        if text:
            text, separator = glue(text, row.text, vocabulary)
            text += separator
        offset = len(text)
        text += row.text
        for start, end in row.supers:
            label = row.text[start:end].strip()
            if label and start > 0:
                marks.append(
                    {"type": "footnote_ref", "start": start + offset, "end": end + offset,
                     "target": label}
                )  # fmt: skip
        for start, end, style in row.styled:
            same = [m for m in marks if m["type"] == style and m["end"] >= offset + start - 1]
            if same and start == 0:
                same[-1]["end"] = offset + end
            else:
                marks.append({"type": style, "start": start + offset, "end": end + offset})
    return text, marks


def append(text: str, marks: list[dict], more: str, more_marks: list[dict], vocabulary: Vocabulary):
    """`text` continued by `more` (a paragraph going on in the next column or page)."""
    text, separator = glue(text, more, vocabulary)
    offset = len(text) + len(separator)
    shifted = [{**m, "start": m["start"] + offset, "end": m["end"] + offset} for m in more_marks]
    return text + separator + more, marks + shifted
