"""The worker's half of a background import of annotations (annotations.imports.jobs has the
request's half): `import_job_run` runs a queued AnnotationImport to its end, done with its
report or failed with the reason, with a heartbeat while it runs (papers.heartbeat)."""

import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from papers.heartbeat import Heartbeat

from ..models import AnnotationImport
from .report import ImportReport
from .services import NOT_A_MEMBER, import_file

__all__ = ["delete_source", "import_job_fail", "import_job_run"]

logger = logging.getLogger(__name__)

Status = AnnotationImport.Status
# Of a job's progress: checking the file (in the child) is 0-60%, writing 60-99%, done 100.
CHECKED = 60


def _progress(job_id: int, fraction: float) -> None:
    """The child's share of the checking, as whole percents, only forward (a few UPDATEs)."""
    AnnotationImport.objects.filter(
        pk=job_id, status=Status.RUNNING, progress__lt=int(fraction * CHECKED)
    ).update(progress=int(fraction * CHECKED))


def _beat(job_id: int) -> None:
    AnnotationImport.objects.filter(pk=job_id, status=Status.RUNNING).update(
        heartbeat=timezone.now()
    )


class _Abandoned(Exception):
    """The job stopped running while it was written (marked failed): undo the write."""


def _done(job_id: int, report: ImportReport) -> None:
    """Inside the import's transaction: the job is done with its report, or everything is
    undone when it is no longer running."""
    now = timezone.now()
    marked = AnnotationImport.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE, progress=100, report=report.as_dict(), finished=now, heartbeat=now
    )
    if not marked:
        raise _Abandoned


def import_job_fail(job_id: int, error: str) -> None:
    """Mark a queued or running job failed with its one-line reason."""
    AnnotationImport.objects.filter(pk=job_id, status__in=(Status.QUEUED, Status.RUNNING)).update(
        status=Status.FAILED, error=error, finished=timezone.now()
    )


def import_job_run(*, job_id: int) -> AnnotationImport | None:
    """Run a queued job to its end (done, or failed with the reason); None when it is gone or
    was not queued (run already, or dismissed)."""
    now = timezone.now()
    started = AnnotationImport.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started=now, heartbeat=now
    )
    if not started:
        return None
    job = AnnotationImport.objects.select_related("importer", "group", "paper").get(pk=job_id)
    try:
        with Heartbeat(partial(_beat, job.pk)):
            with job.source_file.open("rb") as source:
                data = source.read()
            import_file(
                user=job.importer,
                group=job.group,
                data=data,
                paper=job.paper,
                default_role=job.default_role or None,
                progress=partial(_progress, job.pk),
                on_written=partial(_done, job.pk),
            )
    except _Abandoned:
        pass  # marked failed meanwhile: nothing was written
    except ValidationError as exc:  # ImportRefused, UploadTooLarge
        import_job_fail(job.pk, " ".join(" ".join(exc.messages).split()))
    except PermissionDenied as exc:  # no longer a member
        import_job_fail(job.pk, str(exc) or NOT_A_MEMBER)
    except FileNotFoundError:
        import_job_fail(job.pk, "The uploaded file is missing; please send it again.")
    except Exception:
        logger.exception("Annotation import %s failed unexpectedly", job.pk)
        import_job_fail(
            job.pk, "The import failed because of an error on our side; it has been logged."
        )
        raise
    finally:
        delete_source(job)
    return AnnotationImport.objects.filter(pk=job.pk).first()


def delete_source(job: AnnotationImport) -> None:
    """Delete the job's stored upload (once it has ended: nothing reads it again)."""
    if job.source_file:
        try:
            job.source_file.storage.delete(job.source_file.name)
        except OSError:
            logger.warning("Could not delete %s", job.source_file.name, exc_info=True)
