"""What every API viewset shares: authentication, permissions, pagination, throttles and
renderers (`APIv1Settings`), the one exception handler, and the ETag/If-Match helpers of
versioned items."""

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http.request import RequestDataTooBig
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from ..services import UploadTooLarge


def _one_line(messages: list[str]) -> str:
    return " ".join(" ".join(messages).split())


def exception_handler(exc, context):
    """DRF's handler, plus the errors services and Django raise on bad client input.

    A service's ValidationError becomes 400 `{"detail": "<one line>"}`, an oversized upload 413,
    and a malformed or oversized request body 400/413: never a 500 for what a client sends.
    """
    if isinstance(exc, UploadTooLarge):
        return Response({"detail": _one_line(exc.messages)}, status=413)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": _one_line(exc.messages)}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "The request body is too large."}, status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "The request could not be understood."}, status=400)
    return drf_exception_handler(exc, context)


class APIPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class APIv1Settings:
    """API-wide settings every viewset inherits: authentication, permissions, pagination,
    throttles, renderers. Token authentication comes first so that a missing credential answers
    401 (with `WWW-Authenticate: Token`), not 403."""

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
