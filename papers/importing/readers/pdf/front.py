"""The first page's front matter: title, authors, affiliations.

The title is the block set in the largest type near the top of page 1, with the blocks in the
same type right under it (a title set loose over several lines is one title). The PDF's metadata
is only a fallback, and never when it names a program or a file ("Microsoft Word - paper3.doc",
"untitled", "main.dvi", "LaTeX with hyperref"): then the title is the heading at the top of
page 1, even in the body's size (a Word manuscript). Between the title and the abstract (or the
first heading), a line that reads as a list of personal names gives authors, also when the
names stand side by side in cells with their marks ("Jane Doe†   John Roe∗1"); anything else
there (affiliations, e-mail addresses, dates) is front matter.
"""

import re

from ...textrules import (
    BACK_HEADINGS,
    FRONT_HEADINGS,
    NOTE_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    norm_key,
)
from .blocks import SECTION_NUMBER, PBlock, row_cells
from .extract import Line

_PARTICLES = frozenset(
    "van von de der den da di du del della le la dos das bin ibn al el ter ten".split()
)
_NOT_A_NAME = re.compile(
    r"\b(?:universit\w*|institut\w*|department|dept|college|school|faculty|laborator\w*|lab|"
    r"cent(?:er|re)|hospital|foundation|research|inc|ltd|corporation|abstract|keywords?|"
    r"journal|proceedings|volume|vol|press|introduction)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:,\s*and\s+|,|;|&|\band\b)\s*")
_MARKS = re.compile(r"[*∗⋆†‡§¶‖✉]|(?<=[^\W\d_])\d{1,2}(?:,\d{1,2})*\b")
_NAMED = FRONT_HEADINGS | REFERENCE_HEADINGS | BACK_HEADINGS | NOTE_HEADINGS
# What a producer writes when nobody set a title: the file, the program, a placeholder.
_MACHINE_TITLE = re.compile(
    r"^(?:microsoft\s+\w+\s*-|untitled\b|document\s*\d*$|title$|slide\s*\d*$|"
    r"(?:pdf)?latex\b|pdftex\b|paper\s*\d*$|manuscript\s*\d*$|draft\s*\d*$)"
    r"|\.(?:docx?|dvi|pdf|tex|rtf|odt|ps|eps|indd|qxd|wpd|pages|txt|html?)\b"
    r"|\bwith hyperref\b|[\\/]\S*$",
    re.IGNORECASE,
)


def find_title(blocks: list[PBlock]) -> int | None:
    """Index of the title among page 1's blocks: the first block in the largest type, if that
    type is larger than the body's and it comes early."""
    candidates = [
        b
        for b in blocks[:12]
        if b.kind in ("heading", "paragraph") and len(b.rows) <= 4 and len(b.text.split()) >= 2
    ]
    if not candidates:
        return None
    largest = max(b.size for b in candidates)
    body = min((b.size for b in blocks if b.kind == "paragraph"), default=largest)
    if largest <= body:
        return None
    for i, block in enumerate(blocks[:12]):
        if block in candidates and block.size == largest:
            return i
    return None


def title_end(blocks: list[PBlock], index: int) -> int:
    """Where the title that starts at `index` ends: it takes the next blocks in its type (size
    and weight), close under it, up to six lines, unless a line closes a sentence."""
    first = blocks[index]
    bold = first.rows[0].bold >= 0.85
    rows = len(first.rows)
    end = index + 1
    while end < len(blocks):
        block, previous = blocks[end], blocks[end - 1]
        if (
            block.kind not in ("heading", "paragraph")
            or abs(block.size - first.size) > 0.6
            or (block.rows[0].bold >= 0.85) != bold
            or previous.rows[-1].y - block.rows[0].y > 2.5 * first.size
            or previous.text.rstrip().endswith(".")
            or rows + len(block.rows) > 6
            or heading_name(block.text) in _NAMED
        ):
            break
        rows += len(block.rows)
        end += 1
    return end


def trusted_title(value: str) -> str:
    """The metadata title, or "" when it names a program, a file or a placeholder."""
    value = " ".join(value.split())
    if not value or _MACHINE_TITLE.search(value) or not re.search(r"[^\W\d_]{2}", value):
        return ""
    return value


def page_title(blocks: list[PBlock], metadata_title: str) -> int | None:
    """The title on page 1 when no type is larger than the body's: the block that says what
    the trusted metadata says, or, without one, a heading at the very top of the page."""
    if metadata_title:
        key = norm_key(metadata_title)
        for i, block in enumerate(blocks[:12]):
            if norm_key(block.text) == key:
                return i
        return None
    if blocks:
        top = blocks[0]
        words = len(top.text.split())
        if (
            top.kind == "heading"
            and len(top.rows) <= 4
            and 2 <= words <= 30
            and heading_name(top.text) not in _NAMED
            and not SECTION_NUMBER.match(top.text)
        ):
            return 0
    return None


def names(row: Line) -> list[str]:
    """The personal names a line lists ("A. Smith, Jian Wu and Kyle Lo", or names set side by
    side in cells), or [] when any part of it is not a name."""
    if row.italic > 0.8:
        return []  # affiliations are set in italics; names rarely are
    if row.cells > 1:
        found = []
        for cell in row_cells(row, raised=False):
            listed = _listed_names(cell)
            if not listed:
                return []
            found += listed
        return found
    text = row.text
    for start, end in reversed(row.supers):
        text = text[:start] + " " + text[end:]  # affiliation and footnote marks
    return _listed_names(text)


def _listed_names(text: str) -> list[str]:
    text = _MARKS.sub(" ", text).strip(" ,;")
    found = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if found and all(_is_name(part) and not _NOT_A_NAME.search(part) for part in found):
        return found
    return []


def metadata_names(value: str) -> list[str]:
    """The authors a PDF's metadata names ("A. Smith; Jian Wu"), or [] unless all are names."""
    found = [part.strip() for part in _SEPARATORS.split(value) if part.strip()]
    return found if found and all(_is_name(part) for part in found) else []


def _is_name(part: str) -> bool:
    tokens = part.split()
    if not 2 <= len(tokens) <= 5 or any(ch.isdigit() or ch in "@/:()" for ch in part):
        return False
    if not (tokens[0][:1].isupper() and tokens[-1][:1].isupper()):
        return False
    for token in tokens:
        if token.lower() in _PARTICLES:
            continue
        if not token[:1].isupper() or not all(ch.isalpha() or ch in ".-'’" for ch in token):
            return False
    return True
