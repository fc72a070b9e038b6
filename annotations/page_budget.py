"""How much of a paper's annotation layer its reading page carries, whatever the number of
annotations: a summary of every paragraph's (how many by role and author, how many held) from one
aggregate query, and at most `MARGINALIA_PAGE_HIGHLIGHTS` annotations drawn and indexed for the
script, shared fairly between the paragraphs (each gets all of its own up to one share, the most
recent first), read in one more query. The page says where a paragraph holds more than it draws,
and its script fetches the rest through the API when that paragraph comes into view
(static/annotations/more.js).

Both queries start from the caller's `visible_to` queryset: nothing here decides who sees what.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import Status


class Tally(NamedTuple):
    """The annotations of one author with one role on one paragraph."""

    paragraph: int
    role: int
    author: int | None
    username: str | None
    count: int
    held: int  # hidden or pending (shown to their author and the moderators only)


def tallies(annotations: QuerySet) -> list[Tally]:
    """One aggregate query: a row per paragraph, role and author (so as many rows as those
    triples, not as annotations)."""
    rows = (
        annotations.order_by()  # no default ordering in the GROUP BY
        .values_list("paragraph_id", "role_id", "author_id", "author__username")
        .annotate(count=Count("id"), held=Count("id", filter=~Q(status=Status.VISIBLE)))
    )
    return [Tally(*row) for row in rows]


def fair_share(counts: Iterable[int], budget: int) -> int | None:
    """The most annotations the page draws on one paragraph, so that it draws `budget` at most
    in all and every paragraph gets all of its own up to that share (water-filling: the small
    ones give what they leave to the large ones); None when they all fit."""
    counts = sorted(counts)
    left, paragraphs = max(budget, 0), len(counts)
    if sum(counts) <= left:
        return None
    for i, count in enumerate(counts):
        share = left // (paragraphs - i)
        if count > share:
            return share
        left -= count
    return None  # not reached: the sum is over the budget


def drawn(annotations: QuerySet, share: int | None) -> QuerySet:
    """The annotations the page draws: all of them, or the `share` most recent of each
    paragraph (a window function: one query, however many paragraphs)."""
    if share is None:
        return annotations
    newest_first = Window(RowNumber(), partition_by=F("paragraph_id"), order_by=F("id").desc())
    return annotations.annotate(newest=newest_first).filter(newest__lte=share)
