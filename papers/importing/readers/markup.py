"""Readers for plain text and Markdown: text in, raw blocks with hints out.

Blocks are what the source separates (blank lines, list markers, heading markup). Readers do not
guess structure: joining broken paragraphs, finding running headers, headings in unmarked text,
front matter and references are later, format-independent stages.
"""

import re

from ..document import Block
from ..inline import markdown_inline, strip_html
from ..textrules import is_closed, looks_like_heading
from . import pandoc

_BULLET = re.compile(
    r"^\s{0,3}(?P<marker>[-*+•‣◦▪–]|\(?(?P<num>\d{1,3}|[a-z])[.)])\s+(?P<rest>\S.*)$"
)
_ATX = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_FOOTNOTE_DEF = re.compile(r"^\[\^(?P<label>[^\]\s]{1,20})\]:\s*(?P<rest>.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
# Pandoc's attributes, `{#id .class key=value}`: at least one such token, so `{x}` and `{1,2}`
# are text. After a heading, an image, a link or a span; alone on a line after a block.
_ATTRS = r"\{\s*(?:(?:[#.][\w:.-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))\s*)+\}"
_HEADING_ATTRS = re.compile(r"\s+" + _ATTRS + r"\s*$")
_ATTRS_LINE = re.compile(r"^\s*" + _ATTRS + r"\s*$")
_SPAN = re.compile(r"(?<![!\]])\[([^\[\]\n]*)\]" + _ATTRS)
_INLINE_ATTRS = re.compile(r"(?<=[)\]`>])" + _ATTRS)
# A fenced div (Pandoc `::: {.note}` … `:::`); Stencila opens a figure's or a table's with a
# bare fence after a label line, "figure: Fig 1".
_DIV_FENCE = re.compile(r"^\s{0,3}:{3,}\s*(?P<attrs>\{[^}]*\}|[\w-]+)?\s*:*\s*$")
_DIV_LABEL = re.compile(r"^(?:figure|table):\s*(?P<label>\S.{0,40})$", re.IGNORECASE)


def read_text(text: str) -> list[Block]:
    """Plain text: blocks at blank lines and form feeds; lines with bullets are list items."""
    blocks: list[Block] = []
    list_id = 0
    for raw in _split_blank(text.replace("\f", "\n\n")):
        lines = raw.split("\n")
        if all(_BULLET.match(line) for line in lines if line.strip()) and _is_bullet_list(lines):
            list_id += 1
            for line in lines:
                match = _BULLET.match(line)
                if match:
                    blocks.append(_list_item(match.group("rest"), match, list_id, plain=True))
            continue
        blocks += [Block(text=_squash(part)) for part in _paragraph_lines(lines)]
    return blocks


def _paragraph_lines(lines: list[str]) -> list[str]:
    """A block, or its lines when each is a paragraph of its own. Text pasted from a word
    processor or a web page puts one paragraph on each line with no blank line between them;
    hard-wrapped text breaks lines inside sentences. So the lines are paragraphs when every one
    ends a sentence, the first one excepted when it reads as a heading (a title above them)."""
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2 or not all(is_closed(line) for line in lines[1:]):
        return ["\n".join(lines)]
    if not is_closed(lines[0]) and not looks_like_heading(lines[0].strip()):
        return ["\n".join(lines)]
    return lines


def _is_bullet_list(lines: list[str]) -> bool:
    # "1. Introduction" alone is a numbered heading, not a list.
    return len([line for line in lines if line.strip()]) > 1 or bool(
        re.match(r"^\s*[-*+•‣◦▪–]\s", lines[0])
    )


def read_markdown(text: str) -> list[Block]:
    """Markdown, CommonMark-ish, and also Markdown converted from PDF (no heading markup, page
    breaks as blank lines). Inline markup becomes plain text with marks."""
    # The front matter first: YAML may hold HTML (Manubot's `header-includes`), and removing
    # a comment from a YAML block scalar can leave it invalid.
    meta, text = pandoc.split_front_matter(text)
    lines = strip_html(text).replace("\f", "\n\n").split("\n")
    blocks = pandoc.metadata_blocks(meta) + _MarkdownBlocks(lines).read()
    references = pandoc.reference_blocks(meta)
    if references:
        # Citation keys link only where the front matter holds the references they name.
        for block in blocks:
            block.marks = block.marks + pandoc.cite_marks(block.text)
        blocks += references
    return blocks


class _MarkdownBlocks:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.blocks: list[Block] = []
        self.list_id = 0
        self.in_list = False
        self.list_ordered = False
        # Open fenced divs, innermost last: the label of a figure's or a table's, else "".
        self.divs: list[str] = []

    def read(self) -> list[Block]:
        lines = self.lines
        i = 0
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                self._paragraph(paragraph)
                paragraph.clear()

        while i < len(lines):
            line = lines[i]
            if not line.strip():
                flush()
                i += 1
                continue
            fence = _FENCE.match(line)
            if fence:
                flush()
                body, i = self._until_fence(i, fence.group(1))
                self._add(Block(text=_squash(body), kind="code"))
                continue
            fence_div = _DIV_FENCE.match(line)
            if fence_div:
                label = _DIV_LABEL.match(paragraph[0]) if len(paragraph) == 1 else None
                if label:
                    paragraph.clear()
                flush()
                self._div(fence_div.group("attrs"), label.group("label") if label else None)
                i += 1
                continue
            if _ATTRS_LINE.match(line) and not paragraph:
                i += 1  # `{#fig1}` after a div or a table: the block's id, not text
                continue
            atx = _ATX.match(line)
            if atx and not paragraph:
                title = _HEADING_ATTRS.sub("", atx.group("title") or "")
                if self.divs and self.divs[-1]:
                    # A heading inside a figure or a table is its caption, not a section.
                    caption = ". ".join(p for p in (self.divs[-1], title.strip()) if p)
                    self._add_inline(caption, kind="caption")
                else:
                    self._add_inline(title, kind="heading", level=len(atx.group("hashes")))
                i += 1
                continue
            if paragraph and _SETEXT.match(line) and len(paragraph) == 1:
                level = 1 if line.strip().startswith("=") else 2
                self._add_inline(paragraph[0], kind="heading", level=level)
                paragraph.clear()
                i += 1
                continue
            if _HR.match(line) and not paragraph:
                self.in_list = False
                i += 1
                continue
            footnote = _FOOTNOTE_DEF.match(line)
            if footnote:
                flush()
                body = [footnote.group("rest")]
                i += 1
                while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                    body.append(lines[i])
                    i += 1
                self._add_inline(" ".join(body), kind="footnote", label=footnote.group("label"))
                continue
            if _QUOTE.match(line) and not paragraph:
                body = []
                while i < len(lines) and _QUOTE.match(lines[i]):
                    body.append(_QUOTE.sub("", lines[i], count=1))
                    i += 1
                self._add_inline(" ".join(body), kind="quote")
                continue
            if (
                line.lstrip().startswith("|")
                and i + 1 < len(lines)
                and _TABLE_RULE.match(lines[i + 1])
            ):
                flush()
                i = self._table(i)
                continue
            bullet = _BULLET.match(line)
            if bullet and (not paragraph or bullet.group("num") in (None, "1")):
                flush()
                i = self._list_item(i, bullet)
                continue
            paragraph.append(line)
            i += 1
        flush()
        return self.blocks

    def _add(self, block: Block) -> None:
        if block.kind != "list_item":
            self.in_list = False
        self.blocks.append(block)

    def _div(self, attrs: str | None, label: str | None) -> None:
        """A fence opens a div when it has attributes or a label, or when none is open; a
        bare fence closes the innermost open one."""
        if label is not None:
            self.divs.append(label)
        elif attrs or not self.divs:
            self.divs.append("")
        else:
            self.divs.pop()

    def _add_inline(self, source: str, **hints) -> None:
        if hints.get("kind") == "paragraph" and self.divs and self.divs[-1]:
            hints["kind"] = "caption"  # a figure's legend, a table's notes
        text, marks = _inline(source)
        if text:
            self._add(
                Block(text=text, marks=marks, explicit=hints.get("kind") != "paragraph", **hints)
            )

    def _paragraph(self, lines: list[str]) -> None:
        self._add_inline("\n".join(lines), kind="paragraph")

    def _until_fence(self, i: int, fence: str) -> tuple[str, int]:
        body = []
        i += 1
        while i < len(self.lines) and not self.lines[i].lstrip().startswith(fence):
            body.append(self.lines[i])
            i += 1
        return "\n".join(body), i + 1

    def _table(self, i: int) -> int:
        rows = []
        while i < len(self.lines) and self.lines[i].lstrip().startswith("|"):
            if not _TABLE_RULE.match(self.lines[i]):
                cells = [cell.strip() for cell in self.lines[i].strip().strip("|").split("|")]
                rows.append(" | ".join(cells))
            i += 1
        self._add_inline("\n".join(rows), kind="table")
        return i

    def _list_item(self, i: int, bullet: re.Match) -> int:
        ordered = bullet.group("num") is not None
        if not self.in_list or ordered != self.list_ordered:
            self.list_id += 1
        self.list_ordered = ordered
        body = [bullet.group("rest")]
        i += 1
        # Continuation lines: indented, or lazy (not blank and not a new block).
        while i < len(self.lines) and self.lines[i].strip() and not _starts_block(self.lines[i]):
            body.append(self.lines[i])
            i += 1
        text, marks = _inline("\n".join(body))
        if text:
            block = _list_item(text, bullet, self.list_id)
            block.marks = marks
            self.blocks.append(block)
        self.in_list = True
        # A blank line between items keeps the list open; anything else closes it (in _add).
        return i


def _inline(source: str) -> tuple[str, list[dict]]:
    """Inline Markdown to text and marks, Pandoc's attributes (`{.class}`) left out."""
    if "{" in source:
        source = _INLINE_ATTRS.sub("", _SPAN.sub(r"\1", source))
    return markdown_inline(source)


def _list_item(text: str, bullet: re.Match, list_id: int, plain: bool = False) -> Block:
    number = bullet.group("num")
    return Block(
        text=_squash(text) if plain else text,
        kind="list_item",
        list_id=list_id,
        ordered=number is not None,
        label=number or "",
        explicit=True,
    )


def _starts_block(line: str) -> bool:
    return bool(
        _BULLET.match(line)
        or _ATX.match(line)
        or _FENCE.match(line)
        or _FOOTNOTE_DEF.match(line)
        or _QUOTE.match(line)
    )


_BLANK = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s+")


def _split_blank(text: str) -> list[str]:
    return [part for part in _BLANK.split(text) if part.strip()]


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
