"""Background tasks of notifications (django.tasks; papers/tasks.py says how they run). Thin:
each calls one function."""

try:
    from django.tasks import task
except ImportError:  # Django 5.2 (the Python 3.11 fallback): the django-tasks backport
    from django_tasks import task

from . import mail


@task()
def send_mails_task(notification_ids: list[int]) -> None:
    """Mail the DUE notifications among these ids that their recipients see (mail.send_due)."""
    mail.send_due(notification_ids)
