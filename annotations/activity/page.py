"""The group page's "Recent activity" (templates/annotations/activity/_group_activity.html).

The group page (papers/views.py) calls `activity_page` through the setting
`MARGINALIA_GROUP_ACTIVITY`: papers never imports annotations. Paged on the group page itself,
`?activity_page=2` ("Older activity"), not on a page of its own: the list belongs with the
papers it talks about, and a link that reloads the page works without JavaScript. One query a
kind (feed.py) and no count: one item more than the page shows tells whether there is an older
page.
"""

from dataclasses import dataclass

from papers.models import ReadingGroup

from .feed import MAX_ITEMS, Item, group_activity

PAGE_SIZE = 10
LAST_PAGE = MAX_ITEMS // PAGE_SIZE
PARAMETER = "activity_page"


@dataclass(frozen=True, slots=True)
class ActivityPage:
    items: list[Item]
    number: int
    older: int | None  # the next page's number, when there is one
    newer: int | None
    parameter: str = PARAMETER


def page_number(value: str | None) -> int:
    """The page asked for: a number from 1 to the last page the cap allows; anything else is
    the first page (a mistyped link still shows the group)."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= LAST_PAGE else 1


def activity_page(user, group: ReadingGroup, page: str | None, *, author=None) -> ActivityPage:
    """One page of the group's activity as `user` may see it, newest first (with `author`,
    only theirs: a member's page)."""
    number = page_number(page)
    start = (number - 1) * PAGE_SIZE
    items = group_activity(user, group, author=author)[start : start + PAGE_SIZE + 1]
    older = number + 1 if len(items) > PAGE_SIZE and number < LAST_PAGE else None
    return ActivityPage(items[:PAGE_SIZE], number, older, number - 1 if number > 1 else None)
