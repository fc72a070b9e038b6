"""The rows every export format reads: one reader per kind of thing, scoped once.

Each reader is a generator of plain dicts, read with `values_list(...).iterator(chunk_size=...)`
so memory stays flat whatever the paper's size; no format queries the database itself, and no
format knows a visibility rule. What a caller sees is decided here, by `Scope`:

- `Scope(user=None)`: everything (the `export_paper` command): hidden and pending items marked
  by their `status`, deleted comments as tombstones, deleted annotations (and links touching
  them) left out, and the moderation data (flags, revisions, audit log).
- `Scope(user=…)`: what `visible_to(user)` gives; the moderation data only when the user is an
  active owner or moderator of the group (`papers.permissions.is_moderator_or_owner`), and then
  only about the items the export carries.

A scope is made by `scope_for(group, user)`, which asks its one query lazily (the first time the
moderation question comes up), so that a format can yield its first chunk before anything is
read.
"""

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from django.db.models import Q, QuerySet

from annotations.models import (
    ATTRIBUTION_FIELDS,
    Annotation,
    Comment,
    Flag,
    Link,
    Revision,
    Role,
    Status,
    attribution_dict,
)
from papers.models import AuditEntry, Citation, Paper, ReadingGroup
from papers.permissions import is_moderator_or_owner

BATCH = 2000


class Scope:
    """Who an export is for: `user` None means everything (module docstring)."""

    def __init__(self, group: ReadingGroup, user=None):
        self.group = group
        self.user = user

    @cached_property
    def moderation(self) -> bool:
        """Whether flags, revisions and the audit log go out."""
        if self.user is None:
            return True
        return bool(self.user.is_authenticated) and is_moderator_or_owner(self.user, self.group)

    def annotations(self, paper: Paper) -> QuerySet:
        rows = Annotation.objects.filter(paper=paper)
        if self.user is not None:
            return rows & Annotation.objects.visible_to(self.user)
        return rows.exclude(status=Status.DELETED)

    def comments(self, paper: Paper) -> QuerySet:
        rows = Comment.objects.filter(paper=paper)
        if self.user is not None:
            return rows & Comment.objects.visible_to(self.user)
        # Deleted comments stay as tombstones (threads keep their shape); a comment on a deleted
        # annotation goes with it, like every other surface.
        return rows.exclude(annotation__status=Status.DELETED)

    def links(self, paper: Paper) -> QuerySet:
        rows = Link.objects.filter(paper=paper)
        if self.user is not None:
            return rows & Link.objects.visible_to(self.user)
        # A link stands only while both its ends do.
        return rows.exclude(source__status=Status.DELETED).exclude(target__status=Status.DELETED)

    def _on_items(self, paper: Paper) -> Q:
        """Moderation rows about the annotations and comments this export carries."""
        return Q(annotation_id__in=self.annotations(paper).values("id")) | Q(
            comment_id__in=self.comments(paper).values("id")
        )


def scope_for(group: ReadingGroup, user=None) -> Scope:
    return Scope(group, user)


def iso(moment) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


# The group


def group_head(group: ReadingGroup) -> dict:
    return {
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "visibility": group.visibility,
        "premoderation": group.premoderation,
        "premoderation_items": group.premoderation_items,
        "hide_banned_posts": group.hide_banned_posts,
    }


def roles(group: ReadingGroup) -> Iterator[dict]:
    """The group's whole role vocabulary, retired roles included (old annotations use them):
    what an import needs to re-create the annotations elsewhere."""
    rows = Role.objects.filter(group=group).order_by("position", "id")
    for slug, name, color, key, description, position, retired in rows.values_list(
        "slug", "name", "color", "key", "description", "position", "retired"
    ).iterator(BATCH):
        yield {"slug": slug, "name": name, "color": color, "key": key,
               "description": description, "position": position, "retired": retired}  # fmt: skip


def papers(group: ReadingGroup) -> Iterator[Paper]:
    """The group's papers, oldest first, one at a time (the caller sets `paper.group`)."""
    return Paper.objects.filter(group=group).order_by("id").iterator(50)


