"""Errors services raise that mean one particular HTTP answer to the API's exception handler
(papers.api.base.exception_handler). They live here, below both apps, so that any service may
raise them (`annotations` imports from `papers`, never the reverse) and the handler imports no
service module."""

from django.core.exceptions import ValidationError


class UploadTooLarge(ValidationError):
    """The upload is over MARGINALIA_MAX_UPLOAD_MB (HTTP 413)."""


class Conflict(Exception):
    """The item changed (or was deleted) since the version the client started from: HTTP 412
    when the request had If-Match, 409 without. `current_version` is the version now stored
    (None: deleted)."""

    def __init__(self, message: str, *, current_version: int | None = None):
        super().__init__(message)
        self.message = message
        self.current_version = current_version
