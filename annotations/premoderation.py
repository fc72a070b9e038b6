"""The status a new post starts with: pre-moderation (`ReadingGroup.premoderation`).

Core, not moderation: every writer of posts (the services, the imports) asks it, and moderation
works on what it decided. Off: every post is visible. "All": every shared post by someone who
is not an owner or moderator waits (pending). "New members": a member's shared posts wait until
they have `premoderation_items` visible shared posts in the group. Private annotations are their
author's alone and never wait.
"""

from papers import permissions as papers_permissions
from papers.models import ReadingGroup

from .models import Annotation, Comment, Status


def initial_status(user, group: ReadingGroup, *, shared: bool = True) -> str:
    """The status a new post by `user` in `group` starts with (module docstring)."""
    if not shared or group.premoderation == ReadingGroup.Premoderation.OFF:
        return Status.VISIBLE
    if papers_permissions.is_moderator_or_owner(user, group):
        return Status.VISIBLE
    if group.premoderation == ReadingGroup.Premoderation.ALL:
        return Status.PENDING
    mine = {"author": user, "paper__group": group, "status": Status.VISIBLE}
    visible = (
        Annotation.objects.filter(visibility=Annotation.Visibility.GROUP, **mine).count()
        + Comment.objects.filter(**mine).count()
    )
    return Status.VISIBLE if visible >= group.premoderation_items else Status.PENDING
