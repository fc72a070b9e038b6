"""Cleanup: undo what pages did to the text.

- page numbers and running headers/footers are dropped;
- a paragraph broken by a page break is joined again: a body block that ends without closing
  punctuation continues in the next body block, even when that block starts with a capital
  letter, and even across a dropped running header, a footnote that sat at the page's foot or
  a caption; a word hyphenated there is joined or keeps its hyphen as the document's own words
  decide (hyphens.py).

Joining stops at the reference list, whose entries are assembled by the structure stage with
rules of their own. Explicit paragraphs (a DOCX paragraph: the format states its bounds) are
never joined or dropped.
"""

import re
from collections import Counter

from .document import Block
from .hyphens import BROKEN, TOKEN, Vocabulary
from .references import entry_label, reads_as_reference
from .textrules import (
    FRONT_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    is_closed,
    leading_superscript,
    looks_like_heading,
    norm_key,
)

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_MAX_HEADER = 120  # running headers are short
_MIN_OPEN_BODY = 80  # a shorter open block is a heading or a label, not half a paragraph


def cleanup(blocks: list[Block]) -> list[Block]:
    blocks = drop_page_furniture(blocks)
    return join_broken_paragraphs(blocks)


def drop_page_furniture(blocks: list[Block]) -> list[Block]:
    """Drop page numbers, and short unmarked blocks repeated across pages (running headers)."""
    counts = Counter(_header_key(b) for b in blocks if _header_candidate(b))
    title = norm_key(blocks[0].text) if blocks else ""
    kept = []
    for block in blocks:
        if block.kind == "paragraph" and not block.explicit and _PAGE_NUMBER.match(block.text):
            continue
        if _header_candidate(block):
            key = _header_key(block)
            repeated = counts[key] >= 3 or (
                counts[key] == 2 and (block.text.endswith(("...", "…")) or title.startswith(key))
            )
            if repeated and key:
                continue
        kept.append(block)
    return kept


def _header_candidate(block: Block) -> bool:
    return block.kind == "paragraph" and not block.explicit and len(block.text) <= _MAX_HEADER


_EDGE_NUMBER = re.compile(r"^\W*\d+\W*|\W*\d+\W*$")


def _header_key(block: Block) -> str:
    # A header's page number ("12 | Journal of X", "Journal of X 13") differs from page to
    # page; numbers inside the text do not ("[1] Author1 … 2001" stays itself).
    return norm_key(_EDGE_NUMBER.sub(" ", block.text))


def join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    open_block: Block | None = None  # the body block still waiting for its end
    in_references = False
    vocabulary: Vocabulary | None = None  # the document's words, read at the first hyphen
    front = _front_matter_end(blocks)
    out.extend(blocks[:front])  # title, authors, affiliations: lines that end open by nature
    for block in blocks[front:]:
        if block.kind == "heading" or _is_reference_heading(block):
            in_references = heading_name(block.text) in REFERENCE_HEADINGS
            open_block = None
            out.append(block)
            continue
        if in_references:
            out.append(block)
            continue
        if block.kind in ("footnote", "caption") or (
            block.kind == "paragraph" and leading_superscript(block.text)
        ):
            # A footnote at the foot of a page, or a figure's caption set where the figure
            # floated to (inside a sentence, in reading order): the paragraph goes on after it.
            out.append(block)
            continue
        if block.kind != "paragraph" or block.explicit:
            open_block = None
            out.append(block)
            continue
        if open_block is not None and not looks_like_heading(block.text) and not _list_start(block):
            if vocabulary is None and open_block.text.endswith("-"):
                vocabulary = _vocabulary(blocks)
            _join(open_block, block, vocabulary)
        else:
            out.append(block)
            open_block = block
        if is_closed(open_block.text) or len(open_block.text) < _MIN_OPEN_BODY:
            open_block = None
    return out


def _front_matter_end(blocks: list[Block]) -> int:
    """Where the front matter ends: at the abstract, or at the first marked-up heading after
    the title. 0 when neither is found."""
    for i, block in enumerate(blocks):
        if heading_name(block.text) in FRONT_HEADINGS or (i > 0 and block.kind == "heading"):
            return i
    return 0


def _is_reference_heading(block: Block) -> bool:
    return block.kind == "paragraph" and heading_name(block.text) in REFERENCE_HEADINGS


def _list_start(block: Block) -> bool:
    """The first entry of a numbered reference list printed without a heading: not the rest
    of the paragraph before it."""
    return entry_label(block.text) == 1 and reads_as_reference(block.text)


def _vocabulary(blocks: list[Block]) -> Vocabulary:
    """The words of the document, leaving out what may be half of a word broken at a block's
    end: a block's last word before a hyphen, and a first word in lower case."""
    texts = []
    for block in blocks:
        text = block.text
        if text.endswith("-"):
            text = text[: text.rfind(" ") + 1]
        if text[:1].islower():
            text = text[text.find(" ") + 1 :] if " " in text else ""
        texts.append(text)
    vocabulary = Vocabulary()
    vocabulary.add_text("\n".join(texts))
    return vocabulary


def _join(first: Block, second: Block, vocabulary: Vocabulary | None) -> None:
    # A word hyphenated at the page's end: "secu-" + "rity" joins, "self-" + "centered" keeps
    # its hyphen, as the document's own words decide (hyphens.py).
    glue = " "
    broken = BROKEN.search(first.text[-40:]) if first.text.endswith("-") else None
    right = TOKEN.match(second.text)
    if broken and right and vocabulary is not None:
        glue = ""
        if not vocabulary.keeps_hyphen(broken.group(1), right.group().split("-")[0]):
            first.text = first.text[:-1]
            size = len(first.text)
            first.marks = [
                {**m, "end": min(m["end"], size)} for m in first.marks if m["start"] < size
            ]
    offset = len(first.text) + len(glue)
    first.text = first.text + glue + second.text
    first.marks = first.marks + [
        {**mark, "start": mark["start"] + offset, "end": mark["end"] + offset}
        for mark in second.marks
    ]
