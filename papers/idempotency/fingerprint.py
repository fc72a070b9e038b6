"""What makes two requests with one `Idempotency-Key` the same request: the method, the path with
its query, and the data as DRF parsed it, uploaded files by their contents. Parsed data rather
than raw bytes, so that a multipart upload (whose body Django has already streamed to the file
handlers) is fingerprinted like JSON, and the key order of a JSON object does not matter."""

import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict


def _file_digest(upload: UploadedFile) -> dict:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it next
    return {"file": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def _plain(value):
    """The data as JSON-able values: QueryDicts as lists per key, files as their digests."""
    if isinstance(value, UploadedFile):
        return _file_digest(value)
    if isinstance(value, QueryDict):
        return {key: [_plain(item) for item in value.getlist(key)] for key in value}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def request_fingerprint(request) -> str:
    """sha256 (hex) of the request's method, full path and parsed data (DRF `request.data`)."""
    # request.data is bounded in depth by the API's parser (papers/api/parsers.py: 64 levels,
    # a 400 past them), so walking it here cannot exhaust the stack.
    payload = {
        "method": request.method,
        "path": request.get_full_path(),
        "data": _plain(request.data),
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
