"""@username mentions (placeholder until the mentions part lands: nobody is mentioned)."""

from typing import NamedTuple

from papers.models import ReadingGroup

MAX_MENTIONS = 20


class Mentioned(NamedTuple):
    user_id: int
    username: str


def mentions_in(text: str, group: ReadingGroup) -> dict[str, Mentioned]:
    """The group's active members the Markdown `text` mentions, by lower-cased username."""
    return {}


def link_mentions(html: str, mentioned: dict[str, Mentioned], group: ReadingGroup) -> str:
    """The rendered `html` with each mention of a member as a link to them."""
    return html
