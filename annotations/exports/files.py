"""Export files: a format's text chunks (annotations.exports) turned into the bytes the API sends
and the export commands write, and the file's name.

The API (annotations.api_exports) and the `export_paper`/`export_group` commands both go
through `export_bytes`, so that they give the same bytes for the same chunks.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import BinaryIO, TextIO
from urllib.parse import quote

from django.db import connection, transaction
from django.utils.text import slugify

from papers.models import Paper, ReadingGroup

# Formats yield a chunk per row (a few hundred bytes): sending each alone would cost a WSGI
# write (and a system call) per row. The first chunk goes at once, so the first byte leaves
# before any row is read; the rest in writes of about this many characters.
WRITE_SIZE = 64 * 1024

# A file name's readable part, before its id: long titles are cut here.
NAME_LENGTH = 60


@contextmanager
def _postgresql_snapshot():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def one_snapshot():
    """An export reads one list after another, for seconds on a large group: on PostgreSQL they
    all read one snapshot (a read-only REPEATABLE READ transaction), so a post made meanwhile is
    in every list or in none (a comment never points to an annotation the file lacks). Inside a
    transaction already (tests) the isolation level cannot change: left as it is. SQLite is left
    as it is too: a read transaction there would hold writers off for the whole export."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return nullcontext()
    return _postgresql_snapshot()


def export_bytes(chunks: Iterable[str]) -> Iterator[bytes]:
    """The chunks as UTF-8: the first alone, the rest joined into writes of about WRITE_SIZE,
    all read from one snapshot (`one_snapshot`)."""
    chunks = iter(chunks)
    with one_snapshot():
        for first in chunks:
            yield first.encode()
            break
        pending: list[str] = []
        size = 0
        for chunk in chunks:
            pending.append(chunk)
            size += len(chunk)
            if size >= WRITE_SIZE:
                yield "".join(pending).encode()
                pending.clear()
                size = 0
        if pending:
            yield "".join(pending).encode()


def write_export(chunks: Iterable[str], out: BinaryIO | TextIO) -> None:
    """Write the export to a stream: its bytes to a binary one (a file opened "wb", or the
    binary buffer under stdout, so that no locale encoding or newline translation changes
    them), or the same bytes decoded to a text-only stream (an io.StringIO in tests)."""
    binary = out if _is_binary(out) else getattr(out, "buffer", None)
    if binary is not None:
        if binary is not out:
            out.flush()  # anything already written through the text layer goes first
        for data in export_bytes(chunks):
            binary.write(data)
        binary.flush()
        return
    for data in export_bytes(chunks):
        out.write(data.decode())


def _is_binary(out) -> bool:
    return "b" in getattr(out, "mode", "") or hasattr(out, "getbuffer")


def _names(readable: str, fallback: str, pk: int, extension: str) -> tuple[str, str]:
    """An ASCII file name (for `filename=`) and a Unicode one (for `filename*=`)."""
    ascii_part = slugify(readable)[:NAME_LENGTH].strip("-_") or fallback
    unicode_part = slugify(readable, allow_unicode=True)[:NAME_LENGTH].strip("-_") or fallback
    return f"{ascii_part}-{pk}.{extension}", f"{unicode_part}-{pk}.{extension}"


def paper_filenames(paper: Paper, extension: str) -> tuple[str, str]:
    """`<title-slug>-<id>.<ext>`: titles repeat, ids do not."""
    return _names(paper.title, "paper", paper.pk, extension)


def group_filenames(group: ReadingGroup, extension: str) -> tuple[str, str]:
    """`<group-slug>-<id>.<ext>`, as a paper's."""
    return _names(group.slug, "group", group.pk, extension)


def content_disposition(names: tuple[str, str]) -> str:
    """`attachment` with both names: `filename` (ASCII, for every client) and, when the title
    has more than ASCII, `filename*` (RFC 6266/5987, UTF-8), which clients that read it prefer."""
    ascii_name, unicode_name = names
    header = f'attachment; filename="{ascii_name}"'
    if unicode_name != ascii_name:
        header += f"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    return header
