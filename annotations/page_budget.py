"""How much of a paper's annotation layer its reading page carries, whatever the number of
annotations: a summary of every paragraph's (how many by role and author, how many held) from one
aggregate query, and at most `MARGINALIA_PAGE_HIGHLIGHTS` annotations drawn and indexed for the
script, shared fairly between the paragraphs (each gets all of its own up to one share, the most
recent first), read in one query (two past the bound: one chooses them). The page says where a
paragraph holds more than it draws, and its script fetches the rest through the API when that
paragraph comes into view (static/annotations/more.js).

Every query starts from the caller's `visible_to` queryset: nothing here decides who sees what.
"""

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet

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


# How far the choice of the busy paragraphs' annotations reads, newest first, in multiples of the
# budget: far enough for each to get its share in any ordinary history, bounded whatever the
# number of annotations (a paragraph whose annotations are all older than that gets none drawn;
# its chips count them and the script fetches them when it comes into view).
SCAN = 10


def drawn(annotations: QuerySet, counts: Mapping[int, int], budget: int) -> QuerySet:
    """The annotations the page draws, `counts` being how many each paragraph holds: all of them
    when they fit in `budget`; else every one of the paragraphs holding no more than a fair share
    (`fair_share`) and the most recent `share` of each of the others, chosen in one more query
    that reads the newest first and stops early (a window function ranking each paragraph's
    annotations would read and sort every one of them: a second at 150,000)."""
    share = fair_share(counts.values(), budget)
    if share is None:
        return annotations
    small = [p for p, n in counts.items() if n <= share]
    busy = {p: 0 for p, n in counts.items() if n > share}
    chosen: list[int] = []
    # The paper's newest first by id: SQLite walks its table backwards and PostgreSQL its primary
    # key, both stopping early; a filter on the busy paragraphs (or ordering by `created`) made
    # them sort every one of those first (0.7 s at 150,000 on SQLite). The others are skipped.
    newest = annotations.order_by("-id").values_list("id", "paragraph_id")
    wanted = share * len(busy)
    for pk, paragraph in newest[: SCAN * max(budget, 1)].iterator(chunk_size=2000):
        if busy.get(paragraph, share) < share:
            busy[paragraph] += 1
            chosen.append(pk)
            if len(chosen) == wanted:
                break
    return annotations.filter(Q(paragraph_id__in=small) | Q(id__in=chosen))
