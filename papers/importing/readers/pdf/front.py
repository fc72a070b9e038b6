"""The first page's front matter: title, authors, affiliations.

The title is the block set in the largest type near the top of page 1 (the PDF's metadata is
only a fallback: it often names the template, the journal or nothing). Between the title and the
abstract (or the first heading), a line that reads as a list of personal names gives authors;
anything else there (affiliations, e-mail addresses, dates) is front matter.
"""

import re

from .blocks import PBlock
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


def names(row: Line) -> list[str]:
    """The personal names a line lists ("A. Smith, Jian Wu and Kyle Lo"), or [] when any part
    of it is not a name."""
    if row.italic > 0.8:
        return []  # affiliations are set in italics; names rarely are
    text = row.text
    for start, end in reversed(row.supers):
        text = text[:start] + " " + text[end:]  # affiliation and footnote marks
    text = re.sub(r"[*†‡§¶✉]", " ", text).strip(" ,;")
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
