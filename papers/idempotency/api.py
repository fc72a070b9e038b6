"""`IdempotentPosts`: the DRF side of `Idempotency-Key`, mixed into every API viewset through
`papers.api.base.APIv1Settings`.

A POST from a signed-in caller with the header claims the key after authentication, permissions
and throttles (a replay still counts against the caller's rate), before the view runs. The
view's 2xx answer is kept (status, body, `Location` and `ETag`) and answered again, with
`Idempotent-Replayed: true`, to the same key with the same request; any other answer releases
the key so that a retry runs again. Anonymous callers and other methods are not concerned: the
header is ignored.
"""

import json
import re

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .fingerprint import request_fingerprint
from .services import KeyInUse, KeyReused, key_claim, key_finish, key_release

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The answer's headers kept and replayed with its body: they name what the request made.
KEPT_HEADERS = ("Location", "ETag")
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class KeyInUseError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "A request with this Idempotency-Key is still being processed; wait for its answer "
        "before trying again."
    )
    default_code = "idempotency_key_in_use"


class KeyReusedError(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used with a different request; send a new key for "
        "a new request."
    )
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    """Raised from `initial` to answer with the stored result instead of running the view."""

    def __init__(self, response: Response):
        self.response = response


def _key(request) -> str | None:
    """The request's key when it concerns us: a signed-in caller's POST with the header."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _VALID_KEY.fullmatch(key):
        raise ParseError(f"{HEADER} must be 1 to 255 visible ASCII characters (no spaces).")
    return key


def _json_safe(data):
    """The response's data as stored JSON (dates, UUIDs and decimals as DRF renders them)."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


class IdempotentPosts:
    """Answers a repeated POST (same user, `Idempotency-Key` and request) with the first answer."""

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        self._idempotency_claim = None
        super().initial(request, *args, **kwargs)
        key = _key(request)
        if key is None:
            return
        try:
            claim = key_claim(user=request.user, key=key, fingerprint=request_fingerprint(request))
        except KeyInUse:
            raise KeyInUseError from None
        except KeyReused:
            raise KeyReusedError from None
        if claim.answered:
            record = claim.record
            headers = {**record.headers, REPLAYED_HEADER: "true"}
            raise _Replay(Response(record.body, status=record.status, headers=headers))
        self._idempotency_claim = claim.record

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except BaseException:
            # A 500 on its way out: the key must not stay claimed by a request that is gone.
            self._idempotency_done(None)
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self._idempotency_done(response)
        return response

    def _idempotency_done(self, response) -> None:
        record, self._idempotency_claim = self._idempotency_claim, None
        if record is None:
            return
        if isinstance(response, Response) and 200 <= response.status_code < 300:
            key_finish(
                record=record,
                status=response.status_code,
                body=_json_safe(response.data),
                headers={
                    name: response[name] for name in KEPT_HEADERS if response.has_header(name)
                },
            )
        else:
            key_release(record=record)
