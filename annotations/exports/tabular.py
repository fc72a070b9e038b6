"""The CSV export (`format=csv`): one row per annotation and per comment, for pandas, R and
spreadsheets (docs/exports.md).

- Columns exactly as shared/API.md: `COLUMNS`, then the attribution of an imported post
  (`ATTRIBUTION_COLUMNS`: who wrote it at the source, when, which source and its address;
  empty for a post written here), added after the fixed columns so these stay as they were.
- UTF-8 without a byte-order mark by default (pandas, R's read.csv and readr, Python's csv read
  it as is; a BOM would stick to the first column name in R and Python); `bom=True` puts one
  first for spreadsheets that guess the encoding from it (Excel on double-click).
- RFC 4180: fields quoted when needed (QUOTE_MINIMAL), records ended by CRLF, newlines inside a
  note kept, inside quotes.
- No formula injection: a text cell starting with =, +, -, @ (or their full-width and small
  forms, ＝ ＋ － ＠ ﹦ …), a tab or a carriage return gets a leading apostrophe, which
  spreadsheets show as text (the OWASP advice). Numeric columns (ids, positions) are written by
  us as digits and never need it.
- A comment's `item_type` is "comment" for a top-level comment, whose `parent_id` is the id of
  the annotation it is on (empty when it is on the paragraph), and "reply" for a reply, whose
  `parent_id` is its parent comment's id. (Annotation and comment ids overlap: the item type says
  which kind `parent_id` names.) Annotations have no parent.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator

from papers.models import Paper, ReadingGroup

from . import rows
from .rows import Scope, scope_for

COLUMNS = (
    "paper_id", "paper_title", "section", "paragraph_position", "paragraph_anchor", "item_type",
    "id", "parent_id", "role", "quote", "note_or_body", "author", "status", "created", "updated",
    "attribution_author", "attribution_created", "attribution_source", "attribution_url",
)  # fmt: skip
_TEXT_COLUMNS = frozenset(
    {
        "paper_title",
        "section",
        "paragraph_anchor",
        "item_type",
        "role",
        "quote",
        "note_or_body",
        "author",
        "status",
        "created",
        "updated",
        "attribution_author",
        "attribution_created",
        "attribution_source",
        "attribution_url",
    }  # fmt: skip
)
_TEXT_INDEXES = tuple(i for i, name in enumerate(COLUMNS) if name in _TEXT_COLUMNS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 500


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would take for a formula, made plain text. The first character
    is compared in NFKC form, as spreadsheets read full-width and small forms (＝, ＋, －, ＠,
    ﹦, …) as their ASCII selves."""
    first = unicodedata.normalize("NFKC", cell[:1])
    return "'" + cell if first.startswith(_FORMULA_STARTS) else cell


def paper_chunks(paper: Paper, *, user=None, bom: bool = False) -> Iterator[str]:
    yield _header(bom)
    yield from _paper_rows(paper, scope_for(paper.group, user))


def group_chunks(group: ReadingGroup, *, user=None, bom: bool = False) -> Iterator[str]:
    yield _header(bom)
    scope = scope_for(group, user)
    for paper in rows.papers(group):
        paper.group = group
        yield from _paper_rows(paper, scope)


def _header(bom: bool) -> str:
    return ("\ufeff" if bom else "") + ",".join(COLUMNS) + "\r\n"


def _paper_rows(paper: Paper, scope: Scope) -> Iterator[str]:
    title = paper.title
    yield from _write(_annotation_records(paper, title, scope))
    yield from _write(_comment_records(paper, title, scope))


def _annotation_records(paper: Paper, title: str, scope: Scope) -> Iterator[list]:
    for a in rows.annotations(scope, paper, places=True):
        quote = a["quote"]["exact"] if a["quote"] else ""
        yield [paper.pk, title, a["section"], a["paragraph_position"], a["anchor"], "annotation",
               a["id"], "", a["role"], quote, a["note"], a["author"] or "", a["status"],
               a["created"], a["updated"], *_attribution(a)]  # fmt: skip


def _comment_records(paper: Paper, title: str, scope: Scope) -> Iterator[list]:
    for c in rows.comments(scope, paper, places=True):
        if c["parent"] is not None:
            item_type, parent = "reply", c["parent"]
        else:
            item_type, parent = "comment", c["annotation"] if c["annotation"] else ""
        yield [paper.pk, title, c["section"], _blank(c["paragraph_position"]), c["anchor"] or "",
               item_type, c["id"], parent, "", "", c["body"], c["author"] or "", c["status"],
               c["created"], c["updated"], *_attribution(c)]  # fmt: skip


def _attribution(row: dict) -> list[str]:
    given = row["attribution"] or {}
    return [given.get(key) or "" for key in ("author", "created", "source", "url")]


def _blank(value):
    return "" if value is None else value


def _write(records: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    count = 0
    for record in records:
        for index in _TEXT_INDEXES:
            record[index] = neutralise(record[index])
        writer.writerow(record)
        count += 1
        if count == _ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if count:
        yield buffer.getvalue()
