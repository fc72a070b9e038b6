"""The moderation queue: what waits for a moderator in the groups a user moderates.

An item is in the queue while it has open flags, or while it is pending (pre-moderation). The
page, the API and the navigation badge all read it here. Each item says whether the reader may
ban its author (`can_ban`: `Membership.can_change`, the rule `papers.permissions.can_change_member`
asks, applied to the reader's and the author's memberships of the item's group, read with the
item), so the page and the API offer a ban only where the ban service would take it. Reading a
page of the queue takes a fixed number of queries however many items and flags there are: one
per kind of item, one per kind for their open flags, and the counts.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from papers.models import Membership, Paper, ReadingGroup

from ..models import Annotation, Comment, Flag, Status, role_in_group

__all__ = ["QueueFilters", "QueueItem", "counts", "moderated_groups", "open_count", "queue"]

KINDS = ("flagged", "pending")
TARGET_TYPES = ("annotation", "comment")


@dataclass(frozen=True)
class QueueFilters:
    """What the moderator narrowed the queue to (None: everything)."""

    group: str | None = None  # a group's slug
    paper: int | None = None
    kind: str | None = None  # "flagged" or "pending"
    reason: str | None = None  # a Flag.Reason
    target_type: str | None = None  # "annotation" or "comment"


@dataclass
class QueueItem:
    type: str  # "annotation" or "comment"
    obj: Annotation | Comment
    flags: list[Flag] = field(default_factory=list)
    # Whether the reader may ban the author (an active member of the group) from here.
    can_ban: bool = False

    @property
    def pending(self) -> bool:
        return self.obj.status == Status.PENDING

    @property
    def waiting_since(self) -> datetime:
        """When the item came to need a moderator: its newest open flag, or when it was posted."""
        times = [flag.created for flag in self.flags]
        if self.pending:
            times.append(self.obj.created)
        return max(times)

    @property
    def paper(self) -> Paper:
        return self.obj.paper

    @property
    def group(self) -> ReadingGroup:
        return self.obj.paper.group


def moderated_groups(user) -> QuerySet:
    """The groups the user moderates (`ReadingGroup.objects.moderated_by`), by name."""
    return ReadingGroup.objects.moderated_by(user).order_by("name")


def _base(model, user, filters: QueueFilters) -> QuerySet:
    """The items of one kind in the queue, before the page's own narrowing by flag reason."""
    target = "annotation" if model is Annotation else "comment"
    flagged = Exists(Flag.objects.open().filter(**{target: OuterRef("pk")}))
    rows = model.objects.filter(paper__group__in=ReadingGroup.objects.moderated_by(user))
    if model is Annotation:
        # A private annotation is its author's alone: never anyone's to moderate.
        rows = rows.filter(visibility=Annotation.Visibility.GROUP)
    if filters.group:
        rows = rows.filter(paper__group__slug=filters.group)
    if filters.paper:
        rows = rows.filter(paper_id=filters.paper)
    if filters.reason:
        flagged = Exists(
            Flag.objects.open().filter(**{target: OuterRef("pk")}, reason=filters.reason)
        )
    if filters.kind == "flagged" or filters.reason:
        rows = rows.filter(flagged)
    elif filters.kind == "pending":
        rows = rows.filter(status=Status.PENDING)
    else:
        rows = rows.filter(Q(status=Status.PENDING) | flagged)
    return rows.exclude(status=Status.DELETED)


def _with_context(model, rows: QuerySet, user) -> QuerySet:
    """Each item with what the queue shows beside it (paper, group, paragraph, author, role,
    the comment's annotation and parent), the reader's and the author's roles in its group (for
    `can_ban`; the reader's is also what the item's moderation actions and `can` read), and its
    open flags with their flaggers: two queries."""
    related = ["paper__group", "paragraph", "author"]
    if model is Annotation:
        related.append("role")
    else:
        related += ["annotation__role", "parent__author"]
    flags = Flag.objects.open().select_related("flagger").order_by("-created", "-id")
    return (
        rows.select_related(*related)
        .annotate(
            reader_role=role_in_group(user.pk), author_role=role_in_group(OuterRef("author_id"))
        )
        .prefetch_related(Prefetch("flags", queryset=flags, to_attr="open_flags"))
    )


def _can_ban(user, obj) -> bool:
    """May the reader ban the item's author? The one rule, `Membership.can_change` (which
    `papers.permissions.can_change_member` asks), on their memberships of the item's group as
    read with the item: no query."""
    if obj.reader_role is None or obj.author_role is None:
        return False
    group_id = obj.paper.group_id
    reader = Membership(group_id=group_id, user_id=user.pk, role=obj.reader_role)
    author = Membership(group_id=group_id, user_id=obj.author_id, role=obj.author_role)
    return reader.can_change(author)


def queue(user, filters: QueueFilters = QueueFilters(), *, limit: int = 200) -> list[QueueItem]:
    """The queue, the item waiting longest-unseen first: newest flag or post first. At most
    `limit` items of each kind are read (the page says when there are more)."""
    types = [filters.target_type] if filters.target_type in TARGET_TYPES else TARGET_TYPES
    items: list[QueueItem] = []
    for target in types:
        model = Annotation if target == "annotation" else Comment
        rows = _with_context(model, _base(model, user, filters), user)
        for obj in rows.order_by("-updated", "-id")[:limit]:
            items.append(QueueItem(target, obj, list(obj.open_flags), _can_ban(user, obj)))
    items.sort(key=lambda item: (item.waiting_since, item.obj.pk), reverse=True)
    return items


def counts(user, filters: QueueFilters = QueueFilters()) -> dict[str, int]:
    """How many items wait, by kind: {"flagged", "pending", "total"} (an item both flagged and
    pending counts in both, once in the total)."""
    flagged = pending = total = 0
    for target in TARGET_TYPES:
        if filters.target_type and filters.target_type != target:
            continue
        model = Annotation if target == "annotation" else Comment
        has_flags = Exists(Flag.objects.open().filter(**{target: OuterRef("pk")}))
        numbers = _base(model, user, filters).aggregate(
            flagged=Count("pk", filter=Q(has_flags)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
            total=Count("pk"),
        )
        flagged += numbers["flagged"]
        pending += numbers["pending"]
        total += numbers["total"]
    return {"flagged": flagged, "pending": pending, "total": total}


def open_count(user) -> int:
    """The navigation badge: items waiting in all the groups the user moderates. No query for
    someone who moderates nothing beyond the one that finds it out."""
    if user is None or not user.is_authenticated:
        return 0
    if not moderated_groups(user).exists():
        return 0
    return counts(user)["total"]
