"""What the insights read: the tags on a paper that the reader may see, as plain rows, and blind
mode's rule for what of them the reader may learn paragraph by paragraph.

One query of `values()` rows (no model objects: a paper of 10,000 annotations is read in a few
tens of milliseconds), scoped by `Annotation.objects.visible_to(user)`, the one rule of who sees
what: private annotations count only for their author, hidden and pending ones only for those
who may see them (their author, the group's moderators), deleted ones never.

Blind mode (`Membership.blind`, the member's own choice): the others' roles on a paragraph stay
hidden from them until they have tagged it themselves. `blind_filter` applies it to what shows
roles paragraph by paragraph (the argument map, the disagreements, the overview's strip); the
figures that only add up (alpha, counts per role) tell nothing about one paragraph and are
computed on everything the reader sees.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import QuerySet

from papers.models import Paper, ReadingGroup
from papers.permissions import membership_for

from ..models import Annotation


class Tag(NamedTuple):
    """One annotation as the insights read it (a tuple: ten thousand are made per request, and
    a frozen dataclass costs several times as much to make)."""

    id: int
    paper: int
    paragraph: int
    position: int  # the paragraph's, for "along the paper"
    section: int | None
    role: str  # slug
    author: int | None
    username: str | None
    passage: bool  # a passage of the paragraph, not the whole of it
    independent: bool

    @property
    def whole_paragraph(self) -> bool:
        return not self.passage


_FIELDS = (
    "id",
    "paper_id",
    "paragraph_id",
    "paragraph__position",
    "paragraph__section_id",
    "role__slug",
    "author_id",
    "author__username",
    "start",
    "independent",
)


def tags_for(user, papers: Iterable[Paper] | Paper) -> list[Tag]:
    """The tags on these papers that the user may see, in one query, in paper order."""
    papers = [papers] if isinstance(papers, Paper) else list(papers)
    rows = (
        Annotation.objects.visible_to(user)
        .filter(paper__in=[p.pk for p in papers])
        .order_by()
        .values_list(*_FIELDS)
    )
    return [
        Tag(id, paper, paragraph, position, section, role, author, name, start is not None, ind)
        for id, paper, paragraph, position, section, role, author, name, start, ind in rows
    ]


def reads_blind(user, paper: Paper) -> bool:
    """Is the user a member reading this paper's group blind (`Membership.blind`)?"""
    return reads_group_blind(user, paper.group)


def reads_group_blind(user, group: ReadingGroup) -> bool:
    """Is the user a member reading this group blind (`Membership.blind`)?"""
    membership = membership_for(user, group)
    return membership is not None and membership.blind


def learns_role(user, *, author: int | None, paragraph: int, tagged: set[int]) -> bool:
    """Blind mode's rule for one tag: its role is the reader's to learn when the tag is their
    own or on a paragraph they have tagged themselves (`tagged`)."""
    return author == user.pk or paragraph in tagged


def own_tags(user) -> QuerySet[Annotation]:
    """The tags that make a paragraph one the user has tagged, for blind mode: their own that
    they see (deleted ones no more), as `blind_filter` counts them. A queryset, for those who
    ask it in SQL (notifications.shown)."""
    return Annotation.objects.visible_to(user).filter(author=user)


def tagged_paragraphs(user, **where) -> set[int]:
    """The paragraphs the user has tagged (`own_tags`, among the annotations `where` picks,
    e.g. `paper__group=group`). One query."""
    own = own_tags(user).filter(**where).order_by()
    return set(own.values_list("paragraph_id", flat=True).distinct())


def blind_filter(user, tags: list[Tag], *, blind: bool) -> list[Tag]:
    """The tags the user may learn about paragraph by paragraph: all of them, or in blind mode
    those `learns_role` lets them learn."""
    if not blind:
        return tags
    tagged = {tag.paragraph for tag in tags if tag.author == user.pk}
    return [
        tag
        for tag in tags
        if learns_role(user, author=tag.author, paragraph=tag.paragraph, tagged=tagged)
    ]
