"""The `since` feed: what changed on the papers a user sees, for clients that poll.

An item the user sees comes whole. An item that changed after `since` and that the user can no
longer see (hidden or rejected by a moderator, held for approval again, made private by its
author, deleted, or a comment whose annotation went one of these ways) comes as a bare tombstone
the serializers show as `{"id", "paper", "paragraph", …, "status": "removed", "updated",
"version"}`: no author, no text, no role, no reason, so that a client drops what it holds and
learns nothing else. Whether the user sees an item stays `visible_to`'s answer (asked per row, in
the same query, as `seen`); this module only decides which unseen rows become tombstones:

- never someone's annotation that was always private (nobody else ever held it), nor a comment
  on one;
- never an item waiting for approval at its first version (a new post nobody but the author and
  the moderators ever saw).

The content filters of the list (role, author, status) narrow only the items that come whole: a
tombstone matches them all, so they reveal nothing about it.

A poll that finds nothing new should cost next to nothing (docs/api.md, "Polling"), and tell
nothing the list would not. Two summaries serve it (annotations.polls turns them into the
list's ETag):
- `feed_state`: exactly the rows the list would hold (how many, their versions, the last
  change, which come whole). It changes when the list would and only then, so the ETag made
  from it says nothing about what the caller may not see (someone's private annotation, a post
  waiting for approval). But it asks every rule above: a query that takes milliseconds of
  Python to build.
- `feed_mark`: whether the caller sees the paper, the totals of every row of the paper changed
  after `since` whoever may see it, and the caller's membership: cheap, one query on the
  (paper, updated) index. Everything the list depends on moves it, so while it stands still
  the last `feed_state` worked out for it still holds.
"""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import JSONObject

from papers.models import Membership, Paper

from .models import Annotation, Comment, Revision, Status

# List filters that say something about an item's content: tombstones ignore them.
CONTENT_FILTERS = ("role", "author", "status")


def _once_shared(prefix: str = "") -> Q:
    """The annotation (the row, or the comment's with prefix "annotation__") is shared, or was
    before an edit made it private (its revisions keep the visibility it had)."""
    annotation = OuterRef("annotation_id") if prefix else OuterRef("pk")
    was_shared = Revision.objects.filter(
        annotation_id=annotation, data__visibility=Annotation.Visibility.GROUP
    )
    return Q(**{f"{prefix}visibility": Annotation.Visibility.GROUP}) | Exists(was_shared)


def _never_seen() -> Q:
    return Q(status=Status.PENDING, version=1)


def changed_since(model, user, *, since, lookups: dict, content: dict) -> QuerySet:
    """`model`'s rows on papers the user sees, changed after `since`, each with `seen` (does the
    user see it now?): the seen ones narrowed by `content` lookups, and the unseen ones that
    become tombstones (module docstring). `lookups` narrow both (paper, paragraph, group, …)."""
    if model is Annotation:
        seen = Annotation.objects.visible_to(user, with_deleted=True)
        removable = _once_shared() & ~_never_seen()
    else:
        seen = Comment.objects.visible_to(user)
        removable = ~_never_seen() & (Q(annotation__isnull=True) | _once_shared("annotation__"))
    rows = model.objects.filter(
        paper_id__in=Paper.objects.visible_to(user).values("id"), updated__gt=since, **lookups
    ).annotate(seen=Exists(seen.filter(pk=OuterRef("pk"))))
    return rows.filter(Q(seen=True, **content) | (Q(seen=False) & removable))


def feed_mark(model, user, *, paper: int, since) -> dict | None:
    """None when the user may not see `paper`; else what moves whenever the `since` list of the
    paper could change: the totals of its rows changed after `since` (seen or not: this is never
    shown), of its changed annotations' as well for the comments (an annotation hidden takes
    its comments with it), and the user's membership of its group (a moderator sees more). One
    query: each total walks the (paper, updated) index from `since`.

    Building it through the ORM costs more Python than running it (about a millisecond): its
    shape depends only on the model and on whether the user is signed in, so each process
    builds it once per shape with stand-in values and then only swaps the values in."""
    signed_in = user is not None and user.is_authenticated
    shape = (model, signed_in, connection.vendor)
    if shape not in _statements:
        stand_in = get_user_model()(pk=_USER) if signed_in else user
        query = _marks(model, stand_in, paper=_PAPER, since=_SINCE)
        _statements[shape] = query.query.sql_with_params()
    sql, params = _statements[shape]
    values = {_PAPER: paper, _USER: user.pk, _adapted(_SINCE): _adapted(since)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) if _hashable(p) else p for p in params])
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return None if row is None else dict(zip(names, row, strict=True))


# The stand-in values of feed_mark's statements, and the statements (sql, params) by shape.
_PAPER, _USER = -73_010_001, -73_010_002
_SINCE = datetime(1901, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)
_statements: dict = {}


def _adapted(when: datetime):
    return connection.ops.adapt_datetimefield_value(when)


def _hashable(value) -> bool:
    return isinstance(value, int | str | datetime)


def _marks(model, user, *, paper: int, since) -> QuerySet:
    totals = {"annotation": Subquery(_totals(Annotation.objects.all(), since))}
    if model is Comment:
        # An annotation changes what is seen of its comments only by changing (hidden, made
        # private, deleted: version 2 on): new ones, the usual write, leave the comments' mark.
        changed = Annotation.objects.filter(version__gt=1)
        totals = {"annotation": Subquery(_totals(changed, since))}
        totals["comment"] = Subquery(_totals(Comment.objects.all(), since))
    member = Membership.objects.filter(group_id=OuterRef("group_id"), user_id=user.pk)
    return (
        Paper.objects.visible_to(user)
        .filter(pk=paper)
        .annotate(**totals, member=Subquery(member.values(mark=JSONObject(r="role", s="status"))))
        .values(*totals, "member")
    )


def feed_state(model, user, *, since, lookups: dict, content: dict) -> dict:
    """What `changed_since` (same arguments) lists, summed up in one query: how many rows,
    their versions, the last change, and which come whole (`seen`) rather than as tombstones.
    It changes when the list would, and only then (module docstring)."""
    rows = changed_since(model, user, since=since, lookups=lookups, content=content)
    seen = Q(seen=True)
    return rows.order_by().aggregate(
        n=Count("pk"),
        versions=Sum("version"),
        last=Max("updated"),
        whole=Count("pk", filter=seen),
        whole_ids=Sum("pk", filter=seen),
    )


def _totals(rows: QuerySet, since) -> QuerySet:
    """The count, versions and last change of the rows of the outer paper changed after
    `since`, as one JSON value (a subquery)."""
    window = rows.filter(paper_id=OuterRef("pk"), updated__gt=since).order_by()
    summed = JSONObject(n=Count("pk"), v=Sum("version"), last=Max("updated"))
    return window.values("paper_id").annotate(mark=summed).values("mark")
