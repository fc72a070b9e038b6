"""Notifications in the app: a reply to the member's comment makes their notification, through
the services (as a reader's reply in the workspace would)."""

import pytest

from annotations.notifications.models import Notification
from tests.annotations.conftest import make_comment


def reply_to(comment, by, body="A reply."):
    """`by` replies to `comment`: its author is told (kind "reply")."""
    return make_comment(by, parent=comment, body=body)


def make_replies(member, owner, paragraph, n: int) -> list[Notification]:
    """`n` replies by the owner to the member's comment: `n` notifications for the member,
    newest first."""
    top = make_comment(member, paragraph=paragraph, body="My reading.")
    for i in range(n):
        reply_to(top, owner, body=f"Reply {i}")
    return list(Notification.objects.filter(recipient=member))


@pytest.fixture
def replied(member, owner, paragraph) -> Notification:
    """The member's comment on the cast paragraph and the owner's reply to it: the member's
    one notification."""
    (notification,) = make_replies(member, owner, paragraph, 1)
    return notification
