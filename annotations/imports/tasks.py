"""The background task of annotation imports (django.tasks), run by `manage.py db_worker` or at
once with the immediate backend (MARGINALIA_TASKS_BACKEND). Thin: it calls one function."""

try:
    from django.tasks import task
except ImportError:  # Django 5.2 (the Python 3.11 fallback): the django-tasks backport
    from django_tasks import task

from .running import import_job_run


@task()
def import_annotations_task(job_id: int) -> None:
    """Check and write a queued import, or record why it failed, on its AnnotationImport."""
    import_job_run(job_id=job_id)
