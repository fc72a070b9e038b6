"""The native export (`format=json`), shape fixed by shared/API.md: `marginalia-export/1`.

Written as a stream: the head, then each list one row per line, read with `.iterator()` so
memory stays flat whatever the paper's size.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from annotations.models import Annotation, Comment, Link, Status
from papers.models import Citation, Paper

SCHEMA = "marginalia-export/1"
_BATCH = 2000


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def paper_chunks(paper: Paper, *, user=None) -> Iterator[str]:
    """The paper's native export, in chunks. Structure is the same for everyone who may see the
    paper; annotations, comments and links are what `user` may see (`visible_to`), or, with no
    user (the `export_paper` command), everything but deleted annotations and links, hidden and
    pending items included and marked by their `status`."""
    head = {
        "id": paper.pk,
        "title": paper.title,
        "authors": paper.authors,
        "keywords": paper.keywords,
        "abstract": paper.abstract,
        "group": paper.group.slug,
        "status": paper.status,
        "source": {
            "format": paper.source_format,
            "filename": paper.source_filename,
            "sha256": paper.source_sha256,
        },
    }
    yield '{"schema": ' + _dump(SCHEMA) + ',\n"paper": ' + _dump(head)
    yield from _list("sections", _sections(paper))
    yield from _list("paragraphs", _paragraphs(paper))
    yield from _list("references", _references(paper))
    yield from _list("citations", _citations(paper))
    yield from _list("annotations", _annotations(paper, user))
    yield from _list("comments", _comments(paper, user))
    yield from _list("links", _links(paper, user))
    yield "\n}\n"


def _list(name: str, rows: Iterable[dict]) -> Iterator[str]:
    yield f',\n"{name}": ['
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + _dump(row)
        first = False
    yield "]" if first else "\n]"


def _sections(paper: Paper) -> Iterator[dict]:
    rows = paper.sections.order_by("position").values_list("id", "position", "level", "title")
    for id_, position, level, title in rows.iterator(chunk_size=_BATCH):
        yield {"id": id_, "position": position, "level": level, "title": title}


def _paragraphs(paper: Paper) -> Iterator[dict]:
    rows = paper.paragraphs.order_by("position").values_list(
        "id", "anchor", "position", "section_id", "kind", "text", "label", "marks"
    )
    for id_, anchor, position, section, kind, text, label, marks in rows.iterator(
        chunk_size=_BATCH
    ):
        row = {
            "id": id_,
            "anchor": anchor,
            "position": position,
            "section": section,
            "kind": kind,
            "text": text,
        }
        if label:
            row["label"] = label
        if marks:
            row["marks"] = marks
        yield row


def _references(paper: Paper) -> Iterator[dict]:
    rows = paper.references.order_by("position").values_list(
        "id", "position", "label", "text", "authors", "year", "title", "url", "doi"
    )
    for id_, position, label, text, authors, year, title, url, doi in rows.iterator(
        chunk_size=_BATCH
    ):
        yield {
            "id": id_,
            "position": position,
            "label": label,
            "text": text,
            "authors": authors,
            "year": year,
            "title": title,
            "url": url or None,
            "doi": doi or None,
        }


def _citations(paper: Paper) -> Iterator[dict]:
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
    for id_, paragraph, start, end, text, reference in rows.iterator(chunk_size=_BATCH):
        yield {
            "id": id_,
            "paragraph": paragraph,
            "start": start,
            "end": end,
            "text": text,
            "reference": reference,
            "candidates": candidates.get(id_) or ([reference] if reference else []),
        }


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _scoped(model, paper: Paper, user):
    rows = model.objects.filter(paper=paper)
    if user is not None:
        return rows & model.objects.visible_to(user)
    if model is Comment:
        return rows  # deleted comments stay as tombstones: threads keep their shape
    return rows.exclude(status=Status.DELETED) if model is Annotation else rows


def _annotations(paper: Paper, user) -> Iterator[dict]:
    rows = _scoped(Annotation, paper, user).order_by("id").values_list(
        "id", "paragraph_id", "paragraph__anchor", "role__slug", "exact", "prefix", "suffix",
        "start", "end", "note", "note_html", "author__username", "visibility", "status",
        "created", "updated", "version",
    )  # fmt: skip
    for row in rows.iterator(_BATCH):
        (id_, paragraph, anchor, role, exact, prefix, suffix, start, end, note, note_html,
         author, visibility, status, created, updated, version) = row  # fmt: skip
        quote = None
        if start is not None:
            quote = {"exact": exact, "prefix": prefix, "suffix": suffix, "start": start,
                     "end": end}  # fmt: skip
        yield {"id": id_, "paper": paper.pk, "paragraph": paragraph, "anchor": anchor,
               "role": role, "quote": quote, "note": note, "note_html": note_html,
               "author": author, "visibility": visibility, "status": status,
               "created": _iso(created), "updated": _iso(updated), "version": version}  # fmt: skip


def _comments(paper: Paper, user) -> Iterator[dict]:
    rows = _scoped(Comment, paper, user).order_by("id").values_list(
        "id", "paragraph_id", "annotation_id", "parent_id", "author__username", "body",
        "status", "created", "updated",
    )  # fmt: skip
    for id_, paragraph, annotation, parent, author, body, status, created, updated in rows.iterator(
        _BATCH
    ):
        yield {"id": id_, "paragraph": paragraph, "annotation": annotation, "parent": parent,
               "author": author, "body": body, "status": status, "created": _iso(created),
               "updated": _iso(updated)}  # fmt: skip


def _links(paper: Paper, user) -> Iterator[dict]:
    rows = _scoped(Link, paper, user).order_by("id")
    if user is None:
        # A link stands only while both its ends do.
        rows = rows.exclude(source__status=Status.DELETED).exclude(target__status=Status.DELETED)
    for id_, source, target, relation in rows.values_list(
        "id", "source_id", "target_id", "relation"
    ).iterator(_BATCH):
        yield {"id": id_, "source": source, "target": target, "relation": relation}