def audit_log(scope: Scope, *, paper: Paper | None = None) -> Iterator[dict]:
    """The group's audit log, oldest first (moderators only): with `paper`, the entries about its
    annotations and comments."""
    if not scope.moderation:
        return
    rows = AuditEntry.objects.filter(group=scope.group)
    if paper is not None:
        rows = rows.filter(
            Q(target_type=AuditEntry.TargetType.ANNOTATION,
              target_id__in=Annotation.objects.filter(paper=paper).values("id"))
            | Q(target_type=AuditEntry.TargetType.COMMENT,
                target_id__in=Comment.objects.filter(paper=paper).values("id"))
        )  # fmt: skip
    for actor, action, target_type, target, subject, summary, reason, created in (
        rows.order_by("created", "id")
        .values_list(
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "subject_name",
            "summary",
            "reason",
            "created",
        )  # fmt: skip
        .iterator(BATCH)
    ):
        yield {"actor": actor, "action": action, "target_type": target_type, "target": target,
               "subject": subject, "summary": summary, "reason": reason,
               "created": iso(created)}  # fmt: skip


# The paper's structure (the same for everyone who may see the paper)


def paper_head(paper: Paper) -> dict:
    return {
        "id": paper.pk,
        "title": paper.title,
        "authors": paper.authors,
        "keywords": paper.keywords,
        "abstract": paper.abstract,
        "language": paper.language,
        "group": paper.group.slug,
        "status": paper.status,
        "source": {
            "format": paper.source_format,
            "filename": paper.source_filename,
            "sha256": paper.source_sha256,
        },
    }


def sections(paper: Paper) -> Iterator[dict]:
    rows = paper.sections.order_by("position").values_list("id", "position", "level", "title")
    for id_, position, level, title in rows.iterator(BATCH):
        yield {"id": id_, "position": position, "level": level, "title": title}


def paragraphs(paper: Paper) -> Iterator[dict]:
    rows = paper.paragraphs.order_by("position").values_list(
        "id", "anchor", "position", "section_id", "kind", "text", "label", "marks", "group_key"
    )
    for id_, anchor, position, section, kind, text, label, marks, group_key in rows.iterator(BATCH):
        row = {"id": id_, "anchor": anchor, "position": position, "section": section,
               "kind": kind, "text": text}  # fmt: skip
        if label:
            row["label"] = label
        if marks:
            row["marks"] = marks
        if group_key is not None:  # which list a list item belongs to
            row["group_key"] = group_key
        yield row


def references(paper: Paper) -> Iterator[dict]:
    rows = paper.references.order_by("position").values_list(
        "id", "position", "label", "text", "authors", "year", "title", "url", "doi"
    )
    for id_, position, label, text, authors, year, title, url, doi in rows.iterator(BATCH):
        yield {"id": id_, "position": position, "label": label, "text": text,
               "authors": authors, "year": year, "title": title, "url": url or None,
               "doi": doi or None}  # fmt: skip


def citations(paper: Paper) -> Iterator[dict]:
    # Candidates are few (only ambiguous citations have them): one query, held in a dict.
    candidates: dict[int, list[int]] = defaultdict(list)
    through = Citation.candidates.through.objects.filter(citation__paper=paper)
    for citation_id, reference_id in through.order_by("citation_id", "reference_id").values_list(
        "citation_id", "reference_id"
    ):
        candidates[citation_id].append(reference_id)
    rows = paper.citations.order_by("paragraph__position", "start").values_list(
        "id", "paragraph_id", "start", "end", "text", "reference_id"
    )
    for id_, paragraph, start, end, text, reference in rows.iterator(BATCH):
        yield {"id": id_, "paragraph": paragraph, "start": start, "end": end, "text": text,
               "reference": reference,
               "candidates": candidates.get(id_) or ([reference] if reference else [])}  # fmt: skip


# What members wrote (scoped)

# With `places=True` the annotation and comment rows also carry where they stand, for the
# formats that flatten them (csv, jsonld, aif): "paragraph_position", "section" (its title or
# ""), and with `paragraph_text=True` "paragraph_text" (aif quotes a whole paragraph). The native
# format never asks for them.
_PLACE_FIELDS = ("paragraph__position", "paragraph__section__title")


