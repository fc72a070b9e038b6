"""Import a native export (`marginalia-export/1`, annotations.exports.native) into a group.

Two shapes: a paper export `{"schema", "paper", "roles", "sections", "paragraphs", "references",
"citations", "annotations", "comments", "links"[, "revisions", …]}` and a group export
`{"schema", "group", "roles", "papers": [{"paper", "sections", …}, …][, "audit_log"]}`.

The whole file is checked first (`check`): types, required keys, ids unique, every reference
between ids inside the file (a comment's parent, a link's ends, an annotation's paragraph),
offsets inside their paragraph's text, quotes matching it. The first problem is refused with its
path. Only then is anything written (`write`), in the caller's transaction, with bulk inserts.

What comes back (docs/imports.md): each paper with its structure (same text, anchors, positions,
kinds, labels, marks), its references and citations (with candidates), annotations, comments
with their threads (tombstones stay tombstones), links, and the items' revisions. Ids are new;
`created`/`updated` of annotations and comments, `created` of revisions, versions and statuses
are the file's. Notes and bodies are rendered again from their Markdown (the file's HTML is
never trusted). Not imported: flags and the audit log (the source group's moderation), the
group's settings and members (the target group keeps its own).
"""

from annotations.markdown import render_markdown
from annotations.models import Annotation, Comment, Link, Revision, Role, Status
from annotations.premoderation import initial_status
from papers.models import Citation, Paper, Paragraph, ReadingGroup, Reference, Section

from .native_checks import SCHEMA, CheckedFile, CheckedPaper, check
from .people import authors_for
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
    authors, report.placeholders = authors_for(checked.usernames(), group=group, importer=user)
    # A member whose own posts the group holds cannot make others' visible by importing them.
    hold = initial_status(user, group) == Status.PENDING
    for paper in checked.papers:
        _write_paper(
            paper, group=group, user=user, roles=roles, authors=authors, hold=hold, report=report
        )


def _held(status: str, hold: bool, shared: bool = True) -> str:
    return Status.PENDING if hold and shared and status == Status.VISIBLE else status


def _write_paper(
    checked: CheckedPaper,
    *,
    group,
    user,
    roles: dict[str, Role],
    authors: dict,
    hold: bool,
    report: ImportReport,
) -> None:
    paper = Paper.objects.create(group=group, created_by=user, progress=100, **checked.head)
    report.papers.append(paper.pk)

    sections = dict(
        zip(
            [row["id"] for row in checked.sections],
            insert(
                Section,
                [
                    Section(
                        paper=paper,
                        position=row["position"],
                        level=row["level"],
                        title=row["title"],
                        anchor=f"s-{row['position']}",
                    )
                    for row in checked.sections
                ],
            ),
            strict=True,
        )
    )
    paragraphs = dict(
        zip(
            [row["id"] for row in checked.paragraphs],
            insert(
                Paragraph,
                [
                    Paragraph(
                        paper=paper,
                        section=sections.get(row["section"]),
                        position=row["position"],
                        kind=row["kind"],
                        anchor=row["anchor"],
                        text=row["text"],
                        marks=row["marks"],
                        group_key=row["group_key"],
                        label=row["label"],
                    )
                    for row in checked.paragraphs
                ],
            ),
            strict=True,
        )
    )
    references = dict(
        zip(
            [row["id"] for row in checked.references],
            insert(
                Reference,
                [
                    Reference(
                        paper=paper,
                        position=row["position"],
                        label=row["label"],
                        text=row["text"],
                        authors=row["authors"],
                        year=row["year"],
                        title=row["title"],
                        url=row["url"],
                        doi=row["doi"],
                    )
                    for row in checked.references
                ],
            ),
            strict=True,
        )
    )
    citations = insert(
        Citation,
        [
            Citation(
                paper=paper,
                paragraph=paragraphs[row["paragraph"]],
                start=row["start"],
                end=row["end"],
                text=row["text"],
                reference=references.get(row["reference"]),
            )
            for row in checked.citations
        ],
    )
    Through = Citation.candidates.through
    insert(
        Through,
        [
            Through(citation_id=citation.pk, reference_id=references[candidate].pk)
            for citation, row in zip(citations, checked.citations, strict=True)
            for candidate in dict.fromkeys(row["candidates"])
        ],
    )

    annotations = dict(
        zip(
            [row["id"] for row in checked.annotations],
            create_keeping_times(
                Annotation,
                [
                    Annotation(
                        paper=paper,
                        paragraph=paragraphs[row["paragraph"]],
                        role=roles[row["role"]],
                        note=row["note"].strip(),
                        note_html=render_markdown(row["note"].strip()),
                        author=authors.get(row["author"]),
                        visibility=row["visibility"],
                        status=_held(
                            row["status"], hold, row["visibility"] == Annotation.Visibility.GROUP
                        ),
                        version=row["version"],
                        **(
                            row["quote"]
                            or {"exact": "", "prefix": "", "suffix": "", "start": None, "end": None}
                        ),
                    )
                    for row in checked.annotations
                ],
                _times(checked.annotations),
            ),
            strict=True,
        )
    )

    # In the file's order (the export's), parents put in afterwards with the timestamps: one
    # insert and one update, whatever the depth of the threads.
    made = insert(
        Comment,
        [
            Comment(
                paper=paper,
                paragraph=paragraphs[row["paragraph"]],
                annotation=annotations.get(row["annotation"]),
                body=row["body"].strip(),
                body_html=render_markdown(row["body"].strip()),
                author=authors.get(row["author"]),
                status=_held(row["status"], hold),
                version=row["version"],
            )
            for row in checked.comments
        ],
    )
    comments = dict(zip([row["id"] for row in checked.comments], made, strict=True))
    restore(
        Comment,
        made,
        [
            {**times, "parent": comments.get(row["parent"])}
            for row, times in zip(checked.comments, _times(checked.comments), strict=True)
        ],
    )

    create_keeping_times(
        Link,
        [
            Link(
                paper=paper,
                source=annotations[row["source"]],
                target=annotations[row["target"]],
                relation=row["relation"],
                author=authors.get(row["author"]),
            )
            for row in checked.links
        ],
        [{"created": row["created"]} for row in checked.links],
    )

    targets = {"annotation": annotations, "comment": comments}
    create_keeping_times(
        Revision,
        [
            Revision(
                version=row["version"],
                data=row["data"],
                **{row["target_type"]: targets[row["target_type"]][row["target"]]},
            )
            for row in checked.revisions
        ],
        [{"created": row["created"]} for row in checked.revisions],
    )

    report.sections += len(sections)
    report.paragraphs += len(paragraphs)
    report.references += len(references)
    report.citations += len(citations)
    report.annotations += len(annotations)
    report.comments += len(comments)
    report.links += len(checked.links)
    report.revisions += len(checked.revisions)


def _times(rows: list[dict]) -> list[dict]:
    return [{"created": row["created"], "updated": row["updated"]} for row in rows]
