"""Saving a paper into rows: a parsed upload (`paper_save`) and, through the one structure
writer (`structure_write`), any paper's sections, paragraphs, references and citations.

Parsing (bytes to a `ParsedPaper`, no Django) is `papers.importing`; running an import (parsing
within the limits, a background import's progress and failure) is `papers.ingest`. An
annotation import bringing back a native export (`annotations.imports.native`) writes the
structure of the file's papers with `structure_write` too, so a paper's structure has one writer.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.files.base import ContentFile
from django.db import transaction

from .anchors import paragraph_anchors
from .hooks import hook
from .importing import ParsedPaper
from .models import Citation, Paper, Paragraph, Reference, Section

__all__ = [
    "Structure",
    "WrittenStructure",
    "paper_save",
    "provisional_title",
    "store_source",
    "structure_from_parsed",
    "structure_write",
]

BATCH = 2000


def store_source(*, sha256: str, data: bytes) -> str:
    """Save the uploaded bytes under their SHA-256 (once: the same bytes share one file) and
    return the storage name for `Paper.source_file`."""
    field = Paper._meta.get_field("source_file")
    name = field.generate_filename(Paper(source_sha256=sha256), "")
    if not field.storage.exists(name):
        name = field.storage.save(name, ContentFile(data))
    return name


def provisional_title(filename: str) -> str:
    """The title an importing paper shows until its own is found: the file's name."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] if filename else ""
    return " ".join(stem.replace("_", " ").split())[:1000] or "Untitled paper"


@transaction.atomic
def paper_save(
    *,
    parsed: ParsedPaper,
    title: str | None,
    paper: Paper | None = None,
    group=None,
    user=None,
    filename: str = "",
    sha256: str = "",
    source_file: str = "",
) -> Paper:
    """Save a parsed paper with its whole structure, in one transaction.

    Without `paper`, a new ready Paper in `group`. With `paper` (a background import), fill that
    importing Paper instead: it becomes ready at 100%, unless it was deleted meanwhile, in which
    case nothing is saved and `Paper.DoesNotExist` is raised.
    """
    if paper is None:
        paper = Paper(
            group=group,
            created_by=user if user is not None and user.is_authenticated else None,
            source_filename=filename[:255],
            source_sha256=sha256,
            source_file=source_file,
        )
    else:
        # Lock the row: a rename or a delete waits for the structure, or wins before it.
        paper = Paper.objects.select_for_update().get(pk=paper.pk, status=Paper.Status.IMPORTING)
        if title is None and paper.title != provisional_title(paper.source_filename):
            title = paper.title  # given at upload, or renamed while importing
        filename = paper.source_filename
    paper.title = (title or parsed.title or filename or "Untitled paper")[:1000]
    paper.authors = parsed.authors
    paper.keywords = parsed.keywords
    paper.abstract = parsed.abstract
    paper.language = parsed.language
    paper.source_format = parsed.source_format
    paper.status = Paper.Status.READY
    paper.progress = 100
    paper.error = ""
    paper.save()
    structure_write(paper, structure_from_parsed(parsed))
    paper_text_saved(paper)
    if added := hook("MARGINALIA_PAPER_ADDED"):
        added(paper)  # in this transaction: the group's members hear of it (notifications)
    return paper


def paper_text_saved(paper: Paper) -> None:
    """Tell what `MARGINALIA_PAPER_TEXT_SAVED` names (a dotted path, `f(paper)`) that the
    paper's title, authors, abstract or paragraphs were written, inside the writer's
    transaction: the search index follows (annotations.search.index.paper_index). papers never
    imports the apps built on it, config wires them (docs/architecture.md); empty: nothing."""
    if saved := hook("MARGINALIA_PAPER_TEXT_SAVED"):
        saved(paper)


# The structure


class SectionRow(TypedDict):
    id: Hashable
    position: int
    level: int
    title: str


class ParagraphRow(TypedDict):
    id: Hashable
    position: int
    section: Hashable | None  # a SectionRow's id
    kind: str
    anchor: str
    text: str
    marks: list[dict]
    group_key: int | None
    label: str


class ReferenceRow(TypedDict):
    id: Hashable
    position: int
    label: str
    text: str
    authors: list[str]
    year: int | None
    title: str
    url: str | None
    doi: str | None


class CitationRow(TypedDict):
    paragraph: Hashable  # a ParagraphRow's id
    start: int
    end: int
    text: str
    reference: Hashable | None  # a ReferenceRow's id
    candidates: list[Hashable]  # ReferenceRow ids


@dataclass
class Structure:
    """A paper's structure to write, as rows named after the models' fields. `id`s are the
    caller's own keys (a parse's list indices, a file's ids), by which paragraphs name their
    section and citations their paragraph, reference and candidates. Rows may carry more keys."""

    sections: list[SectionRow]
    paragraphs: list[ParagraphRow]
    references: list[ReferenceRow]
    citations: list[CitationRow]


