"""Who may do what with annotations, comments, links and a group's roles.

Built on papers.permissions (the group and membership questions are asked there, once per group
object: `remember_membership`). What a user may *see* is decided by the `visible_to` QuerySet
methods of annotations.models; the functions here answer "may this user change that".

- annotate, comment, reply, link: active members of the paper's group (any role); the banned
  and outsiders may not, anonymous visitors neither; nobody replies to a deleted comment;
- edit or delete an annotation, a comment or a link: its author, while an active member;
- read what an annotation or a comment said before (its revisions): its author, and the group's
  owners and moderators;
- a group's roles: whoever may see the group reads them; its owners add, rename, recolour,
  re-key, describe and retire them.
Moderation (flags; hide, unhide, approve and reject by the group's owners and moderators) lives
in annotations.moderation.services.

Each rule is a `may_*` function of what is already known: the user, their active membership of
the item's group (`membership`, None when they are not an active member) and the item. The
services and the API ask them through the `can_*` functions (which look the membership up); the
serializers ask them for every item they show (its `can`), with the membership as read in the
list's own query (`reader_membership`): one rule, whoever asks.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission

from papers import permissions as papers_permissions
from papers.models import AuditEntry, Membership, Paper, ReadingGroup

from .models import Annotation, Comment, Flag, Status

# `reader_role` not read with the item (an item just made): asked instead.
_UNREAD = object()


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_author(user, item) -> bool:
    """Did `user` write the annotation, comment or link? (An item whose author's account is gone
    is nobody's.)"""
    return _signed_in(user) and item.author_id is not None and item.author_id == user.pk


def reader_membership(user, item) -> Membership | None:
    """The user's active membership of the item's group, or None: as read with the item by the
    API's querysets (`with_reader(user)`, `reader_role`; the queue reads it too), else asked once
    per group object (`papers.permissions.membership_for`). `reader_role` must have been read for
    this same user: the API and the queue read it for the request's."""
    if not _signed_in(user):
        return None
    role = getattr(item, "reader_role", _UNREAD)
    if role is _UNREAD:
        return papers_permissions.membership_for(user, item.paper.group)
    if role is None:
        return None
    # What the rules read of it: the role, active (the subquery reads active members only).
    return Membership(user_id=user.pk, role=role, status=Membership.Status.ACTIVE)


# The rules, on known facts


def may_annotate(membership: Membership | None) -> bool:
    """Annotate, comment, reply and link on a paper: an active member of its group."""
    return membership is not None and membership.is_active


def may_edit(user, membership: Membership | None, item) -> bool:
    """Change or delete an annotation, comment or link: its author, while an active member of
    the paper's group. (A deleted item is changed by nobody: `may_change`.)"""
    return may_annotate(membership) and is_author(user, item)


def may_change(user, membership: Membership | None, item) -> bool:
    """Would an edit or a delete go through now? `may_edit`, on an item not deleted: a deleted
    comment answers 409 to an edit (the services' Conflict), a deleted annotation is gone."""
    return may_edit(user, membership, item) and not getattr(item, "is_deleted", False)


def takes_replies(comment) -> bool:
    """A deleted comment takes no replies (reply to its thread instead)."""
    return not comment.is_deleted


def may_reply(membership: Membership | None, comment) -> bool:
    """Reply to a comment: whoever may comment (`may_annotate`), to one that takes replies."""
    return may_annotate(membership) and takes_replies(comment)


def may_read_revisions(user, membership: Membership | None, item) -> bool:
    """What an annotation or a comment said before each change: its author (even banned: they
    see their own posts), and the group's owners and moderators (`Membership.can_moderate`)."""
    return is_author(user, item) or (membership is not None and membership.can_moderate)


# The same rules, for a user and an object (the membership looked up)


def can_view_paper(user, paper: Paper) -> bool:
    """The paper's group is public, or the user is an active member of it."""
    return papers_permissions.can_view_group(user, paper.group)


def can_annotate(user, paper: Paper) -> bool:
    """Annotate, comment and link on the paper: active members of its group."""
    return may_annotate(papers_permissions.membership_for(user, paper.group))


can_comment = can_annotate
can_link = can_annotate


def can_edit(user, item) -> bool:
    """Change or delete an annotation, comment or link (`may_edit`); no query about what
    someone else wrote."""
    if not is_author(user, item):
        return False
    return may_edit(user, papers_permissions.membership_for(user, item.paper.group), item)


def can_read_revisions(user, item) -> bool:
    """`may_read_revisions` for the item's reader (their membership as read with it)."""
    return may_read_revisions(user, reader_membership(user, item), item)


def can_view_roles(user, group: ReadingGroup) -> bool:
    """The role vocabulary is read by whoever may see the group (a public group's annotations
    show their roles to every reader)."""
    return papers_permissions.can_view_group(user, group)


def can_manage_roles(user, group: ReadingGroup) -> bool:
    """Add, rename, recolour, re-key, describe and retire roles: the group's owners."""
    return papers_permissions.is_owner(user, group)


class CanEdit(BasePermission):
    """The author, while an active member of the paper's group, may change or delete it."""

    message = "Only its author may change or delete this."

    def has_object_permission(self, request, view, obj) -> bool:
        return can_edit(request.user, obj)


NOT_A_MODERATOR = "Only the group's owners and moderators may moderate."

# Moderation's rules, asked by annotations.moderation.services (which writes) and by the
# serializers' `can` (which shows): flags, and which actions apply to a post in its status.


def flag_refusal(user, membership: Membership | None, target) -> Exception | None:
    """Why `user` (with `membership`, their active membership of the item's group, or None) may
    not flag the item; None when they may."""
    if not may_annotate(membership):
        return PermissionDenied("Only active members of this paper's group may flag.")
    if target.is_deleted:
        return ValidationError({"target": "This was deleted by its author."})
    if is_author(user, target):
        return ValidationError({"target": "You cannot flag your own post; edit or delete it."})
    if target.status != Status.VISIBLE:
        return ValidationError({"target": "This is already with the moderators."})
    return None


def may_flag(user, membership: Membership | None, target: Annotation | Comment) -> bool:
    """May `user` flag the item (module docstring)? `membership`: their active membership of its
    group, or None. (Once per person: a second flag is refused by `flag_create`.)"""
    return flag_refusal(user, membership, target) is None


# action: (statuses it applies to, the status it leaves)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    AuditEntry.Action.HIDE: ((Status.VISIBLE, Status.PENDING), Status.HIDDEN),
    AuditEntry.Action.UNHIDE: ((Status.HIDDEN,), Status.VISIBLE),
    AuditEntry.Action.APPROVE: ((Status.PENDING, Status.VISIBLE), Status.VISIBLE),
    AuditEntry.Action.REJECT: ((Status.PENDING,), Status.HIDDEN),
}


