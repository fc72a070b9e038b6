"""Who may do what with reading groups and papers: the one place that answers it.

Seeing: a public group and its papers are readable by anyone; a private group only by its active
members. What a user may not see answers 404 everywhere (existence does not leak); what they can
see but may not change answers 403. Which groups and papers a user sees is decided once, by
`ReadingGroup.objects.visible_to` and `Paper.objects.visible_to`.

Changing:
- add a paper to a group: active members (any role);
- rename a paper: active members of its group;
- delete a paper: the group's owners and moderators, and the member who uploaded it.

Pages and the API both ask the functions here; the DRF permission classes at the bottom only
wrap them.
"""

from rest_framework.permissions import BasePermission

from .models import Membership, Paper, ReadingGroup


def _is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def membership_for(user, group: ReadingGroup) -> Membership | None:
    """The user's active membership of the group, or None."""
    if not _is_signed_in(user):
        return None
    return Membership.objects.active().filter(user=user, group=group).first()


def can_view_group(user, group: ReadingGroup) -> bool:
    if group.visibility == ReadingGroup.Visibility.PUBLIC:
        return True
    return membership_for(user, group) is not None


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


class CanChangePaper(BasePermission):
    """Active members of the paper's group may change it."""

    def has_object_permission(self, request, view, obj) -> bool:
        return can_change_paper(request.user, obj)


class CanDeletePaper(BasePermission):
    """Owners and moderators of the paper's group, or its uploader, may delete it."""

    def has_object_permission(self, request, view, obj) -> bool:
        return can_delete_paper(request.user, obj)
