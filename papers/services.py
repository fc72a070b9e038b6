"""Writes that touch several rows. Each owns its transaction and raises ValidationError with a
message a person can act on."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .anchors import paragraph_anchors
from .importing import ImportFailed, parse_document
from .models import Citation, Paper, Paragraph, ReadingGroup, Reference, Section


class UploadTooLarge(ValidationError):
    """The upload is over MARGINALIA_MAX_UPLOAD_MB (HTTP 413)."""


def check_upload_size(size: int) -> None:
    limit = settings.MARGINALIA_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            f"The file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB."
        )


def paper_import(
    *,
    group: ReadingGroup,
    user=None,
    data: bytes,
    filename: str = "",
    fmt: str | None = None,
    title: str | None = None,
) -> Paper:
    """Parse `data` and save the paper with its whole structure, or save nothing."""
    check_upload_size(len(data))
    try:
        parsed = parse_document(data, filename=filename, fmt=fmt)
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from None
    return paper_save(
        group=group,
        user=user,
        parsed=parsed,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        title=title,
    )


BATCH = 2000


@transaction.atomic
def paper_save(*, group, user, parsed, filename: str, sha256: str, title: str | None) -> Paper:
    paper = Paper.objects.create(
        group=group,
        created_by=user if user is not None and user.is_authenticated else None,
        title=(title or parsed.title or filename or "Untitled paper")[:1000],
        authors=parsed.authors,
        keywords=parsed.keywords,
        abstract=parsed.abstract,
        source_format=parsed.source_format,
        source_filename=filename[:255],
        source_sha256=sha256,
        status=Paper.Status.READY,
    )
    sections = Section.objects.bulk_create(
        [
            Section(paper=paper, position=i, level=s.level, title=s.title[:1000], anchor=f"s-{i}")
            for i, s in enumerate(parsed.sections, start=1)
        ],
        batch_size=BATCH,
    )
    anchors = paragraph_anchors(p.text for p in parsed.paragraphs)
    paragraphs = Paragraph.objects.bulk_create(
        [
            Paragraph(
                paper=paper,
                section=sections[p.section] if p.section is not None else None,
                position=i,
                kind=p.kind,
                anchor=anchor,
                text=p.text,
                marks=p.marks,
                group_key=p.group_key,
                label=p.label[:20],
            )
            for i, (p, anchor) in enumerate(zip(parsed.paragraphs, anchors, strict=True), start=1)
        ],
        batch_size=BATCH,
    )
    references = Reference.objects.bulk_create(
        [
            Reference(
                paper=paper,
                position=i,
                label=r.label[:40],
                text=r.text,
                authors=r.authors,
                year=r.year,
                title=r.title,
                url=(r.url or "")[:2000],
                doi=(r.doi or "")[:255],
            )
            for i, r in enumerate(parsed.references, start=1)
        ],
        batch_size=BATCH,
    )
    citations = Citation.objects.bulk_create(
        [
            Citation(
                paper=paper,
                paragraph=paragraphs[c.paragraph],
                start=c.start,
                end=c.end,
                text=c.text[:500],
                reference=references[c.reference] if c.reference is not None else None,
            )
            for c in parsed.citations
        ],
        batch_size=BATCH,
    )
    Through = Citation.candidates.through
    Through.objects.bulk_create(
        [
            Through(citation_id=citation.pk, reference_id=references[index].pk)
            for citation, parsed_citation in zip(citations, parsed.citations, strict=True)
            for index in parsed_citation.candidates
        ],
        batch_size=BATCH,
    )
    return paper


def paper_rename(*, paper: Paper, title: str) -> Paper:
    title = " ".join(title.split())
    if not title:
        raise ValidationError("A paper's title cannot be empty.")
    paper.title = title[:1000]
    paper.save(update_fields=["title", "updated"])
    return paper


@transaction.atomic
def paper_delete(*, paper: Paper) -> None:
    """Delete the paper with its structure (sections, paragraphs, references, citations)."""
    paper.delete()
