"""Text with marks, assembled from the pieces of an element tree (HTML and JATS readers).

Markup spreads one paragraph over many text nodes and puts line breaks and indentation wherever
the author's editor liked. `InlineText` collapses white space the way a browser does (runs become
one space, none at either end) while it appends, so mark offsets are code points of the final
text and no second pass over the text is needed: cost stays linear in the input.
"""

import re
import unicodedata

# White space as HTML and XML define it; a no-break space is text and stays.
_SPACE = re.compile(r"[ \t\n\r\f\v]+")


class InlineText:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self._space = False  # white space seen and owed before the next visible text
        self._marks: list[dict] = []
        self._ends: dict[str, int] = {}  # where the last mark of each type closed
        self._blank = False  # the text so far ends in white space (a literal "\n")

    def add(self, text: str | None) -> None:
        """Source text: white space collapses, NFC like the rest of the pipeline."""
        if not text:
            return
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _SPACE.sub(" ", text)
        if text[0] == " ":
            self._space = True
            text = text[1:]
        if not text:
            return
        trailing = text[-1] == " "
        if trailing:
            text = text[:-1]
        self._flush_space()
        self._emit(text)
        self._space = trailing

    def literal(self, text: str) -> None:
        """Text we insert ourselves (table cell separators): kept as is, owed space dropped."""
        self._space = False
        self._emit(text)

    def boundary(self) -> None:
        """A block edge inside flattened content (`<p>` in a list item): a space, at most."""
        self._space = True

    def open(self, kind: str, **attrs) -> dict:
        """Start a mark here; `close` it when its element ends."""
        self._flush_space()
        mark = {"type": kind, "start": self.length, "end": self.length, **attrs}
        self._marks.append(mark)
        return mark

    def close(self, mark: dict) -> None:
        mark["end"] = self.length
        self._ends[mark["type"]] = self.length

    def ends_mark(self, kind: str) -> bool:
        """Whether a `kind` mark ends exactly here, with nothing (not even a space) after it."""
        return not self._space and self.length > 0 and self._ends.get(kind) == self.length

    def result(self) -> tuple[str, list[dict]]:
        text = "".join(self._parts)
        stripped = text.rstrip()
        marks = []
        for mark in self._marks:
            start, end = mark["start"], min(mark["end"], len(stripped))
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
            if start < end:
                marks.append({**mark, "start": start, "end": end})
        return stripped, marks

    def _flush_space(self) -> None:
        if self._space and self.length and not self._blank:
            self._emit(" ")
        self._space = False

    def _emit(self, text: str) -> None:
        if not text:
            return
        self._parts.append(text)
        self.length += len(text)
        self._blank = text[-1].isspace()


# A citation marked over its year only ("Stotsky (<xref>1996</xref>)") is widened to what a
# reader sees as the citation: the name before it and the closing parenthesis.
_YEAR_ONLY = re.compile(r"^(?:1[6-9]\d\d|20\d\d)[a-z]?$")
_NAME = r"[A-Z][\w'’-]+(?:\s+(?:et\s+al\.?|(?:and|&)\s+[A-Z][\w'’-]+))?"
_NARRATIVE_BEFORE = re.compile(rf"({_NAME})\s+\(\s*$")
_PAREN_BEFORE = re.compile(rf"(?:^|[(;]\s*)({_NAME}),?\s+$")


def widen_year_citations(text: str, marks: list[dict]) -> None:
    for mark in marks:
        if mark["type"] != "cite":
            continue
        while mark["end"] - mark["start"] > 1 and text[mark["start"]] in ",;: ":
            mark["start"] += 1  # "( <xref>, 2018</xref>)": the comma is not the citation
        if not _YEAR_ONLY.match(text[mark["start"] : mark["end"]]):
            continue
        before = text[max(0, mark["start"] - 80) : mark["start"]]
        narrative = _NARRATIVE_BEFORE.search(before)
        if narrative:
            mark["start"] -= len(before) - narrative.start(1)
            if text[mark["end"] : mark["end"] + 1] == ")":
                mark["end"] += 1
            continue
        parenthetical = _PAREN_BEFORE.search(before)
        if parenthetical:
            mark["start"] -= len(before) - parenthetical.start(1)


def clean_label(label: str) -> str:
    """'1.' -> '1', '[2]' -> '2', '(a)' -> 'a': a footnote's or entry's label as cited."""
    return label.strip().strip("[]().:").strip()


def initials(given: str) -> str:
    """'Marisa' -> 'M', 'J. R.' -> 'JR', 'DG' -> 'DG' (already initials), 'Jean-Paul' -> 'JP'."""
    parts = [p for p in re.split(r"[\s.\-‐]+", given) if p]
    out = []
    for part in parts:
        if part.isupper() and len(part) <= 3:
            out.append(part)
        else:
            out.append(part[0].upper())
    return "".join(out)


def entry_text(
    names: list[str],
    *,
    year: str = "",
    title: str = "",
    container: str = "",
    details: str = "",
    doi: str = "",
    url: str = "",
    etal: bool = False,
) -> str:
    """A reference entry printed from structured fields, Vancouver-like:
    'Stotsky J (1996). Gender bias in tax systems. IMF Working Paper 96/99. https://doi.org/…'."""
    head = ", ".join(names) + (", et al." if etal and names else "")
    if year:
        head = f"{head} ({year})" if head else f"({year})"
    pieces = [head] if head else []
    for piece in (title, " ".join(p for p in (container, details) if p)):
        if piece:
            pieces.append(piece)
    text = " ".join(_closed(p) for p in pieces)
    if doi:
        text += f" https://doi.org/{doi}"
    elif url:
        text += f" {url}"
    return text.strip()


def _closed(piece: str) -> str:
    piece = piece.strip()
    return piece if piece.endswith((".", "?", "!")) else piece + "."


class InlineWalker:
    """What the HTML and JATS walkers share: a mixed-content element's text and children, in
    order, appended to one run (each walker says in `inline` what its own elements mean)."""

    def inline_children(self, el, run: InlineText, depth: int) -> None:
        run.add(el.text)
        for child in el:
            self.inline(child, run, depth + 1)
            run.add(child.tail)

    def inline(self, el, run: InlineText, depth: int) -> None:
        raise NotImplementedError
