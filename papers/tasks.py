"""Background tasks (django.tasks), run by `manage.py db_worker` with the database backend or
at once with the immediate one (MARGINALIA_TASKS_BACKEND). Thin: each calls one function."""

try:
    from django.tasks import task
except ImportError:  # Django 5.2 (the Python 3.11 fallback): the django-tasks backport
    from django_tasks import task

from .ingest import paper_import_run


@task()
def import_paper_task(paper_id: int) -> None:
    """Parse a queued upload and fill its Paper, or mark it failed with the reason."""
    paper_import_run(paper_id=paper_id)
