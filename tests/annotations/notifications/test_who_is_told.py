"""Who is told of what (annotations.notifications.services), through the services and the API:
each kind, one notification per person and post, and never the author, an outsider, a banned
member or one who left."""

import pytest

from annotations.moderation.services import moderate
from annotations.notifications.models import Follow, Notification
from annotations.notifications.shown import shown_to
from papers.groups import invite_accept, invite_create, member_leave
from papers.models import Membership
from papers.services import paper_import
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import join, make_user, signed_in

pytestmark = pytest.mark.django_db


def kinds(user) -> list[tuple[str, int | None]]:
    """The user's shown notifications as (kind, actor id), newest first."""
    return [(n.kind, n.actor_id) for n in shown_to(user)]


def test_a_reply_tells_the_comment_author(paragraph, member, owner):
    top = make_comment(member, paragraph=paragraph)
    reply = make_comment(owner, parent=top, body="Not so sure.")
    assert kinds(member) == [("reply", owner.pk)]
    n = shown_to(member).get()
    assert (n.comment_id, n.paragraph_id) == (reply.pk, paragraph.pk)
    assert kinds(owner) == []  # never the author


def test_a_comment_on_an_annotation_tells_its_author(paragraph, member, owner):
    annotation = make_annotation(member, paragraph)
    make_comment(owner, annotation=annotation, body="Which source?")
    assert kinds(member) == [("reply", owner.pk)]
    assert shown_to(member).get().annotation_id == annotation.pk


def test_the_thread_hears_of_a_new_comment_once(paragraph, member, owner, moderator):
    top = make_comment(member, paragraph=paragraph)
    make_comment(moderator, parent=top, body="I agree.")
    Notification.objects.all().delete()
    make_comment(owner, parent=top, body="I do not.")
    # amina wrote the comment answered: a reply (not also a thread notification); mo took part
    assert kinds(member) == [("reply", owner.pk)]
    assert kinds(moderator) == [("thread", owner.pk)]
    assert Notification.objects.count() == 2


def test_followers_hear_of_comments_on_the_paragraph(paragraph, member, owner, moderator):
    Follow.objects.create(user=moderator, paragraph=paragraph)
    make_comment(owner, paragraph=paragraph, body="A first thought.")
    assert kinds(moderator) == [("thread", owner.pk)]
    assert kinds(member) == []


def test_members_who_left_or_were_banned_are_not_told(paragraph, member, owner, group):
    top = make_comment(member, paragraph=paragraph)
    Membership.objects.filter(user=member, group=group).update(status=Membership.Status.BANNED)
    make_comment(owner, parent=top, body="Hm.")
    assert Notification.objects.filter(recipient=member).count() == 0


def test_a_private_annotation_tells_nobody(paragraph, member, owner):
    annotation = make_annotation(owner, paragraph, visibility="private", note="For me.")
    make_comment(owner, annotation=annotation, body="Note to self.")
    assert Notification.objects.count() == 0


def test_editing_tells_nobody_again(paragraph, member, owner):
    top = make_comment(member, paragraph=paragraph)
    reply = make_comment(owner, parent=top)
    response = signed_in(owner).patch(
        f"/api/v1/comments/{reply.pk}/", {"body": "Changed my mind."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Notification.objects.filter(recipient=member).count() == 1


def test_a_moderation_decision_tells_the_author_with_the_reason(paragraph, member, moderator):
    comment = make_comment(member, paragraph=paragraph)
    moderate(actor=moderator, target=comment, action="hide", reason="Off topic here.")
    [n] = shown_to(member)  # their own hidden post: they still see it, and why
    assert (n.kind, n.actor_id, n.detail) == (
        "moderation",
        None,
        {"action": "hide", "reason": "Off topic here."},
    )
    data = signed_in(member).get("/api/v1/notifications/").json()["results"][0]
    assert data["actor"] is None  # the author is never told which moderator
    assert data["action"] == "hide" and data["reason"] == "Off topic here."
    assert data["sentence"].startswith("A moderator hid your comment on ")


def test_a_moderator_acting_on_their_own_post_is_not_told(paragraph, moderator):
    comment = make_comment(moderator, paragraph=paragraph)
    moderate(actor=moderator, target=comment, action="hide", reason="Mine.")
    assert Notification.objects.count() == 0


def test_a_new_paper_tells_the_other_members(group, owner, member, moderator, banned):
    text = "Reading Slowly\n\nWe read one page a day. It is enough.\n\nThen we talk about it.\n"
    paper = paper_import(group=group, user=owner, data=text.encode(), filename="")
    assert kinds(member) == [("paper", owner.pk)]
    assert kinds(moderator) == [("paper", owner.pk)]
    assert kinds(owner) == [] and Notification.objects.filter(recipient=banned).count() == 0
    data = signed_in(member).get("/api/v1/notifications/").json()["results"][0]
    assert (data["target_type"], data["target"], data["paper"]) == ("paper", paper.pk, paper.pk)
    assert data["url"] == f"/papers/{paper.pk}/"


def test_a_join_through_an_invite_tells_its_maker(group, owner, member):
    invite = invite_create(actor=owner, group=group)
    newcomer = make_user("nadia")
    invite_accept(user=newcomer, invite=invite)
    assert kinds(owner) == [("joined", newcomer.pk)]
    invite_accept(user=newcomer, invite=invite)  # already a member: nothing new
    assert Notification.objects.count() == 1
    data = signed_in(owner).get("/api/v1/notifications/").json()["results"][0]
    assert data["sentence"] == "nadia joined Seminar through your invite link"
    assert (data["target_type"], data["target"]) == ("member", newcomer.pk)


def test_the_invite_maker_who_left_is_not_told(group, owner, moderator):
    invite = invite_create(actor=moderator, group=group)
    member_leave(user=moderator, group=group)
    invite_accept(user=make_user("nadia"), invite=invite)
    assert Notification.objects.count() == 0


def test_a_reader_of_a_public_group_who_is_not_a_member_is_not_told(public_paper, outsider):
    paragraph = public_paper.paragraphs.get(kind="body", text__contains="reader 0")
    member = Membership.objects.filter(group=public_paper.group, role="member").first().user
    Follow.objects.create(user=outsider, paragraph=paragraph)  # followed, then nothing
    make_comment(member, paragraph=paragraph)
    assert Notification.objects.filter(recipient=outsider).count() == 0


def test_an_old_commenter_who_rejoined_hears_again(paragraph, member, owner, group):
    top = make_comment(member, paragraph=paragraph)
    member_leave(user=member, group=group)
    make_comment(owner, parent=top)
    assert Notification.objects.filter(recipient=member).count() == 0
    Membership.objects.filter(user=member, group=group).delete()
    join(group, member)
    make_comment(owner, parent=top, body="Again.")
    assert kinds(member) == [("reply", owner.pk)]
