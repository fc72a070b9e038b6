"""Runs the stages in order. Each stage is a plain function over plain data."""

import re

from .citations import find_citations
from .cleanup import cleanup
from .decode import decode_text
from .document import ImportFailed, ParsedPaper
from .readers import read_markdown, read_text
from .structure import build_structure

READERS = {"text": read_text, "markdown": read_markdown}
FORMATS = tuple(READERS)
_MARKDOWN_NAMES = (".md", ".markdown", ".mdown", ".mkd")
_MARKDOWN_HINT = re.compile(
    r"^(?:#{1,6}\s|\s{0,3}[-*+]\s|\[\^?[^\]]+\]:)|\*\*\S|\]\(https?://|<https?://|\\[$*_#]",
    re.MULTILINE,
)


def parse_document(data: bytes, *, filename: str = "", fmt: str | None = None) -> ParsedPaper:
    """Bytes to a ParsedPaper, or ImportFailed with a one-line reason."""
    if fmt and fmt not in READERS:
        raise ImportFailed(f"Unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    text = decode_text(data)
    fmt = fmt or detect_format(text, filename)
    blocks = cleanup(READERS[fmt](text))
    paper = build_structure(blocks, fmt)
    if not any(p.kind in ("body", "abstract", "list_item", "quote") for p in paper.paragraphs):
        raise ImportFailed("No paragraphs found: the text has nothing that reads as a paper.")
    paper.citations = find_citations(paper.paragraphs, paper.references)
    return paper


def detect_format(text: str, filename: str = "") -> str:
    """Markdown by its file name or by markup in the text; plain text otherwise."""
    if filename.lower().endswith(_MARKDOWN_NAMES):
        return "markdown"
    sample = text[:65536]
    return "markdown" if len(_MARKDOWN_HINT.findall(sample)) >= 3 else "text"
