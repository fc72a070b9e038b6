"""Exports: one module per format, each a generator of text chunks, so that the API and the
`export_paper` command stream the same bytes with flat memory (docs/exports.md).

Every format reads its rows from `rows` (the one place that scopes them to a user) and offers
`paper(paper, *, user=None)` and `group(group, *, user=None)`; `user=None` means everything,
held items marked (the command), a user what they may see.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import aif, jsonld, native, tabular


@dataclass(frozen=True)
class ExportFormat:
    name: str
    content_type: str
    # The file name's ending, without the dot: `<name>.<extension>`.
    extension: str
    paper: Callable[..., Iterator[str]]
    group: Callable[..., Iterator[str]]


FORMATS = {
    "json": ExportFormat(
        "json", "application/json", "json", native.paper_chunks, native.group_chunks
    ),
    "jsonld": ExportFormat(
        "jsonld", "application/ld+json", "jsonld", jsonld.paper_chunks, jsonld.group_chunks
    ),
    "csv": ExportFormat(
        "csv", "text/csv; charset=utf-8", "csv", tabular.paper_chunks, tabular.group_chunks
    ),
    # AIF is JSON; ".aif.json" says both what it holds and how to open it.
    "aif": ExportFormat("aif", "application/json", "aif.json", aif.paper_chunks, aif.group_chunks),
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(
            f"Unknown export format {name!r}; choose one of: {', '.join(FORMATS)}."
        ) from None
