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
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from papers.models import Paper

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
