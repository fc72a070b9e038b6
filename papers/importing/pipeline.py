"""Runs the stages in order. Each stage is a plain function over plain data."""

from .document import ImportFailed, ParsedPaper

FORMATS = ("text", "markdown")


def parse_document(data: bytes, *, filename: str = "", fmt: str | None = None) -> ParsedPaper:
    raise ImportFailed("not implemented yet")
