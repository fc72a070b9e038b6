"""Never a leak (annotations.notifications.shown): a notification shows only while its
recipient may see what it tells of, asked when it is shown. On every surface: the API's list,
its unread count (the bell), marking read."""

import pytest

from annotations.moderation.services import moderate
from annotations.notifications.models import Notification
from annotations.notifications.shown import shown_to, unread_count
from annotations.services import annotation_update, comment_delete
from papers.groups import member_ban, member_leave
from papers.models import Membership
from tests.annotations.conftest import make_annotation, make_comment, premoderated
from tests.conftest import join, make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(paragraph, member, owner):
    """amina's comment, and olive's reply to it: amina has one notification."""
    top = make_comment(member, paragraph=paragraph, body="My reading.")
    reply = make_comment(owner, parent=top, body="Another reading, with a secret word.")
    assert unread_count(member) == 1
    return reply


def listed(user) -> list[int]:
    response = signed_in(user).get("/api/v1/notifications/")
    assert response.status_code == 200
    return [n["id"] for n in response.json()["results"]]


def test_a_reply_hidden_after_the_fact_takes_its_notification_with_it(answered, member, moderator):
    n = Notification.objects.get(recipient=member)
    moderate(actor=moderator, target=answered, action="hide", reason="Rude.")
    assert unread_count(member) == 0 and listed(member) == []
    body = signed_in(member).get("/api/v1/notifications/").content.decode()
    assert "secret" not in body
    assert signed_in(member).post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404
    moderate(actor=moderator, target=answered, action="unhide", reason="On reflection, fine.")
    assert listed(member) == [n.pk]


def test_a_deleted_reply_takes_its_notification_with_it(answered, member, owner):
    comment_delete(comment=answered, user=owner)
    assert listed(member) == [] and unread_count(member) == 0


def test_a_pending_reply_shows_once_approved(paragraph, member, moderator, group):
    kai = make_user("kai")
    join(group, kai)
    top = make_comment(member, paragraph=paragraph)
    held = premoderated(group, lambda: make_comment(kai, parent=top, body="Waiting."))
    assert held.status == "pending"
    assert list(shown_to(member)) == [] and unread_count(member) == 0
    assert Notification.objects.filter(recipient=member, comment=held).exists()  # made, withheld
    moderate(actor=moderator, target=held, action="approve", reason="Fine.")
    assert [n.comment_id for n in shown_to(member)] == [held.pk]


def test_a_rejected_reply_never_shows(paragraph, member, moderator, group):
    kai = make_user("kai")
    join(group, kai)
    top = make_comment(member, paragraph=paragraph)
    held = premoderated(group, lambda: make_comment(kai, parent=top, body="Waiting."))
    moderate(actor=moderator, target=held, action="reject", reason="Spam.")
    assert list(shown_to(member)) == []
    assert [n.kind for n in shown_to(kai)] == ["moderation"]


def test_a_moderator_sees_what_they_moderate(paragraph, member, owner, moderator, group):
    top = make_comment(moderator, paragraph=paragraph)
    held = premoderated(group, lambda: make_comment(member, parent=top, body="Waiting."))
    assert held.status == "pending"
    # a moderator may see pending posts in the group: the reply shows to them
    assert [n.comment_id for n in shown_to(moderator)] == [held.pk]


def test_a_recipient_who_left_sees_nothing_of_the_group(answered, member, group):
    member_leave(user=member, group=group)
    assert listed(member) == [] and unread_count(member) == 0


def test_a_banned_recipient_sees_nothing_of_the_group(answered, member, owner, group):
    membership = Membership.objects.get(user=member, group=group)
    member_ban(actor=owner, membership=membership, reason="Spam.")
    assert listed(member) == [] and unread_count(member) == 0


def test_an_annotation_made_private_takes_the_comments_on_it(paragraph, member, owner):
    annotation = make_annotation(owner, paragraph, note="Shared for now.")
    make_comment(member, annotation=annotation, body="Reply to the annotation.")
    assert [n.kind for n in shown_to(owner)] == ["reply"]
    top = make_comment(owner, annotation=annotation, body="Owner answers.")
    assert [n.comment_id for n in shown_to(member)] == [top.pk]  # a thread they took part in
    annotation_update(annotation=annotation, user=owner, visibility="private")
    assert list(shown_to(member)) == []


def test_blind_mode_withholds_others_readings_until_the_reader_has_tagged(
    paragraph, member, owner, moderator, group
):
    annotation = make_annotation(owner, paragraph, role="claim")
    make_comment(member, annotation=annotation, body="I tagged nothing yet.")
    # mo follows the discussion on the annotation, reading blind
    Membership.objects.filter(user=moderator, group=group).update(blind=True)
    make_comment(moderator, annotation=annotation, body="Joining in.")
    Notification.objects.all().delete()
    make_comment(owner, annotation=annotation, body="The claim is clear.")
    assert Notification.objects.filter(recipient=moderator).count() == 1
    assert list(shown_to(moderator)) == []  # olive's claim is on a paragraph mo has not tagged
    assert unread_count(moderator) == 0
    make_annotation(moderator, paragraph, role="evidence")
    assert [n.kind for n in shown_to(moderator)] == ["thread"]


def test_blind_mode_keeps_replies_to_the_readers_own_annotation(paragraph, member, owner, group):
    Membership.objects.filter(user=member, group=group).update(blind=True)
    annotation = make_annotation(member, paragraph)
    make_comment(owner, annotation=annotation, body="Why?")
    assert [n.kind for n in shown_to(member)] == ["reply"]


def test_marking_all_read_leaves_the_withheld_unread(answered, member, moderator, paragraph):
    other = make_comment(member, paragraph=paragraph, body="Second.")
    hidden = make_comment(moderator, parent=other, body="Soon hidden.")
    moderate(actor=moderator, target=hidden, action="hide", reason="Test.")
    # mo hid their own post; amina's notification of it is withheld
    response = signed_in(member).post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 1}
    assert Notification.objects.get(recipient=member, comment=hidden).read is None
