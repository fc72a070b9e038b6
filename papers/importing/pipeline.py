"""Runs the stages in order. Each stage is a plain function over plain data."""

from importlib import import_module

from .citations import find_citations
from .cleanup import cleanup
from .decode import decode_text
from .detect import NAMES, detect_format
from .document import Block, ImportFailed, ParsedPaper
from .structure import build_structure

# format -> "module:function" under papers.importing.readers. Text formats get decoded text;
# the others read bytes themselves (their encodings live inside the file).
READERS = {
    "text": "markup:read_text",
    "markdown": "markup:read_markdown",
    "html": "html:read_html",
    "jats": "jats:read_jats",
    "docx": "docx:read_docx",
    "pdf": "pdf:read_pdf",
}
TEXT_FORMATS = ("text", "markdown")
FORMATS = tuple(READERS)


def parse_document(data: bytes, *, filename: str = "", fmt: str | None = None) -> ParsedPaper:
    """Bytes to a ParsedPaper, or ImportFailed with a one-line reason."""
    if not data or not data.strip():
        raise ImportFailed("The file is empty.")
    fmt = detect_format(data, filename, fmt)
    blocks = read_blocks(data, fmt)
    paper = build_structure(cleanup(blocks), fmt)
    if not any(p.kind in ("body", "abstract", "list_item", "quote") for p in paper.paragraphs):
        raise ImportFailed("No paragraphs found: the text has nothing that reads as a paper.")
    paper.citations = find_citations(paper.paragraphs, paper.references)
    return paper


def read_blocks(data: bytes, fmt: str) -> list[Block]:
    module_name, function = READERS[fmt].split(":")
    try:
        module = import_module(f"{__package__}.readers.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(f"readers.{module_name}"):
            raise ImportFailed(f"{NAMES[fmt]} import is not available yet.") from None
        raise
    reader = getattr(module, function)
    return reader(decode_text(data)) if fmt in TEXT_FORMATS else reader(data)
