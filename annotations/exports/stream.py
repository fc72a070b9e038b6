"""JSON text as a stream, for the JSON formats (native, jsonld, aif): every value dumped alike,
and a list's lines joined a batch of rows per chunk: few enough that the first bytes leave
early, enough that a streaming response is not written a line at a time."""

import json
from collections.abc import Iterable, Iterator

ROWS_PER_CHUNK = 200


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def items(values: Iterable) -> Iterator[str]:
    """Each value as an item of a JSON list (its brackets are the caller's), a line each."""
    first = True
    for value in values:
        yield ("\n" if first else ",\n") + dump(value)
        first = False


def chunks(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces joined ROWS_PER_CHUNK to a chunk; the last chunk has what is left."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= ROWS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
