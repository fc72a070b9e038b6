"""The native export (`format=json`), shape fixed by shared/API.md: `marginalia-export/1`,
described by export.schema.json beside this module (docs/exports.md).

A paper export:

    {"schema", "paper", "roles", "sections", "paragraphs", "references", "citations",
     "annotations", "comments", "links"[, "flags", "revisions", "audit_log"]}

A group export:

    {"schema", "group", "roles", "papers": [{"paper", "sections", …, "links"[, "flags",
     "revisions"]}, …][, "audit_log"]}

Inside a group export a paper object is the paper export's body without what belongs to the
group: no "schema", "roles" or "audit_log" (those are said once, at the top). The moderation
keys (flags, revisions, audit_log) are present only for a moderator's or the command's export:
absent means "not yours to see", never "none".

Written as a stream: the first chunk leaves before any query, then each list a batch of rows per
chunk, the rows read by annotations.exports.rows with `.iterator()` so memory stays flat.
"""

from collections.abc import Iterable, Iterator

from papers.models import Paper, ReadingGroup

from . import rows, stream
from .rows import Scope, scope_for
from .stream import dump

SCHEMA = "marginalia-export/1"


def paper_chunks(paper: Paper, *, user=None) -> Iterator[str]:
    """The paper's native export, in chunks: structure as everyone who may see the paper sees it;
    annotations, comments and links as `user` may see them (annotations.exports.rows.Scope), or
    everything, held items marked by their `status`, with no user (the `export_paper` command)."""
    yield '{"schema": ' + dump(SCHEMA)
    scope = scope_for(paper.group, user)
    yield ',\n"paper": ' + dump(rows.paper_head(paper))
    yield from _list("roles", rows.roles(paper.group))
    yield from _paper_lists(paper, scope)
    if scope.moderation:
        yield from _list("audit_log", rows.audit_log(scope, paper=paper))
    yield "\n}\n"


def group_chunks(group: ReadingGroup, *, user=None) -> Iterator[str]:
    """Every paper of the group, one after the other, in one document (module docstring)."""
    yield '{"schema": ' + dump(SCHEMA)
    scope = scope_for(group, user)
    yield ',\n"group": ' + dump(rows.group_head(group))
    yield from _list("roles", rows.roles(group))
    yield ',\n"papers": ['
    for index, paper in enumerate(rows.papers(group)):
        paper.group = group  # the scope's group object (its membership already looked up)
        yield ("\n" if index == 0 else ",\n") + '{"paper": ' + dump(rows.paper_head(paper))
        yield from _paper_lists(paper, scope)
        yield "\n}"
    yield "\n]"
    if scope.moderation:
        yield from _list("audit_log", rows.audit_log(scope))
    yield "\n}\n"


def _paper_lists(paper: Paper, scope: Scope) -> Iterator[str]:
    yield from _list("sections", rows.sections(paper))
    yield from _list("paragraphs", rows.paragraphs(paper))
    yield from _list("references", rows.references(paper))
    yield from _list("citations", rows.citations(paper))
    yield from _list("annotations", rows.annotations(scope, paper))
    yield from _list("comments", rows.comments(scope, paper))
    yield from _list("links", rows.links(scope, paper))
    if scope.moderation:
        yield from _list("flags", rows.flags(scope, paper))
        yield from _list("revisions", rows.revisions(scope, paper))


def _list(name: str, items: Iterable[dict]) -> Iterator[str]:
    def pieces() -> Iterator[str]:
        yield f',\n"{name}": ['
        empty = True
        for line in stream.items(items):
            empty = False
            yield line
        yield "]" if empty else "\n]"

    return stream.chunks(pieces())
