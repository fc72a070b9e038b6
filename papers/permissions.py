"""Who may do what with reading groups and papers: the one place that answers it.

Seeing: a public group and its papers are readable by anyone; a private group only by its active
members. What a user may not see answers 404 everywhere (existence does not leak); what they can
see but may not change answers 403. Which groups and papers a user sees is decided once, by
`ReadingGroup.objects.visible_to` and `Paper.objects.visible_to`.

Changing papers:
- add a paper to a group: active members (any role);
- rename a paper: active members of its group;
- delete a paper: the group's owners and moderators, and the member who uploaded it; the same
  may retry a failed import or dismiss it (delete it).

Groups, members and invites (papers/README.md has the whole table):
- change a group's settings or delete it: its owners;
- see the member list: active members; owners and moderators also see the banned;
- change a role: owners, anyone's (to owner, moderator or member);
- remove, ban or unban: owners anyone but themselves; moderators plain members only
  (`Membership.can_change`, asked through `can_change_member`);
- invite links: owners (member or moderator links) and moderators (member links only; they
  see and revoke only those);
- leave: any active member (the services keep at least one active owner).
Banned members count as outsiders everywhere.

What a role allows is said once, on the model: `Membership.MODERATING_ROLES` (owners and
moderators moderate: `Membership.can_moderate`, `ReadingGroup.objects.moderated_by(user)`) and
`Membership.can_change` (who may remove, ban or unban whom); the functions here ask them for a
user and a group.

Pages, the API and the services ask the functions here; the DRF permission classes at the bottom
only wrap them. A user's membership of a group is looked up once per group object
(`remember_membership` keeps it on the instance; the services call `forget_memberships` after
a change).
"""

from rest_framework.permissions import BasePermission

from .models import Membership, Paper, ReadingGroup


def _is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated


_CACHE = "_active_memberships"


def membership_for(user, group: ReadingGroup) -> Membership | None:
    """The user's active membership of the group, or None.

    One query, unless a page or the API looked it up already for this group object
    (`remember_membership`).
    """
    if not _is_signed_in(user):
        return None
    cache = group.__dict__.get(_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]
    return Membership.objects.active().filter(user=user, group=group).first()


def remember_membership(user, group: ReadingGroup) -> Membership | None:
    """Look the user's membership up once for this group object; later questions about the same
    user and group object ask no query. Pages and the API call it on the group they loaded; the
    services forget it (`forget_memberships`) when they change memberships."""
    membership = membership_for(user, group)
    if _is_signed_in(user):
        group.__dict__.setdefault(_CACHE, {})[user.pk] = membership
    return membership


def forget_memberships(group: ReadingGroup) -> None:
    """Drop what `remember_membership` kept on this group object (after a change)."""
    group.__dict__.pop(_CACHE, None)


def _role(user, group: ReadingGroup) -> str | None:
    membership = membership_for(user, group)
    return membership.role if membership is not None else None


def is_owner(user, group: ReadingGroup) -> bool:
    return _role(user, group) == Membership.Role.OWNER


def is_moderator_or_owner(user, group: ReadingGroup) -> bool:
    """May the user moderate in the group (`Membership.can_moderate`)?"""
    membership = membership_for(user, group)
    return membership is not None and membership.can_moderate


def can_view_group(user, group: ReadingGroup) -> bool:
    if group.visibility == ReadingGroup.Visibility.PUBLIC:
        return True
    return membership_for(user, group) is not None


def is_member(user, group: ReadingGroup) -> bool:
    """An active member, any role."""
    return membership_for(user, group) is not None


# Groups


def can_manage_group(user, group: ReadingGroup) -> bool:
    """Rename, describe, change visibility and premoderation, delete: the owners."""
    return is_owner(user, group)


def can_list_members(user, group: ReadingGroup) -> bool:
    """The member list: active members (of a public group too: who reads is not public)."""
    return is_member(user, group)


def can_see_banned(user, group: ReadingGroup) -> bool:
    """Banned members appear in the member list for owners and moderators only."""
    return is_moderator_or_owner(user, group)


def can_manage_members(user, group: ReadingGroup) -> bool:
    """Owners and moderators manage members (each within `can_change_member`'s limits)."""
    return is_moderator_or_owner(user, group)


def can_change_role(user, target: Membership) -> bool:
    """Promote or demote: owners only, anyone's role (the services keep one active owner)."""
    return is_owner(user, target.group)


def can_change_member(user, target: Membership) -> bool:
    """Remove, ban or unban `target`: owners anyone but themselves; moderators plain members
    (`Membership.can_change`). The services, the members page and API, and the moderation queue
    (per item, as `can_ban`) all ask this rule."""
    actor = membership_for(user, target.group)
    return actor is not None and actor.can_change(target)


def can_leave_group(user, group: ReadingGroup) -> bool:
    """Any active member (the last owner is refused by `member_leave`, with the reason)."""
    return is_member(user, group)


# Invites


def can_invite(user, group: ReadingGroup, role: str = Membership.Role.MEMBER) -> bool:
    """Owners invite members and moderators; moderators invite members only."""
    caller = _role(user, group)
    if caller == Membership.Role.OWNER:
        return role in (Membership.Role.MEMBER, Membership.Role.MODERATOR)
    return caller == Membership.Role.MODERATOR and role == Membership.Role.MEMBER


def can_see_invite(user, invite) -> bool:
    """Invite links (their tokens) are seen by those who could have made them."""
    return can_invite(user, invite.group, invite.role)


def can_revoke_invite(user, invite) -> bool:
    return can_see_invite(user, invite)


def invite_roles_for(user, group: ReadingGroup) -> list[str]:
    """The roles the user may grant through an invite link (empty: may not invite)."""
    return [role for role in ("member", "moderator") if can_invite(user, group, role)]


# Papers


def can_add_paper(user, group: ReadingGroup) -> bool:
    return membership_for(user, group) is not None


def can_change_paper(user, paper: Paper) -> bool:
    """Renaming a paper (its title): any active member of its group."""
    return membership_for(user, paper.group) is not None


def can_delete_paper(user, paper: Paper) -> bool:
    """The group's owners and moderators, and the uploader while still an active member."""
    membership = membership_for(user, paper.group)
    if membership is None:
        return False
    return membership.can_moderate or paper.created_by_id == user.pk


def can_retry_import(user, paper: Paper) -> bool:
    """Queue a failed import again from its stored file: who may delete (dismiss) it, the
    group's owners and moderators and the uploader (`can_delete_paper`)."""
    return can_delete_paper(user, paper)


class CanChangePaper(BasePermission):
    """Active members of the paper's group may change it."""

    def has_object_permission(self, request, view, obj) -> bool:
        return can_change_paper(request.user, obj)


class CanDeletePaper(BasePermission):
    """Owners and moderators of the paper's group, or its uploader, may delete it."""

    def has_object_permission(self, request, view, obj) -> bool:
        return can_delete_paper(request.user, obj)


class CanRetryImport(BasePermission):
    """Owners and moderators of the paper's group, or its uploader, may retry its import."""

    def has_object_permission(self, request, view, obj) -> bool:
        return can_retry_import(request.user, obj)