@dataclass
class WrittenStructure:
    """The saved rows, by the caller's ids (citations in the order given)."""

    sections: dict[Any, Section]
    paragraphs: dict[Any, Paragraph]
    references: dict[Any, Reference]
    citations: list[Citation]


def structure_from_parsed(parsed: ParsedPaper) -> Structure:
    """A parsed paper's structure as rows: ids are list indices, positions count from 1, and
    each paragraph gets its anchor (papers.anchors)."""
    anchors = paragraph_anchors(p.text for p in parsed.paragraphs)
    return Structure(
        sections=[
            {"id": i, "position": i + 1, "level": s.level, "title": s.title}
            for i, s in enumerate(parsed.sections)
        ],
        paragraphs=[
            {
                "id": i,
                "position": i + 1,
                "section": p.section,
                "kind": p.kind,
                "anchor": anchor,
                "text": p.text,
                "marks": p.marks,
                "group_key": p.group_key,
                "label": p.label,
            }
            for i, (p, anchor) in enumerate(zip(parsed.paragraphs, anchors, strict=True))
        ],
        references=[
            {
                "id": i,
                "position": i + 1,
                "label": r.label,
                "text": r.text,
                "authors": r.authors,
                "year": r.year,
                "title": r.title,
                "url": r.url,
                "doi": r.doi,
            }
            for i, r in enumerate(parsed.references)
        ],
        citations=[
            {
                "paragraph": c.paragraph,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "reference": c.reference,
                "candidates": c.candidates,
            }
            for c in parsed.citations
        ],
    )


def structure_write(paper: Paper, structure: Structure) -> WrittenStructure:
    """Bulk-create the paper's sections, paragraphs, references and citations (with their
    candidates), in the caller's transaction; text longer than its column is cut to fit."""
    sections = _sections_write(paper, structure.sections)
    paragraphs = _paragraphs_write(paper, structure.paragraphs, sections)
    references = _references_write(paper, structure.references)
    citations = _citations_write(paper, structure.citations, paragraphs, references)
    return WrittenStructure(sections, paragraphs, references, citations)


def _by_id(rows: list, objs: list) -> dict:
    return dict(zip([row["id"] for row in rows], objs, strict=True))


def _sections_write(paper: Paper, rows: list[SectionRow]) -> dict[Any, Section]:
    sections = [
        Section(
            paper=paper,
            position=row["position"],
            level=row["level"],
            title=row["title"][:1000],
            anchor=f"s-{row['position']}",
        )
        for row in rows
    ]
    return _by_id(rows, Section.objects.bulk_create(sections, batch_size=BATCH))


def _paragraphs_write(
    paper: Paper, rows: list[ParagraphRow], sections: dict[Any, Section]
) -> dict[Any, Paragraph]:
    paragraphs = [
        Paragraph(
            paper=paper,
            section=sections[row["section"]] if row["section"] is not None else None,
            position=row["position"],
            kind=row["kind"],
            anchor=row["anchor"],
            text=row["text"],
            marks=row["marks"],
            group_key=row["group_key"],
            label=row["label"][:20],
        )
        for row in rows
    ]
    return _by_id(rows, Paragraph.objects.bulk_create(paragraphs, batch_size=BATCH))


def _references_write(paper: Paper, rows: list[ReferenceRow]) -> dict[Any, Reference]:
    references = [
        Reference(
            paper=paper,
            position=row["position"],
            label=row["label"][:40],
            text=row["text"],
            authors=row["authors"],
            year=row["year"],
            title=row["title"],
            url=(row["url"] or "")[:2000],
            doi=(row["doi"] or "")[:255],
        )
        for row in rows
    ]
    return _by_id(rows, Reference.objects.bulk_create(references, batch_size=BATCH))


def _citations_write(
    paper: Paper,
    rows: list[CitationRow],
    paragraphs: dict[Any, Paragraph],
    references: dict[Any, Reference],
) -> list[Citation]:
    citations = Citation.objects.bulk_create(
        [
            Citation(
                paper=paper,
                paragraph=paragraphs[row["paragraph"]],
                start=row["start"],
                end=row["end"],
                text=row["text"][:500],
                reference=references[row["reference"]] if row["reference"] is not None else None,
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
    Through = Citation.candidates.through
    Through.objects.bulk_create(
        [
            Through(citation_id=citation.pk, reference_id=references[candidate].pk)
            for citation, row in zip(citations, rows, strict=True)
            for candidate in dict.fromkeys(row["candidates"])
        ],
        batch_size=BATCH,
    )
    return citations
