"""Readers for plain text and Markdown: text in, raw blocks with hints out.

Blocks are what the source separates (blank lines, list markers, heading markup). Readers do not
guess structure: joining broken paragraphs, finding running headers, headings in unmarked text,
front matter and references are later, format-independent stages.
"""

import re

from ..document import Block
from ..inline import markdown_inline, strip_html
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
        blocks.append(Block(text=_squash(raw)))
    return blocks


def _is_bullet_list(lines: list[str]) -> bool:
    # "1. Introduction" alone is a numbered heading, not a list.
    return len([line for line in lines if line.strip()]) > 1 or bool(
        re.match(r"^\s*[-*+•‣◦▪–]\s", lines[0])
    )


def read_markdown(text: str) -> list[Block]:
    """Markdown, CommonMark-ish, and also Markdown converted from PDF (no heading markup, page
    breaks as blank lines). Inline markup becomes plain text with marks."""
    text = strip_html(text)
    lines = text.replace("\f", "\n\n").split("\n")
    meta, lines = pandoc.split_front_matter(lines)
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
            atx = _ATX.match(line)
            if atx and not paragraph:
                title = atx.group("title") or ""
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

    def _add_inline(self, source: str, **hints) -> None:
        text, marks = markdown_inline(source)
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
        text, marks = markdown_inline("\n".join(body))
        if text:
            block = _list_item(text, bullet, self.list_id)
            block.marks = marks
            self.blocks.append(block)
        self.in_list = True
        # A blank line between items keeps the list open; anything else closes it (in _add).
        return i


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
