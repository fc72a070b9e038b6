"""The one writer of search entries (annotations.models.SearchEntry).

Called where text is written: a paper's save and rename (through the setting
`MARGINALIA_PAPER_TEXT_SAVED`, since papers does not import annotations), the annotation and
comment services, the imports. Only text and the facts filters take are written; whether a post
is visible, held or private is read at query time through `visible_to`
(annotations.search.query), so moderation never touches the index. Deleting a paper or paragraph
cascades to its entries; a deleted post's entry is removed here.
"""

from collections.abc import Iterable

from django.db import transaction

from papers.models import Paper

from ..models import Annotation, Comment, SearchEntry, Status
from .languages import config_for

Kind = SearchEntry.Kind
BATCH = 1000


def _config(paper: Paper) -> str:
    """The paper's language as a text search configuration (annotations.search.languages): its
    entries, annotations' and comments' too, are stemmed in it."""
    return config_for(paper.language)


def _author_names(authors) -> str:
    names = []
    for author in authors or []:
        names.append(author.get("name", "") if isinstance(author, dict) else str(author))
    return ", ".join(name for name in names if name)


def paper_text(paper: Paper) -> str:
    return "\n".join(
        part for part in (paper.title, _author_names(paper.authors), paper.abstract) if part
    )


def annotation_text(annotation: Annotation) -> str:
    return "\n".join(part for part in (annotation.note, annotation.exact) if part)


def _paper_entries(paper: Paper) -> list[SearchEntry]:
    config = _config(paper)
    common = {"group_id": paper.group_id, "paper_id": paper.pk, "config": config}
    entries = [
        SearchEntry(
            kind=Kind.PAPER,
            object_id=paper.pk,
            created=paper.created,
            author_id=paper.created_by_id,
            text=paper_text(paper),
            **common,
        )
    ]
    for paragraph in paper.paragraphs.only("id", "text").order_by("position"):
        entries.append(
            SearchEntry(
                kind=Kind.PARAGRAPH,
                object_id=paragraph.pk,
                paragraph_id=paragraph.pk,
                created=paper.created,
                text=paragraph.text,
                **common,
            )
        )
    return entries


def _annotation_entry(annotation: Annotation, group_id: int, config: str) -> SearchEntry:
    return SearchEntry(
        kind=Kind.ANNOTATION,
        object_id=annotation.pk,
        group_id=group_id,
        paper_id=annotation.paper_id,
        paragraph_id=annotation.paragraph_id,
        role_id=annotation.role_id,
        author_id=annotation.author_id,
        created=annotation.created,
        text=annotation_text(annotation),
        config=config,
    )


def _comment_entry(
    comment: Comment, group_id: int, role_id: int | None, config: str
) -> SearchEntry:
    # A comment names its paragraph, on an annotation too (annotations.models.Comment).
    return SearchEntry(
        kind=Kind.COMMENT,
        object_id=comment.pk,
        group_id=group_id,
        paper_id=comment.paper_id,
        paragraph_id=comment.paragraph_id,
        role_id=role_id,
        author_id=comment.author_id,
        created=comment.created,
        text=comment.body,
        config=config,
    )


def _write(entry: SearchEntry, *, new: bool, fields: list[str]) -> None:
    """Insert a new post's entry (one query), or change an edited one's `fields` (one query;
    a second to insert it when it has none: a post from before the index, or one that had no
    text); an entry without text is none."""
    rows = SearchEntry.objects.filter(kind=entry.kind, object_id=entry.object_id)
    if not entry.text.strip():
        if not new:
            rows.delete()
        return
    if new or not rows.update(**{name: getattr(entry, name) for name in fields}):
        entry.save(force_insert=True)


def paper_index(paper: Paper) -> None:
    """(Re)write the paper's own entries: title, authors and abstract, and each paragraph. The
    caller owns the transaction (papers.saving.paper_text_saved calls it in the writer's)."""
    SearchEntry.objects.filter(paper=paper, kind__in=[Kind.PAPER, Kind.PARAGRAPH]).delete()
    SearchEntry.objects.bulk_create(_paper_entries(paper), batch_size=BATCH)


def annotation_index(annotation: Annotation, *, new: bool = False) -> None:
    """Write an annotation's entry after its create (`new`), update or delete (which removes
    it). Its comments take its role for the `role` filter, and lose it with its deletion. The
    caller owns the transaction."""
    rows = SearchEntry.objects.filter(kind=Kind.ANNOTATION, object_id=annotation.pk)
    comments = SearchEntry.objects.filter(
        kind=Kind.COMMENT, object_id__in=annotation.comments.values("id")
    )
    if annotation.status == Status.DELETED:
        rows.delete()
        comments.update(role=None)
        return
    paper = annotation.paper
    entry = _annotation_entry(annotation, paper.group_id, _config(paper))
    _write(entry, new=new, fields=["text", "role", "paragraph"])
    if not new:
        comments.update(role=annotation.role_id)


def comment_index(comment: Comment, *, new: bool = False) -> None:
    """Write a comment's entry after its create (`new`), update or delete (which removes it).
    The caller owns the transaction."""
    if comment.status == Status.DELETED:
        SearchEntry.objects.filter(kind=Kind.COMMENT, object_id=comment.pk).delete()
        return
    paper = comment.paper
    # A new comment's annotation is the one its caller loaded; an edit changes the text alone.
    role_id = comment.annotation.role_id if new and comment.annotation_id else None
    entry = _comment_entry(comment, paper.group_id, role_id, _config(paper))
    _write(entry, new=new, fields=["text"])


def papers_index(paper_ids: Iterable[int]) -> None:
    """(Re)write every entry of these papers, their annotations and comments included: after an
    import, and for the whole index (`index_all`). A few queries per paper, bulk inserts. The
    caller owns the transaction."""
    for paper in Paper.objects.filter(pk__in=list(paper_ids)):
        config = _config(paper)
        SearchEntry.objects.filter(paper=paper).delete()
        entries = _paper_entries(paper)
        annotations = Annotation.objects.filter(paper=paper).exclude(status=Status.DELETED)
        roles = {}
        for annotation in annotations:
            entries.append(_annotation_entry(annotation, paper.group_id, config))
            roles[annotation.pk] = annotation.role_id
        comments = Comment.objects.filter(paper=paper).exclude(status=Status.DELETED)
        for comment in comments:
            role_id = roles.get(comment.annotation_id)
            entries.append(_comment_entry(comment, paper.group_id, role_id, config))
        SearchEntry.objects.bulk_create([e for e in entries if e.text.strip()], batch_size=BATCH)


def index_all() -> None:
    """Rebuild the whole index (a new deployment, the benchmark), in one transaction."""
    with transaction.atomic():
        papers_index(Paper.objects.values_list("pk", flat=True))
