"""The query syntax, parsed without the database (docs/search.md):

- words: every word must be found (in the text, or as the username of the post's author);
- "a phrase in quotes": the words in this order;
- -word, -"a phrase": what must not be found.

Words are what `\\w+` matches: punctuation is dropped, and a token holding several words
(state-of-the-art) is searched as their phrase. Both backends receive only these words, so
nothing a user types reaches the full-text syntax of PostgreSQL or FTS5 unquoted.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

MAX_LENGTH = 200
MAX_TERMS = 12

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_WORD = re.compile(r"\w+")
# A username's characters (Django's: letters, digits and @ . + - _), around a token's edges.
_USERNAME_EDGES = "\"'()[]{},;:!?"


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    excluded: bool = False
    # The token as typed, lowercased, when it joins its words with `.`, `@` or `-`: it may be a
    # username ("ana.lee"), which the words alone ("ana lee") would never name.
    token: str = field(default="", compare=False)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.excluded)


def parse(q: str | None) -> Query:
    """The terms of `q`; ValidationError on {"q"} when it is empty, too long, or only excludes."""
    q = (q or "").strip()
    if not q:
        raise ValidationError({"q": "Type something to search for."})
    if len(q) > MAX_LENGTH:
        raise ValidationError({"q": f"A search is at most {MAX_LENGTH} characters long."})
    terms: list[Term] = []
    for match in _TOKEN.finditer(q):
        minus_quoted, quoted, minus, bare = match.groups()
        words = tuple(w.lower() for w in _WORD.findall(quoted if quoted is not None else bare))
        token = bare.strip(_USERNAME_EDGES).lower() if bare is not None else ""
        if words:
            token = token if len(words) > 1 else ""
            terms.append(Term(words, excluded=bool(minus_quoted or minus), token=token))
    terms = list(dict.fromkeys(terms))  # the same term twice is one
    if len(terms) > MAX_TERMS:
        raise ValidationError({"q": f"A search has at most {MAX_TERMS} words or phrases."})
    if not any(not t.excluded for t in terms):
        raise ValidationError({"q": "Give at least one word to find, not only words to leave out."})
    return Query(tuple(terms))
