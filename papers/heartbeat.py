"""Heartbeats of background imports, and finding the ones whose worker died.

A running import (a paper's, `papers.ingest.paper_import_run`; an annotation import's,
`annotations.imports.jobs`) has a `heartbeat` column that a thread of the worker touches every
MARGINALIA_IMPORT_HEARTBEAT_SECONDS for as long as the import runs: while the file is read,
while the parent waits on the isolated child, while the rows are written. A thread, because
the main thread may be busy for long stretches where it cannot beat (Markdown parsed in-process,
Hypothesis rows anchored, a long transaction). An import whose heartbeat is older than
MARGINALIA_IMPORT_STALE_SECONDS lost its worker (killed, out of memory, its host gone): the
recovery marks it failed (`stale_mark`). A queued import has no heartbeat yet: waiting for a
worker is not dying.

No model here: the callers say which rows and what "failed" writes.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

__all__ = ["Heartbeat", "is_stale", "stale_cutoff", "stale_mark"]

logger = logging.getLogger(__name__)


class Heartbeat:
    """`with Heartbeat(touch):` calls `touch()` from a thread every `every` seconds (default
    MARGINALIA_IMPORT_HEARTBEAT_SECONDS) until the block ends. The thread has database
    connections of its own, closed when it stops; a failed beat (the database busy or away) is
    logged and the next one tried."""

    def __init__(self, touch: Callable[[], None], *, every: float | None = None):
        self.touch = touch
        self.every = settings.MARGINALIA_IMPORT_HEARTBEAT_SECONDS if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="import-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    self.touch()
                except DatabaseError:
                    logger.warning("An import's heartbeat could not be written", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections only


def stale_cutoff(stale_seconds: float | None = None) -> datetime:
    """Heartbeats older than this are stale."""
    if stale_seconds is None:
        stale_seconds = settings.MARGINALIA_IMPORT_STALE_SECONDS
    return timezone.now() - timedelta(seconds=stale_seconds)


def is_stale(heartbeat: datetime | None, cutoff: datetime | None = None) -> bool:
    """Whether a running import's heartbeat says its worker is gone (None: not started)."""
    return heartbeat is not None and heartbeat < (cutoff or stale_cutoff())


def stale_mark(running: QuerySet, *, cutoff: datetime | None = None, **failed) -> list[int]:
    """Write `failed` (the failed status and its message) on the rows of `running` (the
    caller's "still running" rows) whose heartbeat is older than `cutoff`; their ids.

    On PostgreSQL a row locked by a transaction (an import writing its result, whose heartbeat
    waits on that lock) is skipped: a held lock is a live worker. The UPDATE asks the condition
    again, so an import that finished meanwhile stays finished.
    """
    stale = running.filter(heartbeat__lt=cutoff or stale_cutoff())
    with transaction.atomic(using=running.db):
        ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if ids:
            stale.filter(pk__in=ids).update(**failed)
    return ids
