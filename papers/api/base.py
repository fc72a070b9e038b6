"""What every API viewset shares: authentication, permissions, pagination, throttles and
renderers (`APIv1Settings`), the one exception handler, and the ETag/If-Match helpers of
versioned items."""

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http.request import RequestDataTooBig
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..errors import Conflict, UploadTooLarge
from ..idempotency.api import IdempotentPosts
from ..web.csp import BrowsableAPIRenderer


def _one_line(messages: list[str]) -> str:
    return " ".join(" ".join(messages).split())


def exception_handler(exc, context):
    """The API's one exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]): DRF's, plus what
    services and Django raise, the same for every view, so that nothing a client sends answers
    500 and no viewset translates errors itself.

    - `Conflict` (papers.errors): 412 when the request had If-Match, else 409 (the item was
      deleted meanwhile); `{"detail", "version"}` with the current version as ETag.
    - `UploadTooLarge`: 413 `{"detail": "<one line>"}`.
    - A `ValidationError` naming fields: 400 `{"<field>": ["<message>", ...]}`; one that names
      none: 400 `{"detail": "<one line>"}`.
    - A malformed or oversized request body: 400/413 `{"detail"}`.
    - Anything else is DRF's (its own exceptions, Http404, PermissionDenied), or a 500.
    """
    if isinstance(exc, Conflict):
        return _conflict(exc, context.get("request"))
    if isinstance(exc, UploadTooLarge):
        return _answer(
            {"detail": _one_line(exc.messages)}, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return _answer(exc.message_dict, status.HTTP_400_BAD_REQUEST)
        return _answer({"detail": _one_line(exc.messages)}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        body = {"detail": "The request body is too large."}
        return _answer(body, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        body = {"detail": "The request could not be understood."}
        return _answer(body, status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def _conflict(exc: Conflict, request) -> Response:
    code = status.HTTP_409_CONFLICT
    if request is not None and request.headers.get("If-Match"):
        code = status.HTTP_412_PRECONDITION_FAILED
    headers = {}
    if exc.current_version is not None:
        headers["ETag"] = etag(exc.current_version)
    body = {"detail": exc.message, "version": exc.current_version}
    return _answer(body, code, headers)


def _answer(body: dict, code: int, headers: dict | None = None) -> Response:
    set_rollback()  # as DRF does for its own errors (ATOMIC_REQUESTS)
    return Response(body, status=code, headers=headers)


class APIPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class APIv1Settings(IdempotentPosts):
    """API-wide settings every viewset inherits: authentication, permissions, pagination,
    throttles, renderers, and `Idempotency-Key` on POSTs (papers/idempotency/). Token
    authentication comes first so that a missing credential answers 401 (with
    `WWW-Authenticate: Token`), not 403."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = APIPagination
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]


def etag(version: int) -> str:
    return f'W/"{version}"'


def expected_version(request) -> int | None:
    """The version named by If-Match (`W/"3"`, `"3"` or `3`); None without one, or with `*`."""
    value = request.headers.get("If-Match", "").strip()
    if not value or value == "*":
        return None
    digits = value.removeprefix("W/").strip('"')
    if not digits.isdigit():
        raise ParseError('If-Match takes the ETag the item was read with, e.g. W/"3".')
    return int(digits)
