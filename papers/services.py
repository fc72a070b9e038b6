"""Writes that touch several rows. Each owns its transaction and raises ValidationError (bad
input) or PermissionDenied (the actor may not; asked of `papers.permissions`) with a message a
person can act on.

Importing: `paper_import` parses and saves at once; `paper_import_start` (pages and API) does
that for a small file and queues a large one as a background task (`papers.tasks`), leaving a
Paper with status "importing" that the task fills or marks failed. Parsing within the limits is
`papers.ingest.parse_upload`, saving the parsed paper `papers.saving.paper_save`.
"""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import permissions
from .errors import UploadTooLarge
from .importing import ImportFailed
from .importing.detect import detect_format
from .importing.pipeline import Progress
from .ingest import paper_import_fail, parse_upload
from .models import Paper, ReadingGroup
from .saving import paper_save, paper_text_saved, provisional_title, store_source
from .tasks import import_paper_task

__all__ = [
    "UploadTooLarge",
    "check_upload_size",
    "paper_delete",
    "paper_import",
    "paper_import_retry",
    "paper_import_start",
    "paper_rename",
]

logger = logging.getLogger(__name__)

# A PDF this large always goes to the background, whatever MARGINALIA_ASYNC_IMPORT_BYTES says:
# PDF parsing costs far more per byte than text.
PDF_ASYNC_BYTES = 2 * 1024 * 1024


def check_upload_size(size: int) -> None:
    limit = settings.MARGINALIA_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            f"The file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB."
        )


def _detect(data: bytes, filename: str, fmt: str | None) -> str:
    try:
        return detect_format(data, filename, fmt)
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from None


def paper_import(
    *,
    group: ReadingGroup,
    user=None,
    data: bytes,
    filename: str = "",
    fmt: str | None = None,
    title: str | None = None,
    progress: Progress | None = None,
) -> Paper:
    """Parse `data` now and save the paper with its whole structure, or save nothing.

    The upload is kept (`Paper.source_file`). `progress`, when given, hears the fraction done,
    up to 1.0 once saved.
    """
    check_upload_size(len(data))
    fmt = _detect(data, filename, fmt)
    try:
        parsed = parse_upload(data, filename=filename, fmt=fmt, progress=progress)
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from None
    sha256 = hashlib.sha256(data).hexdigest()
    paper = paper_save(
        group=group,
        user=user,
        parsed=parsed,
        filename=filename,
        sha256=sha256,
        title=title,
        source_file=store_source(sha256=sha256, data=data),
    )
    if progress is not None:
        progress(1.0)
    return paper


def imports_in_background(size: int, fmt: str) -> bool:
    """Whether an upload of this size and format is imported by a background task."""
    return size >= settings.MARGINALIA_ASYNC_IMPORT_BYTES or (
        fmt == "pdf" and size > PDF_ASYNC_BYTES
    )


def paper_import_start(
    *,
    group: ReadingGroup,
    user=None,
    data: bytes,
    filename: str = "",
    fmt: str | None = None,
    title: str | None = None,
) -> Paper:
    """Import a small file at once (a ready Paper, as `paper_import`); queue a large one.

    A queued import answers a Paper with status "importing" at 0%, titled after the file until
    its own title is found; `papers.tasks.import_paper_task` fills it (ready) or records why it
    failed (failed, with `error`). Input refused before parsing (size, format) saves nothing.
    """
    check_upload_size(len(data))
    fmt = _detect(data, filename, fmt)
    if not imports_in_background(len(data), fmt):
        return paper_import(
            group=group, user=user, data=data, filename=filename, fmt=fmt, title=title
        )
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        paper = Paper.objects.create(
            group=group,
            created_by=user if user is not None and user.is_authenticated else None,
            title=(title or provisional_title(filename))[:1000],
            source_format=fmt,
            source_filename=filename[:255],
            source_sha256=sha256,
            source_file=store_source(sha256=sha256, data=data),
            status=Paper.Status.IMPORTING,
            progress=0,
        )
        # Queued once the row is committed, so that a worker always finds it.
        transaction.on_commit(partial(_enqueue_import, paper.pk))
    return paper


def _enqueue_import(paper_id: int) -> None:
    try:
        import_paper_task.enqueue(paper_id)
    except Exception:
        logger.exception("Could not queue the import of paper %s", paper_id)
        paper_import_fail(
            paper_id=paper_id, error="The import could not be queued; please upload it again."
        )


def paper_import_retry(*, actor, paper: Paper) -> Paper:
    """Queue a failed import again from its stored upload: the paper is importing at 0% once
    more, and `papers.tasks.import_paper_task` runs it as it ran the first time."""
    if not permissions.can_retry_import(actor, paper):
        raise PermissionDenied(
            "Only the group's owners and moderators, or the member who added it, may retry "
            "its import."
        )
    if paper.status != Paper.Status.FAILED:
        raise ValidationError(
            f"Only a failed import can be tried again; this one is {paper.status}."
        )
    if not paper.source_file:
        raise ValidationError("There is no stored file to import again; upload it again.")
    with transaction.atomic():
        retried = Paper.objects.filter(pk=paper.pk, status=Paper.Status.FAILED).update(
            status=Paper.Status.IMPORTING, progress=0, error="", heartbeat=None
        )
        if not retried:
            raise ValidationError("This import is already being tried again.")
        transaction.on_commit(partial(_enqueue_import, paper.pk))
    paper.status, paper.progress, paper.error, paper.heartbeat = (
        Paper.Status.IMPORTING,
        0,
        "",
        None,
    )
    return paper


def paper_rename(*, actor, paper: Paper, title: str) -> Paper:
    """Give the paper a new title (white space collapsed); any active member of its group may."""
    if not permissions.can_change_paper(actor, paper):
        raise PermissionDenied("Only members of this group may rename its papers.")
    title = " ".join(title.split())
    if not title:
        raise ValidationError("A paper's title cannot be empty.")
    paper.title = title[:1000]
    with transaction.atomic():
        paper.save(update_fields=["title", "updated"])
        paper_text_saved(paper)
    return paper


@transaction.atomic
def paper_delete(*, actor, paper: Paper) -> None:
    """Delete the paper with its structure (sections, paragraphs, references, citations), and
    its stored upload once no other paper has the same bytes. The group's owners and moderators
    may, and the member who added it."""
    if not permissions.can_delete_paper(actor, paper):
        raise PermissionDenied(
            "Only the group's owners and moderators, or the member who added it, may delete "
            "a paper."
        )
    source = paper.source_file.name
    paper.delete()
    if source and not Paper.objects.filter(source_file=source).exists():
        storage = Paper._meta.get_field("source_file").storage
        transaction.on_commit(partial(storage.delete, source))