def _kind(target) -> str:
    return "annotation" if isinstance(target, Annotation) else "comment"


def _has_open_flags(target: Annotation | Comment) -> bool:
    """Whether the item has open flags: as read with it (`flagged`, the API's `with_reader`;
    `open_flags`, the queue's), else asked (one query)."""
    flagged = getattr(target, "flagged", None)
    if flagged is None and getattr(target, "open_flags", None) is not None:
        flagged = bool(target.open_flags)
    if flagged is None:
        flagged = Flag.objects.open().filter(**{_kind(target): target}).exists()
    return flagged


def action_applies(action: str, target: Annotation | Comment) -> bool:
    """Does `action` apply to the item in its status? Its statuses in ACTIONS; an action that
    would leave the status as it is (approving a visible post: "keep it") only closes the open
    flags, so it applies only while there are some."""
    sources, result = ACTIONS[action]
    return target.status in sources and (target.status != result or _has_open_flags(target))


def moderation_refusal(membership: Membership | None, target) -> Exception | None:
    """Why the holder of `membership` (the actor's active membership of the item's group, or
    None) may not moderate the item at all; None when they may."""
    if membership is None or not membership.can_moderate:
        return PermissionDenied(NOT_A_MODERATOR)
    if isinstance(target, Annotation) and target.visibility == Annotation.Visibility.PRIVATE:
        return PermissionDenied("A private annotation is its author's alone: nobody moderates it.")
    if target.is_deleted:
        return ValidationError({"target": "This was deleted by its author; nothing to moderate."})
    return None


def moderation_actions(membership: Membership | None, target: Annotation | Comment) -> list[str]:
    """The actions the holder of `membership` (their active membership of the item's group, or
    None) may take on the item now, in ACTIONS' order: those `moderate` would take."""
    if moderation_refusal(membership, target) is not None:
        return []
    return [action for action in ACTIONS if action_applies(action, target)]
