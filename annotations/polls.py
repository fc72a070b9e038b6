"""The ETag of a live-update poll (a `since` list of one paper) and the If-None-Match check.

The tag is a digest of who asks, the exact query, and `annotations.feed.feed_state`'s summary of
what the list holds: it changes when the list would, and only then, so it tells nothing about
what the caller may not see. The caller's identity and query are in it so that a tag is never
valid for another URL or another reader (a tag sent with a new `since` simply does not match).
Opaque on purpose: clients only send it back.

`feed_state` is exact but costs milliseconds of Python to build; `feed_mark` is one cheap query
that moves whenever the list could have changed. So each process remembers, for the last
mark it saw of each reader's query, the tag worked out for it: a poll whose mark has not moved
is answered from one cheap query (docs/api.md, "Polling"). When the mark has moved, the list is
read anyway: its rows give the summary (`summary`, when they fit in one page), so the exact
query runs only for lists of several pages. The memory is bounded (least
recently used entries go first) and per process: a process that has not seen a mark yet works
the tag out once.
"""

import hashlib
import json
import threading
from collections import OrderedDict

from django.utils.http import parse_etags

MEMO_SIZE = 20_000
_memo: OrderedDict[bytes, str] = OrderedDict()
_lock = threading.Lock()


def _digest(request, summary) -> bytes:
    asked = sorted(request.query_params.lists())
    key = json.dumps([request.user.pk, asked, summary], sort_keys=True, default=str)
    return hashlib.blake2b(key.encode(), digest_size=12).digest()


def remembered(request, mark: dict) -> str | None:
    """The tag this process worked out for this reader, query and `mark`, if any."""
    key = _digest(request, mark)
    with _lock:
        tag = _memo.get(key)
        if tag is not None:
            _memo.move_to_end(key)
        return tag


def remember(request, mark: dict, state: dict) -> str:
    """The tag of `state` (the exact summary, worked out after `mark` was read), remembered for
    this reader, query and `mark`."""
    tag = f'W/"{_digest(request, state).hex()}"'
    with _lock:
        _memo[_digest(request, mark)] = tag
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return tag


def summary(rows) -> dict:
    """`annotations.feed.feed_state` worked out from the rows themselves (each with `seen`), for
    a list that fits in one page: the same values, without its query."""
    whole = [row.pk for row in rows if row.seen]
    return {
        "n": len(rows),
        "versions": sum(row.version for row in rows) if rows else None,
        "last": max(row.updated for row in rows) if rows else None,
        "whole": len(whole),
        "whole_ids": sum(whole) if whole else None,
    }


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
