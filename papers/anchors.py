"""Stable paragraph anchors derived from content.

An anchor is `p-` plus eight hex digits of a hash of the paragraph's normalised text, so the same
paragraph gets the same anchor in a re-import or a revised version of the paper, and `#p-…` links
keep working. Identical paragraphs in one paper get `-2`, `-3`, … in order.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")


def anchor_for(text: str) -> str:
    normal = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()
    return "p-" + hashlib.blake2b(normal.encode("utf-8"), digest_size=4).hexdigest()


def paragraph_anchors(texts: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    anchors = []
    for text in texts:
        base = anchor_for(text)
        seen[base] = seen.get(base, 0) + 1
        anchors.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return anchors
