"""The ETag of a live-update poll (a `since` list of one paper) and the If-None-Match check.

The tag is a digest of who asks, the exact query, and `annotations.feed.feed_state`'s summary of
what the list holds: it changes when the list would, and only then, so it tells nothing about
what the caller may not see. The caller's identity and query are in it so that a tag is never
valid for another URL or another reader (a tag sent with a new `since` simply does not match).
Opaque on purpose: clients only send it back.

`feed_state` is exact but costs milliseconds of Python to build; `feed_mark` is one cheap query
that moves whenever the list could have changed. So each process remembers, for the last
mark it saw of each reader's query, the tag worked out for it: a poll whose mark has not moved
is answered from one cheap query (docs/api.md, "Polling"). The memory is bounded (least
recently used entries go first) and per process: a process that has not seen a mark yet works
the tag out once.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.utils.http import parse_etags

MEMO_SIZE = 20_000
_memo: OrderedDict[bytes, str] = OrderedDict()
_lock = threading.Lock()


def _digest(request, summary) -> bytes:
    asked = sorted(request.query_params.lists())
    key = json.dumps([request.user.pk, asked, summary], sort_keys=True, default=str)
    return hashlib.blake2b(key.encode(), digest_size=12).digest()


def poll_etag(request, mark: dict, state: Callable[[], dict]) -> str:
    """The list's ETag: the one remembered for this reader, query and `mark`, or made from
    `state()` (the exact summary) and remembered."""
    key = _digest(request, mark)
    with _lock:
        tag = _memo.get(key)
        if tag is not None:
            _memo.move_to_end(key)
            return tag
    tag = f'W/"{_digest(request, state()).hex()}"'
    with _lock:
        _memo[key] = tag
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return tag


def forget() -> None:
    """Empty this process's memory of tags (tests)."""
    with _lock:
        _memo.clear()


def not_modified(request, tag: str) -> bool:
    """Whether If-None-Match names `tag` (weak comparison, as RFC 9110 asks for GET)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    return any(etag.removeprefix("W/") == wanted for etag in parse_etags(header))
