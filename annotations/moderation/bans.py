"""Bans, as moderation sees them: what a ban does to the banned member's posts, and the author
of a post as the member a moderator bans from the queue.

The ban itself is `papers.groups.member_ban` / `member_unban`, the one ban and the one unban
whatever asks for them (who may ban whom, "already banned", the audit entry). A ban's effect on
posts is the annotations app's business, and papers never imports annotations
(docs/architecture.md), so papers calls the two functions here by dotted path: config/settings.py
names them in `MARGINALIA_BAN_CONSEQUENCES` (config is where the apps are wired together), and
`member_ban` / `member_unban` call them explicitly inside the ban's transaction, after the
membership changed. We chose this over Django signals (hidden work, STYLE.md) and over a
function-local import of annotations from papers (a cycle dodged, not fixed). Each returns a
dict merged into the audit entry's `detail`, or None:

- `hide_banned_posts`: when the group hides a banned member's posts
  (`ReadingGroup.hide_banned_posts`), hide their visible ones and name them in the ban's entry
  (`{"hidden": {"annotations": [...], "comments": [...]}}`);
- `show_unbanned_posts`: on unban, show again exactly those the ban hid, unless a moderator has
  acted on one since (hidden then for its own reason: left as it is); named in the unban's entry
  (`{"shown": …}`).

A status change bumps the post's version and `updated`, so live updates (`since`) carry it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone

from papers import permissions as papers_permissions
from papers.models import AuditEntry, Membership

from ..models import Annotation, Comment, Status
from ..permissions import NOT_A_MODERATOR

__all__ = ["author_membership", "hide_banned_posts", "show_unbanned_posts"]

_POSTS = (("annotations", Annotation), ("comments", Comment))


def _posts_of(membership: Membership) -> Q:
    return Q(author_id=membership.user_id, paper__group_id=membership.group_id)


def hide_banned_posts(*, membership: Membership, actor) -> dict | None:
    """When the group hides a banned member's posts: hide their visible ones and name them for
    the ban's audit entry (so the unban shows exactly those again)."""
    if not membership.group.hide_banned_posts:
        return None
    now = timezone.now()
    hidden = {}
    for key, model in _POSTS:
        rows = model.objects.filter(_posts_of(membership), status=Status.VISIBLE)
        hidden[key] = list(rows.values_list("pk", flat=True))
        model.objects.filter(pk__in=hidden[key]).update(
            status=Status.HIDDEN, updated=now, version=F("version") + 1
        )
    return {"hidden": hidden}


def show_unbanned_posts(*, membership: Membership, actor, ban: AuditEntry | None) -> dict | None:
    """Show again the posts the ban hid that are still hidden (a moderator may have acted on
    some of them since, for their own reason: those are the ones a later entry names, left
    hidden)."""
    hidden = (ban.detail or {}).get("hidden") if ban is not None else None
    if not hidden:
        return None
    now = timezone.now()
    shown = {}
    for key, model in _POSTS:
        later = AuditEntry.objects.filter(
            group_id=membership.group_id,
            target_type=key[:-1],
            target_id__in=hidden.get(key, []),
            created__gt=ban.created,
        ).values_list("target_id", flat=True)
        rows = model.objects.filter(pk__in=hidden.get(key, []), status=Status.HIDDEN).exclude(
            pk__in=list(later)
        )
        shown[key] = list(rows.values_list("pk", flat=True))
        model.objects.filter(pk__in=shown[key]).update(
            status=Status.VISIBLE, updated=now, version=F("version") + 1
        )
    return {"shown": shown}


def author_membership(*, actor, target: Annotation | Comment) -> Membership:
    """The membership, in the post's group, of the post's author (banned or not): what a
    moderator bans or unbans from a post (the queue page, `moderation/actions/`). 403 for a
    caller who does not moderate the group; 400 when the author has left it or the account is
    gone. Whether the caller may ban that member is `member_ban`'s question."""
    group = target.paper.group
    if not papers_permissions.is_moderator_or_owner(actor, group):
        raise PermissionDenied(NOT_A_MODERATOR)
    membership = None
    if target.author_id is not None:
        membership = group.memberships.select_related("user").filter(user_id=target.author_id)
        membership = membership.first()
    if membership is None:
        raise ValidationError("The author is no longer a member of this group.")
    membership.group = group
    return membership
