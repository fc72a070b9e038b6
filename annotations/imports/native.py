"""Import a native export (`marginalia-export/1`, annotations.exports.native) into a group.

Two shapes: a paper export `{"schema", "paper", "roles", "sections", "paragraphs", "references",
"citations", "annotations", "comments", "links"[, "revisions", …]}` and a group export
`{"schema", "group", "roles", "papers": [{"paper", "sections", …}, …][, "audit_log"]}`.

The whole file is checked first (`check`): types, required keys, ids unique, every reference
between ids inside the file (a comment's parent, a link's ends, an annotation's paragraph),
offsets inside their paragraph's text, quotes matching it. The first problem is refused with its
path. Only then is anything written (`write`), in the caller's transaction, with bulk inserts:
the papers' structure by `papers.saving.structure_write`, the writer a parsed upload uses too.

What comes back (docs/imports.md): each paper with its structure (same text, anchors, positions,
kinds, labels, marks), its references and citations (with candidates), annotations, comments
with their threads (tombstones stay tombstones), links, and the items' revisions. Ids are new.
Every annotation, comment and link is the importer's (annotations.imports.people): the file's
author and `created` become the post's attribution, or, for a post the exporting site had itself
imported, the attribution the file carries (the original author, not the intermediate
importer). `created` of revisions, versions, statuses and annotations' `independent` (false when
the file has none) are the file's; the posts' own `created`/`updated` are the import's. Notes and
bodies are rendered again from their Markdown (the file's HTML is never trusted). Not imported:
flags and the audit log (the source group's moderation), the group's settings and members (the
target group keeps its own).
"""

from annotations.markdown import render_markdown
from annotations.models import Annotation, Comment, Link, Revision, Role, Status
from annotations.premoderation import initial_status
from papers.models import Paper, ReadingGroup
from papers.saving import Structure, structure_write

from .native_checks import SCHEMA, CheckedFile, CheckedPaper, check
from .people import NATIVE, attributed_names, attribution
from .report import ImportReport
from .roles import roles_for_import
from .saving import create_keeping_times, insert, restore

__all__ = ["SCHEMA", "check", "is_native", "write"]


def is_native(data: dict) -> bool:
    schema = data.get("schema")
    return isinstance(schema, str) and schema.startswith("marginalia-export/")


def write(checked: CheckedFile, *, group: ReadingGroup, user, report: ImportReport) -> None:
    """Create everything `check` accepted, in the caller's transaction."""
    roles, report.roles_created = roles_for_import(group, checked.role_slugs(), checked.roles)
    report.attributed = attributed_names(checked.usernames(), importer=user)
    # A member whose own posts the group holds cannot make others' visible by importing them.
    hold = initial_status(user, group) == Status.PENDING
    for paper in checked.papers:
        _write_paper(paper, group=group, user=user, roles=roles, hold=hold, report=report)


def _held(status: str, hold: bool, shared: bool = True) -> str:
    return Status.PENDING if hold and shared and status == Status.VISIBLE else status


def _write_paper(
    checked: CheckedPaper,
    *,
    group,
    user,
    roles: dict[str, Role],
    hold: bool,
    report: ImportReport,
) -> None:
    paper = Paper.objects.create(group=group, created_by=user, progress=100, **checked.head)
    report.papers.append(paper.pk)
    structure = structure_write(
        paper,
        Structure(
            sections=checked.sections,
            paragraphs=checked.paragraphs,
            references=checked.references,
            citations=checked.citations,
        ),
    )
    annotations = _annotations_write(
        paper, checked.annotations, structure.paragraphs, roles, user, hold
    )
    comments = _comments_write(
        paper, checked.comments, structure.paragraphs, annotations, user, hold
    )
    _links_write(paper, checked.links, annotations, user)
    _revisions_write(checked.revisions, {"annotation": annotations, "comment": comments})
    report.sections += len(structure.sections)
    report.paragraphs += len(structure.paragraphs)
    report.references += len(structure.references)
    report.citations += len(structure.citations)
    report.annotations += len(annotations)
    report.comments += len(comments)
    report.links += len(checked.links)
    report.revisions += len(checked.revisions)


_NO_QUOTE = {"exact": "", "prefix": "", "suffix": "", "start": None, "end": None}


def _annotations_write(
    paper: Paper,
    rows: list[dict],
    paragraphs: dict,
    roles: dict[str, Role],
    user,
    hold: bool,
) -> dict:
    """The importer's annotations, attributed, by the file's ids; notes rendered again."""
    made = insert(
        Annotation,
        [
            Annotation(
                paper=paper,
                paragraph=paragraphs[row["paragraph"]],
                role=roles[row["role"]],
                note=row["note"].strip(),
                note_html=render_markdown(row["note"].strip()),
                author=user,
                **_attribution(row),
                visibility=row["visibility"],
                independent=row["independent"],
                status=_held(row["status"], hold, row["visibility"] == Annotation.Visibility.GROUP),
                version=row["version"],
                **(row["quote"] or _NO_QUOTE),
            )
            for row in rows
        ],
    )
    return _by_id(rows, made)


def _comments_write(
    paper: Paper, rows: list[dict], paragraphs: dict, annotations: dict, user, hold: bool
) -> dict:
    """The importer's comments, attributed, with their threads, by the file's ids."""
    # In the file's order (the export's), parents put in afterwards: one insert and one update,
    # whatever the depth of the threads.
    made = insert(
        Comment,
        [
            Comment(
                paper=paper,
                paragraph=paragraphs[row["paragraph"]],
                annotation=annotations.get(row["annotation"]),
                body=row["body"].strip(),
                body_html=render_markdown(row["body"].strip()),
                author=user,
                **_attribution(row),
                status=_held(row["status"], hold),
                version=row["version"],
            )
            for row in rows
        ],
    )
    comments = _by_id(rows, made)
    restore(
        Comment,
        made,
        [{"parent": comments.get(row["parent"])} for row in rows],
    )
    return comments


def _links_write(paper: Paper, rows: list[dict], annotations: dict, user) -> None:
    """The importer's links (a link says nothing in anyone's words; the import's moment)."""
    insert(
        Link,
        [
            Link(
                paper=paper,
                source=annotations[row["source"]],
                target=annotations[row["target"]],
                relation=row["relation"],
                author=user,
            )
            for row in rows
        ],
    )


def _revisions_write(rows: list[dict], targets: dict[str, dict]) -> None:
    """The items' revisions; `targets` holds the new annotations and comments by kind and id."""
    create_keeping_times(
        Revision,
        [
            Revision(
                version=row["version"],
                data=row["data"],
                **{row["target_type"]: targets[row["target_type"]][row["target"]]},
            )
            for row in rows
        ],
        [{"created": row["created"]} for row in rows],
    )


def _by_id(rows: list[dict], made: list) -> dict:
    return dict(zip([row["id"] for row in rows], made, strict=True))


def _attribution(row: dict) -> dict:
    """The file's attribution when it has one (the original source), else its author and date
    as a Marginalia export's."""
    given = row["attribution"]
    if given is not None:
        return attribution(
            author=given["author"], created=given["created"], source=given["source"],
            url=given["url"],
        )  # fmt: skip
    return attribution(author=row["author"], created=row["created"], source=NATIVE)
