"""Runs the stages in order. Each stage is a plain function over plain data."""

import inspect
from collections.abc import Callable
from importlib import import_module

from .banners import drop_banners
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

# A progress callback takes the fraction done, 0.0 to 1.0. Of a whole import, reading is 0-70%,
# the later stages 70-95%, and saving (papers.services) the rest.
Progress = Callable[[float], None]
READ_SHARE = 0.70
STAGES_DONE = 0.95


def parse_document(
    data: bytes, *, filename: str = "", fmt: str | None = None, progress: Progress | None = None
) -> ParsedPaper:
    """Bytes to a ParsedPaper, or ImportFailed with a one-line reason.

    `progress`, when given, is called with the fraction done each time it grows, up to 0.95.
    """
    progress = _scaled(progress, 0.0, 1.0)  # only forward, whatever a reader reports
    report = progress or _ignore
    if not data or not data.strip():
        raise ImportFailed("The file is empty.")
    fmt = detect_format(data, filename, fmt)
    blocks = read_blocks(data, fmt, progress=_scaled(progress, 0.0, READ_SHARE))
    report(READ_SHARE)
    blocks = cleanup(drop_banners(blocks))  # banners first: cleanup would join them on
    report(0.75)
    paper = build_structure(blocks, fmt)
    if not any(p.kind in ("body", "abstract", "list_item", "quote") for p in paper.paragraphs):
        raise ImportFailed("No paragraphs found: the text has nothing that reads as a paper.")
    report(0.85)
    paper.citations = find_citations(paper.paragraphs, paper.references)
    report(STAGES_DONE)
    return paper


def read_blocks(data: bytes, fmt: str, *, progress: Progress | None = None) -> list[Block]:
    module_name, function = READERS[fmt].split(":")
    try:
        module = import_module(f"{__package__}.readers.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(f"readers.{module_name}"):
            raise ImportFailed(
                f"This installation cannot read {NAMES[fmt]} files (its reader is missing)."
            ) from None
        raise
    reader = getattr(module, function)
    source = decode_text(data) if fmt in TEXT_FORMATS else data
    if progress is not None and _takes_progress(reader):
        return reader(source, progress=progress)
    return reader(source)


def _takes_progress(reader: Callable) -> bool:
    """Whether the reader reports its own progress (a `progress` keyword, or **kwargs)."""
    try:
        parameters = inspect.signature(reader).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == "progress" and p.kind is not p.POSITIONAL_ONLY) or p.kind is p.VAR_KEYWORD
        for p in parameters
    )


def _scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    """A callback for one stage: its 0..1 mapped onto start..end of the whole, never going back."""
    if progress is None:
        return None
    done = start

    def report(fraction: float) -> None:
        nonlocal done
        value = start + (end - start) * min(max(float(fraction), 0.0), 1.0)
        if value > done:
            done = value
            progress(value)

    return report


def _ignore(fraction: float) -> None:
    pass
