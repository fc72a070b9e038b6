"""Background paper imports that cannot die silently: one whose worker was killed (its
heartbeat stopped, papers.heartbeat) is marked failed with STOPPED, when the paper is read
(`paper_recover_if_stale`: the reading page, the API) and by `manage.py recover_imports`
(`papers_recover`, for cron). Its page and the API then offer to retry it
(`papers.services.paper_import_retry`) or to dismiss it (delete it)."""

from datetime import datetime

from django.utils import timezone

from .heartbeat import is_stale, stale_mark
from .models import Paper

__all__ = ["STOPPED", "paper_recover_if_stale", "papers_recover"]

STOPPED = "The import stopped unexpectedly; try again."


def papers_recover(*, cutoff: datetime | None = None, ids: list[int] | None = None) -> list[int]:
    """Mark failed every importing paper (of `ids`, when given) whose heartbeat is older than
    `cutoff` (default: MARGINALIA_IMPORT_STALE_SECONDS ago); their ids."""
    running = Paper.objects.filter(status=Paper.Status.IMPORTING)
    if ids is not None:
        running = running.filter(pk__in=ids)
    return stale_mark(
        running, cutoff=cutoff, status=Paper.Status.FAILED, error=STOPPED, updated=timezone.now()
    )


def paper_recover_if_stale(paper: Paper) -> Paper:
    """The paper as read, marked failed first when its import lost its worker. No query unless
    it is importing with a stale heartbeat."""
    if paper.status == Paper.Status.IMPORTING and is_stale(paper.heartbeat):
        if papers_recover(ids=[paper.pk]):
            paper.status, paper.error = Paper.Status.FAILED, STOPPED
    return paper
