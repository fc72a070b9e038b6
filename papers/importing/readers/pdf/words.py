"""Lines back into running text: spaces, hyphens at line ends, URLs broken over lines, and the
raised footnote markers as `footnote_ref` marks.

A hyphen at a line's end is either the typesetter's ("secu-" + "rity") or the author's
("self-" + "centered"). The document's own vocabulary decides: if it prints "security" elsewhere
the hyphen goes; if it prints "self-centered" (or other "self-" compounds) the hyphen stays; with
no evidence either way, two halves that are both words the document uses ("linear-chain") keep
it, anything else ("begin-ning") is joined.
"""

import re
from collections import Counter

from .extract import Line

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_BROKEN = re.compile(r"([^\W\d_]+)-$")
_URL_END = re.compile(r"(?:https?:|ftp:|www\.)\S*$|\S*://\S*$")


class Vocabulary:
    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()  # "self-centered" printed inside a line
        self.prefixes: Counter[str] = Counter()  # "self" of those compounds

    def add(self, rows: list[Line]) -> None:
        """Count the words of `rows` (in reading order), leaving out the halves of words broken
        at line ends: they are what the vocabulary must judge."""
        carry = False
        for row in rows:
            text = row.text
            tokens = list(_TOKEN.finditer(text))
            if carry and tokens and tokens[0].start() == 0:
                tokens = tokens[1:]
            carry = text.endswith("-") and bool(_BROKEN.search(text[-40:]))
            if carry and tokens and tokens[-1].end() == len(text) - 1:
                tokens = tokens[:-1]
            for token in tokens:
                word = token.group().lower()
                if "-" in word:
                    self.compounds[word] += 1
                    self.prefixes[word.split("-", 1)[0]] += 1
                    for part in word.split("-"):
                        self.words[part] += 1
                else:
                    self.words[word] += 1

    def keeps_hyphen(self, left: str, right: str) -> bool:
        if not right[:1].islower():
            return True  # "COVID-" + "19", "non-" + "English", "Valenzuela-" + "Escarcega"
        joined, hyphened = (left + right).lower(), f"{left}-{right}".lower()
        as_one, as_two = self.words[joined], self.compounds[hyphened]
        if as_one or as_two:
            return as_two > as_one
        if self.prefixes[left.lower()]:
            return True
        return (
            len(left) >= 4
            and len(right) >= 4
            and self.words[left.lower()] > 0
            and self.words[right.lower()] > 0
        )


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
    broken = _BROKEN.search(before[-40:]) if before.endswith("-") else None
    if broken:
        right = _TOKEN.match(after)
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
