"""Database outages: a request whose database is unreachable (connection refused, the server
closed the connection, it is shutting down) answers 503 with `Retry-After`, a plain page or, under
/api/, a JSON body, instead of a bare 500; and the outage is logged once, not per request.

Any `OperationalError` or `InterfaceError` counts: besides an unreachable server these are a lock
or statement timeout and a deadlock, for which "try again in a few seconds" is also the answer.
Recovery needs nothing from here: Django closes a connection that failed at the end of the request
(and `conn_health_checks` tests a persistent one before reuse), so the next request connects anew.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from ..api.handlers import is_api

logger = logging.getLogger("marginalia.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# While the outage lasts, a reminder at most this often (seconds).
REMIND_EVERY = 60.0
MESSAGE = "The database is unavailable; try again in a few seconds."


class Outage:
    """This process's view of the database: whether it is failing, since when, and how many
    requests were answered 503 meanwhile. Each process (gunicorn worker) logs its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the development server answers in threads
        self.since: float | None = None
        self._reminded = 0.0
        self._answered = 0

    def failed(self, error: Exception) -> None:
        """A request could not reach the database: log the first failure of an outage, then a
        reminder at most every REMIND_EVERY seconds."""
        now = time.monotonic()
        with self._lock:
            self._answered += 1
            if self.since is None:
                self.since = self._reminded = now
                logger.error(
                    "The database is unavailable (%s: %s); answering 503 until it is back",
                    type(error).__name__,
                    _one_line(error),
                )
            elif now - self._reminded >= REMIND_EVERY:
                self._reminded = now
                logger.error(
                    "The database is still unavailable after %d s; %d requests answered 503 "
                    "(last error %s: %s)",
                    now - self.since,
                    self._answered,
                    type(error).__name__,
                    _one_line(error),
                )

    def succeeded(self) -> None:
        """A request used the database without error: the outage, if any, is over."""
        if self.since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.since is None:
                return
            logger.warning(
                "The database is available again after %d s; %d requests answered 503",
                time.monotonic() - self.since,
                self._answered,
            )
            self.since, self._answered = None, 0


outage = Outage()


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def unavailable(request: HttpRequest, *, body: dict | None = None) -> HttpResponse:
    """The 503 answer: JSON `body` (default `{"detail"}` under /api/), else templates/503.html,
    rendered without the request so that no context processor touches the database."""
    if body is None and is_api(request):
        body = {"detail": MESSAGE}
    if body is not None:
        response = JsonResponse(body, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(settings.MARGINALIA_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # django.request logs every 5xx response; an outage is logged once, by Outage.
    response._has_been_logged = True
    response._database_outage = True
    return response


def _database_used_without_error() -> bool:
    # A request that opened (or reused) a connection and left it without error reached the
    # database; a failed one has `errors_occurred` set, or no connection at all.
    return connection.connection is not None and not connection.errors_occurred


class DatabaseOutageMiddleware:
    """First in MIDDLEWARE: turns a database error raised by a view (or its template) into the
    503 answer, and notices the first request that succeeds again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            outage.since is not None
            and not getattr(response, "_database_outage", False)
            and _database_used_without_error()
        ):
            outage.succeeded()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            outage.failed(exception)
            return unavailable(request)
        return None
