"""The Django side of an import: parse within the limits, save everything in one transaction,
and, for a background import, record its progress and its failure on the Paper row.

`papers.services` holds the entry points (`paper_import`, `paper_import_start`) and
`papers.tasks` the background task; both use what is here, which imports neither of them.
"""

import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .anchors import paragraph_anchors
from .importing import ImportFailed, ParsedPaper, parse_document
from .importing.isolation import ISOLATED_FORMATS, parse_isolated
from .importing.pipeline import Progress
from .models import Citation, Paper, Paragraph, Reference, Section

logger = logging.getLogger(__name__)

BATCH = 2000
# How often a background import writes Paper.progress, at most.
PROGRESS_EVERY = 0.5


def parse_upload(
    data: bytes, *, filename: str, fmt: str, progress: Progress | None = None
) -> ParsedPaper:
    """Parse bytes whose format is known, or raise ImportFailed.

    Formats read by C libraries (PDF, DOCX, HTML, JATS) run in a child process with
    MARGINALIA_IMPORT_TIMEOUT and MARGINALIA_IMPORT_MEMORY_MB; plain text and Markdown run here
    (pure Python and linear: see papers/importing/isolation.py).
    """
    if fmt in ISOLATED_FORMATS:
        return parse_isolated(
            data,
            filename=filename,
            fmt=fmt,
            progress=progress,
            timeout=settings.MARGINALIA_IMPORT_TIMEOUT,
            memory_mb=settings.MARGINALIA_IMPORT_MEMORY_MB,
        )
    return parse_document(data, filename=filename, fmt=fmt, progress=progress)


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
    paper.source_format = parsed.source_format
    paper.status = Paper.Status.READY
    paper.progress = 100
    paper.error = ""
    paper.save()
    _save_structure(paper, parsed)
    return paper


def _save_structure(paper: Paper, parsed: ParsedPaper) -> None:
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


def paper_progress_save(*, paper_id: int, percent: int) -> None:
    """Record how far an importing paper has got (one UPDATE; nothing once it is done)."""
    Paper.objects.filter(pk=paper_id, status=Paper.Status.IMPORTING).update(progress=percent)


def paper_import_fail(*, paper_id: int, error: str) -> None:
    """Mark an importing paper failed with its one-line reason. The row stays as the user's
    record of the attempt; it has no structure (that is saved only all at once)."""
    Paper.objects.filter(pk=paper_id, status=Paper.Status.IMPORTING).update(
        status=Paper.Status.FAILED, error=error, updated=timezone.now()
    )


class ImportProgress:
    """A progress callback for a background import: writes `Paper.progress` as a whole percent,
    only forward, and at most every PROGRESS_EVERY seconds (100 is left for the save)."""

    def __init__(
        self,
        paper_id: int,
        *,
        every: float | None = None,
        clock: Callable[[], float] | None = None,
    ):
        self.paper_id = paper_id
        self.every = PROGRESS_EVERY if every is None else every
        self.clock = clock or time.monotonic
        self.percent = 0
        self.at = -math.inf

    def __call__(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        now = self.clock()
        if percent <= self.percent or now - self.at < self.every:
            return
        paper_progress_save(paper_id=self.paper_id, percent=percent)
        self.percent, self.at = percent, now


def paper_import_run(*, paper_id: int) -> Paper | None:
    """The background half of an import: parse the stored upload and fill the importing Paper,
    or mark it failed with the reason. None when the paper is gone or no longer importing."""
    paper = Paper.objects.filter(pk=paper_id, status=Paper.Status.IMPORTING).first()
    if paper is None:
        return None
    try:
        with paper.source_file.open("rb") as source:
            data = source.read()
        parsed = parse_upload(
            data,
            filename=paper.source_filename,
            fmt=paper.source_format,
            progress=ImportProgress(paper.pk),
        )
        return paper_save(parsed=parsed, title=None, paper=paper)
    except ImportFailed as exc:
        paper_import_fail(paper_id=paper.pk, error=str(exc))
    except Paper.DoesNotExist:
        return None  # deleted while it was being parsed
    except FileNotFoundError:
        paper_import_fail(paper_id=paper.pk, error="The uploaded file is missing; upload it again.")
    except Exception:
        logger.exception("Importing paper %s failed unexpectedly", paper.pk)
        paper_import_fail(
            paper_id=paper.pk,
            error="The import failed because of an error on our side; it has been logged.",
        )
        raise
    paper.refresh_from_db()
    return paper