def annotations(
    scope: Scope, paper: Paper, *, places: bool = False, paragraph_text: bool = False
) -> Iterator[dict]:
    fields = ["id", "paragraph_id", "paragraph__anchor", "role__slug", "exact", "prefix", "suffix",
              "start", "end", "note", "note_html", "author__username", "visibility", "status",
              "independent", "created", "updated", "version", *ATTRIBUTION_FIELDS]  # fmt: skip
    if places:
        fields += _PLACE_FIELDS
    if paragraph_text:
        fields.append("paragraph__text")
    rows = scope.annotations(paper).order_by("id").values_list(*fields)
    for row in rows.iterator(BATCH):
        (id_, paragraph, anchor, role, exact, prefix, suffix, start, end, note, note_html,
         author, visibility, status, independent, created, updated, version) = row[:18]  # fmt: skip
        quote = None
        if start is not None:
            quote = {"exact": exact, "prefix": prefix, "suffix": suffix, "start": start,
                     "end": end}  # fmt: skip
        # `independent`: made in blind mode as its author's first tag on the paragraph
        # (Annotation.independent).
        out = {"id": id_, "paper": paper.pk, "paragraph": paragraph, "anchor": anchor,
               "role": role, "quote": quote, "note": note, "note_html": note_html,
               "author": author, "visibility": visibility, "status": status,
               "independent": independent, "created": iso(created), "updated": iso(updated),
               "version": version,
               # Added after the fields API.md fixed (docs/api.md): null unless imported.
               "attribution": attribution_dict(*row[18:22])}  # fmt: skip
        if places:
            out["paragraph_position"], out["section"] = row[22], row[23] or ""
        if paragraph_text:
            out["paragraph_text"] = row[-1]
        yield out


def annotation_authors(scope: Scope, paper: Paper) -> Iterator[tuple[int, str | None]]:
    """(id, author's username) of the annotations `annotations` yields, in the same order: for a
    format's second and third pass over them (aif's edges and locutions), without the texts,
    joins and dates that cost most of a full row."""
    rows = scope.annotations(paper).order_by("id").values_list("id", "author__username")
    return rows.iterator(BATCH)


def comments(scope: Scope, paper: Paper, *, places: bool = False) -> Iterator[dict]:
    fields = ["id", "paragraph_id", "annotation_id", "parent_id", "author__username", "body",
              "status", "created", "updated", "version", *ATTRIBUTION_FIELDS]  # fmt: skip
    if places:
        fields += [*_PLACE_FIELDS, "paragraph__anchor"]
    rows = scope.comments(paper).order_by("id").values_list(*fields)
    for row in rows.iterator(BATCH):
        id_, paragraph, annotation, parent, author, body, status, created, updated, version = row[
            :10
        ]
        out = {"id": id_, "paragraph": paragraph, "annotation": annotation, "parent": parent,
               "author": author, "body": body, "status": status, "created": iso(created),
               "updated": iso(updated), "version": version,
               "attribution": attribution_dict(*row[10:14])}  # fmt: skip
        if places:
            out["paragraph_position"], out["section"] = row[14], row[15] or ""
            out["anchor"] = row[16]
        yield out


def links(scope: Scope, paper: Paper) -> Iterator[dict]:
    rows = (
        scope.links(paper)
        .order_by("id")
        .values_list("id", "source_id", "target_id", "relation", "author__username", "created")
    )
    for id_, source, target, relation, author, created in rows.iterator(BATCH):
        yield {"id": id_, "source": source, "target": target, "relation": relation,
               "author": author, "created": iso(created)}  # fmt: skip


def flags(scope: Scope, paper: Paper) -> Iterator[dict]:
    """Flags on the items this export carries (moderators only): who flagged is moderators'
    knowledge, never an author's."""
    if not scope.moderation:
        return
    rows = Flag.objects.filter(scope._on_items(paper), paper=paper).order_by("id")
    for (
        id_,
        annotation,
        comment,
        reason,
        note,
        flagger,
        created,
        resolved,
        resolution,
    ) in rows.values_list(
        "id",
        "annotation_id",
        "comment_id",
        "reason",
        "note",
        "flagger__username",
        "created",
        "resolved",
        "resolution",
    ).iterator(BATCH):  # fmt: skip
        yield {"id": id_, "target_type": "annotation" if annotation else "comment",
               "target": annotation or comment, "reason": reason, "note": note,
               "flagger": flagger, "created": iso(created), "resolved": iso(resolved),
               "resolution": resolution}  # fmt: skip


def revisions(scope: Scope, paper: Paper) -> Iterator[dict]:
    """What the carried items said before each change by their author (moderators only)."""
    if not scope.moderation:
        return
    rows = Revision.objects.filter(scope._on_items(paper)).order_by("id")
    for annotation, comment, version, data, created in rows.values_list(
        "annotation_id", "comment_id", "version", "data", "created"
    ).iterator(BATCH):
        yield {"target_type": "annotation" if annotation else "comment",
               "target": annotation or comment, "version": version, "data": data,
               "created": iso(created)}  # fmt: skip
