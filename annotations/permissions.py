"""Who may do what with annotations, comments, links and a group's roles.

Built on papers.permissions (the group and membership questions are asked there, once per group
object: `remember_membership`). What a user may *see* is decided by the `visible_to` QuerySet
methods of annotations.models; the functions here answer "may this user change that".

- annotate, comment, link: active members of the paper's group (any role); the banned and
  outsiders may not, anonymous visitors neither;
- edit or delete an annotation, a comment or a link: its author, while an active member;
- a group's roles: whoever may see the group reads them; its owners add, rename, recolour,
  re-key, describe and retire them.
Moderation (flags; hide, unhide, approve and reject by the group's owners and moderators) lives
in annotations.moderation, which asks `papers.permissions.is_moderator_or_owner`.
"""

from rest_framework.permissions import BasePermission

from papers import permissions as papers_permissions
from papers.models import Paper, ReadingGroup


def can_view_paper(user, paper: Paper) -> bool:
    """The paper's group is public, or the user is an active member of it."""
    return papers_permissions.can_view_group(user, paper.group)


def can_annotate(user, paper: Paper) -> bool:
    """Annotate, comment and link on the paper: active members of its group."""
    return papers_permissions.is_member(user, paper.group)


can_comment = can_annotate
can_link = can_annotate


def can_edit(user, item) -> bool:
    """Change or delete an annotation, comment or link: its author, while an active member of
    the paper's group."""
    if user is None or not user.is_authenticated or item.author_id != user.pk:
        return False
    return papers_permissions.is_member(user, item.paper.group)


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
