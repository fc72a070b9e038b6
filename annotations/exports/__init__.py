"""Exports: one module per format, each a generator of text chunks, so that the API and the
`export_paper` command stream the same bytes with flat memory."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import native


@dataclass(frozen=True)
class ExportFormat:
    name: str
    content_type: str
    extension: str
    paper: Callable[..., Iterator[str]]


FORMATS = {
    "json": ExportFormat("json", "application/json", "json", native.paper_chunks),
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(
            f"Unknown export format {name!r}; choose one of: {', '.join(FORMATS)}."
        ) from None
