"""Which of a recipient's notifications they see: the one rule, asked by the bell, the page, the
API, every mail and every digest (so none of them can carry what the recipient may not see).

A notification shows only while all of these hold, asked now, not when it was made:
- the recipient is an active member of its group (not one who left or was banned);
- its paper is one they may see (`Paper.objects.visible_to`);
- its post is one they may see (`visible_to`: not hidden, pending or private unless theirs or
  theirs to moderate) and not deleted: a post hidden after the fact takes its notifications
  with it, and one approved later brings them;
- blind mode (`Membership.blind`): an annotation of someone else on a paragraph they have not
  tagged yet (or a comment on one) waits until they have, as the workspace keeps it from them.
One query, whatever the number of notifications: the rules are subqueries.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from papers.models import Membership, Paper

from ..insights.readings import own_tags
from ..models import Annotation, Comment, Status
from .models import Notification


def shown_to(user) -> QuerySet[Notification]:
    """The user's notifications that they may see now (module docstring), newest first."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    memberships = Membership.objects.active().filter(user=user)
    rows = Notification.objects.filter(
        Q(paper__isnull=True) | Q(paper_id__in=Paper.objects.visible_to(user).values("id")),
        Q(annotation__isnull=True)
        | Q(annotation_id__in=Annotation.objects.visible_to(user).values("id")),
        Q(comment__isnull=True)
        | Q(
            comment_id__in=Comment.objects.visible_to(user)
            .exclude(status=Status.DELETED)
            .values("id")
        ),
        recipient=user,
        group_id__in=memberships.values("group_id"),
    )
    # Blind mode's own rule of a tagged paragraph (insights.readings), asked in SQL.
    tagged = own_tags(user).filter(paragraph_id=OuterRef("annotation__paragraph_id"))
    withheld = (
        Q(
            group_id__in=memberships.filter(blind=True).values("group_id"),
            annotation__isnull=False,
        )
        & ~Q(annotation__author=user)
        & ~Exists(tagged)
    )
    return rows.exclude(withheld)


def unread_count(user) -> int:
    """The bell's number: unread notifications the user sees."""
    return shown_to(user).filter(read__isnull=True).count()
