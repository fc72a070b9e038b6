"""Imports of annotations as background jobs (AnnotationImport), so that a large file costs the
web process nothing but storing it: the request checks what it cheaply can (the caller's
membership, the group and paper they see, the size), stores the file, creates the job and
answers 202 (`import_job_start`); a worker runs `import_job_run` (annotations.imports.running),
which calls `import_file` as a small import in the request does: the file checked in a child
process within MARGINALIA_IMPORT_TIMEOUT and MARGINALIA_IMPORT_MEMORY_MB, then written in one
transaction that also marks the job done, so that "done" and the rows are committed together.

While it runs the job has a heartbeat (papers.heartbeat); one whose worker died is marked
failed with papers.recovery.STOPPED when it is read (`import_job_recover_if_stale`) and by
`manage.py recover_imports` (`import_jobs_recover`). A finished job (done or failed) can be
dismissed by its importer (`import_job_dismiss`). The stored file is deleted when the job ends.
"""

import logging
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from papers.heartbeat import is_stale, stale_mark
from papers.models import Paper, ReadingGroup
from papers.permissions import can_add_paper
from papers.recovery import STOPPED
from papers.services import check_upload_size, imports_in_background

from ..models import AnnotationImport
from .report import ImportReport
from .running import delete_source, import_job_fail
from .services import NOT_A_MEMBER, import_file
from .tasks import import_annotations_task

__all__ = [
    "import_job_dismiss",
    "import_job_recover_if_stale",
    "import_job_start",
    "import_jobs_recover",
    "import_start",
]

logger = logging.getLogger(__name__)

Status = AnnotationImport.Status


def import_start(
    *,
    user,
    group: ReadingGroup,
    data: bytes,
    filename: str = "",
    paper: Paper | None = None,
    default_role: str | None = None,
) -> ImportReport | AnnotationImport:
    """Import a small file at once (its report, as `import_file`); queue a large one (its job,
    `import_job_start`). The threshold is the paper uploads' (papers.services, which decides
    the same way for papers in `paper_import_start`)."""
    if not imports_in_background(len(data), "json"):
        return import_file(
            user=user, group=group, data=data, paper=paper, default_role=default_role
        )
    return import_job_start(
        user=user,
        group=group,
        data=data,
        filename=filename,
        paper=paper,
        default_role=default_role,
    )


def import_job_start(
    *,
    user,
    group: ReadingGroup,
    data: bytes,
    filename: str = "",
    paper: Paper | None = None,
    default_role: str | None = None,
) -> AnnotationImport:
    """Store the file and queue its import: a job `queued` at 0%. What can be refused without
    reading the file is (PermissionDenied, UploadTooLarge); the rest is the job's to find."""
    if not can_add_paper(user, group):
        raise PermissionDenied(NOT_A_MEMBER)
    check_upload_size(len(data))
    with transaction.atomic():
        job = AnnotationImport(
            importer=user,
            group=group,
            paper=paper,
            default_role=default_role or "",
            source_filename=(filename or "import.json")[:255],
            size=len(data),
        )
        job.source_file.save("upload.json", ContentFile(data), save=False)
        job.save()
        # Queued once the row is committed, so that a worker always finds it.
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    try:
        import_annotations_task.enqueue(job_id)
    except Exception:
        logger.exception("Could not queue annotation import %s", job_id)
        import_job_fail(job_id, "The import could not be queued; please send the file again.")


def import_jobs_recover(
    *, cutoff: datetime | None = None, ids: list[int] | None = None
) -> list[int]:
    """Mark failed every running job (of `ids`, when given) whose heartbeat is older than
    `cutoff` (default: MARGINALIA_IMPORT_STALE_SECONDS ago); their ids."""
    running = AnnotationImport.objects.filter(status=Status.RUNNING)
    if ids is not None:
        running = running.filter(pk__in=ids)
    return stale_mark(
        running, cutoff=cutoff, status=Status.FAILED, error=STOPPED, finished=timezone.now()
    )


def import_job_recover_if_stale(job: AnnotationImport) -> AnnotationImport:
    """The job as read, marked failed first when its worker died (no query otherwise)."""
    if job.status == Status.RUNNING and is_stale(job.heartbeat):
        if import_jobs_recover(ids=[job.pk]):
            job.status, job.error = Status.FAILED, STOPPED
    return job


def import_job_dismiss(*, actor, job: AnnotationImport) -> None:
    """Delete a finished job (its record only: what it imported stays). Its importer may;
    a job still queued or running cannot be dismissed (ValidationError)."""
    if job.importer_id != actor.pk:
        raise PermissionDenied("Only the member who started an import may dismiss it.")
    deleted, _ = AnnotationImport.objects.filter(
        pk=job.pk, status__in=(Status.DONE, Status.FAILED)
    ).delete()
    if not deleted:
        raise ValidationError("This import is still running; it can be dismissed once it ends.")
    delete_source(job)
