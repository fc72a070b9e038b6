"""Ingesting an upload (running its import): parse it within the limits (`parse_upload`, for
imports now and in the background), and the background half (`paper_import_run`), which
records its progress and its failure on the Paper row.

`papers.services` holds the entry points (`paper_import`, `paper_import_start`) and
`papers.tasks` the background task; both use what is here, which imports neither of them.
Parsing itself is `papers.importing`; saving the parsed paper is `papers.saving`.
"""

import logging
import math
import time
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.utils import timezone

from .heartbeat import Heartbeat
from .importing import ImportFailed, ParsedPaper, parse_document
from .importing.isolation import ISOLATED_FORMATS, parse_isolated
from .importing.pipeline import Progress
from .models import Paper
from .saving import paper_save

__all__ = [
    "ImportProgress",
    "paper_heartbeat",
    "paper_import_fail",
    "paper_import_run",
    "paper_progress_save",
    "parse_upload",
]

logger = logging.getLogger(__name__)

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


def paper_progress_save(*, paper_id: int, percent: int) -> None:
    """Record how far an importing paper has got (one UPDATE; nothing once it is done)."""
    Paper.objects.filter(pk=paper_id, status=Paper.Status.IMPORTING).update(progress=percent)


def paper_heartbeat(*, paper_id: int) -> None:
    """Say that the worker importing this paper is alive (one UPDATE; nothing once done)."""
    Paper.objects.filter(pk=paper_id, status=Paper.Status.IMPORTING).update(
        heartbeat=timezone.now()
    )


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
    # Running from now on: the first beat here, the others from a thread until it is done.
    paper_heartbeat(paper_id=paper.pk)
    try:
        with Heartbeat(partial(paper_heartbeat, paper_id=paper.pk)):
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
