"""Bans as moderation sees them (annotations/moderation/bans.py, the queue's `can_ban`): one rule
for who may ban whom, asked by the queue page and the queue API per item and answered the same by
the actions; one ban service with one answer for banning the banned; a ban's effect on posts
called explicitly through `MARGINALIA_BAN_CONSEQUENCES`, nothing when the setting is empty."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from annotations.models import Status
from annotations.moderation import bans
from annotations.moderation import services as moderation
from papers.groups import member_ban, member_unban
from papers.models import AuditEntry, Membership
from tests.conftest import join, make_user, signed_in

from .conftest import make_annotation, make_comment

pytestmark = pytest.mark.django_db

QUEUE_PAGE = reverse("annotations:moderation_queue")
ACT = reverse("annotations:moderation_act")
QUEUE_API = "/api/v1/moderation/queue/"
ACTIONS_API = "/api/v1/moderation/actions/"


@pytest.fixture
def flagger(group):
    user = make_user("flo")
    join(group, user)
    return user


def _author(kind: str, viewer, group):
    """The post's author: the viewer themselves, or someone else with the role `kind`."""
    if kind == "self":
        return viewer
    user = make_user(f"other-{kind}")
    join(group, user, kind)
    return user


# Who may ban whom from the queue: owners anyone but themselves, moderators plain members.
CASES = [
    ("owner", "self", False),
    ("owner", "owner", True),
    ("owner", "moderator", True),
    ("owner", "member", True),
    ("moderator", "self", False),
    ("moderator", "owner", False),
    ("moderator", "moderator", False),
    ("moderator", "member", True),
]


@pytest.fixture
def scene(request, group, paragraph, owner, moderator, flagger):
    """A post by `author` (relative to `viewer`), flagged by a plain member."""
    viewer_kind, author_kind, allowed = request.param
    viewer = owner if viewer_kind == "owner" else moderator
    author = _author(author_kind, viewer, group)
    comment = make_comment(author, paragraph=paragraph, body="Flag me")
    moderation.flag_create(user=flagger, target=comment, reason="abuse")
    return {"viewer": viewer, "author": author, "comment": comment, "allowed": allowed}


def _ids(case):
    return f"{case[0]}-bans-{case[1]}"


@pytest.mark.parametrize("scene", CASES, indirect=True, ids=[_ids(c) for c in CASES])
def test_the_queue_page_offers_ban_only_where_the_ban_is_taken(client, group, scene):
    viewer, author, comment = scene["viewer"], scene["author"], scene["comment"]
    client.force_login(viewer)
    text = client.get(QUEUE_PAGE).text
    assert (f"Ban {author.username} from Seminar" in text) is scene["allowed"]
    response = client.post(ACT, {"items": f"comment:{comment.pk}", "action": "ban"})
    banned = Membership.objects.get(group=group, user=author).status == "banned"
    if scene["allowed"]:
        assert (response.status_code, banned) == (302, True)
    else:
        assert (response.status_code, banned) == (403, False)
        assert not AuditEntry.objects.filter(action="ban").exists()


@pytest.mark.parametrize("scene", CASES, indirect=True, ids=[_ids(c) for c in CASES])
def test_the_queue_api_says_can_ban_and_the_action_agrees(group, scene):
    viewer, author, comment = scene["viewer"], scene["author"], scene["comment"]
    [item] = signed_in(viewer).get(QUEUE_API).json()["results"]
    assert (item["target"], item["can_ban"]) == (comment.pk, scene["allowed"])
    response = signed_in(viewer).post(
        ACTIONS_API,
        {"target_type": "comment", "target": comment.pk, "action": "ban"},
        format="json",
    )
    assert response.status_code == (201 if scene["allowed"] else 403), response.json()
    # By member name, the same answer.
    by_name = signed_in(viewer).post(
        ACTIONS_API,
        {"target_type": "member", "target": author.username, "group": group.slug, "action": "ban"},
        format="json",
    )
    assert by_name.status_code == (400 if scene["allowed"] else 403), by_name.json()


def test_an_owner_is_not_offered_to_ban_themselves_for_their_own_flagged_post(
    owner_client, owner, member, paragraph
):
    """The reported bug: a member flags the owner's own comment; the owner's queue offered
    "Ban" on it and the click answered 403."""
    comment = make_comment(owner, paragraph=paragraph, body="Words of the owner")
    moderation.flag_create(user=member, target=comment, reason="other")
    text = owner_client.get(QUEUE_PAGE).text
    assert "Words of the owner" in text
    assert "Ban olive" not in text and 'value="ban"' not in text
    [item] = signed_in(owner).get(QUEUE_API).json()["results"]
    assert item["can_ban"] is False
    response = owner_client.post(ACT, {"items": f"comment:{comment.pk}", "action": "ban"})
    assert response.status_code == 403
    assert "You cannot ban yourself" in response.text


def test_a_banned_or_departed_author_is_not_offered_a_ban(
    moderator_client, moderator, member, paragraph, flagger, group
):
    comment = make_comment(member, paragraph=paragraph, body="Before the ban")
    moderation.flag_create(user=flagger, target=comment, reason="spam")
    member_ban(actor=moderator, membership=Membership.objects.get(user=member, group=group))
    assert "Ban amina" not in moderator_client.get(QUEUE_PAGE).text
    [item] = signed_in(moderator).get(QUEUE_API).json()["results"]
    assert item["can_ban"] is False
    Membership.objects.filter(user=member, group=group).delete()
    [item] = signed_in(moderator).get(QUEUE_API).json()["results"]
    assert item["can_ban"] is False
    response = signed_in(moderator).post(
        ACTIONS_API,
        {"target_type": "comment", "target": comment.pk, "action": "ban"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The author is no longer a member of this group."}


# One ban, one answer


def test_banning_the_banned_is_refused_the_same_through_the_actions_and_the_queue(
    moderator_client, moderator, member, paragraph, flagger, group
):
    comment = make_comment(member, paragraph=paragraph, body="Spam")
    moderation.flag_create(user=flagger, target=comment, reason="spam")
    member_ban(actor=moderator, membership=Membership.objects.get(user=member, group=group))
    api = signed_in(moderator)
    for body in (
        {"target_type": "member", "target": "amina", "group": group.slug, "action": "ban"},
        {"target_type": "member", "target": member.pk, "group": group.slug, "action": "ban"},
        {"target_type": "comment", "target": comment.pk, "action": "ban"},
    ):
        response = api.post(ACTIONS_API, body, format="json")
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "amina is already banned."},
        )
    response = moderator_client.post(
        ACT, {"items": f"comment:{comment.pk}", "action": "ban"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Nothing was done: amina is already banned."]
    assert AuditEntry.objects.filter(action="ban").count() == 1


def test_unbanning_a_member_who_is_not_banned_is_refused_through_the_actions(
    moderator, member, paragraph, group
):
    comment = make_comment(member, paragraph=paragraph)
    api = signed_in(moderator)
    for body in (
        {"target_type": "member", "target": "amina", "group": group.slug, "action": "unban"},
        {"target_type": "comment", "target": comment.pk, "action": "unban"},
    ):
        response = api.post(ACTIONS_API, body, format="json")
        assert (response.status_code, response.json()) == (400, {"detail": "amina is not banned."})
    assert not AuditEntry.objects.exists()


# What a ban does to posts: an explicit call, wired by the setting


def test_the_setting_names_the_two_consequences():
    assert import_string(settings.MARGINALIA_BAN_CONSEQUENCES["ban"]) is bans.hide_banned_posts
    assert import_string(settings.MARGINALIA_BAN_CONSEQUENCES["unban"]) is (
        bans.show_unbanned_posts
    )


def test_a_ban_hides_the_posts_and_records_them_in_its_entry(owner, member, paragraph, group):
    group.hide_banned_posts = True
    group.save()
    annotation = make_annotation(member, paragraph)
    comment = make_comment(member, paragraph=paragraph)
    membership = Membership.objects.get(user=member, group=group)
    member_ban(actor=owner, membership=membership, reason="spam")
    assert membership.audit_entry.detail == {
        "hidden": {"annotations": [annotation.pk], "comments": [comment.pk]}
    }
    annotation.refresh_from_db()
    assert (annotation.status, annotation.version) == (Status.HIDDEN, 2)
    member_unban(actor=owner, membership=membership)
    assert membership.audit_entry.detail == {
        "shown": {"annotations": [annotation.pk], "comments": [comment.pk]}
    }
    annotation.refresh_from_db()
    assert (annotation.status, annotation.version) == (Status.VISIBLE, 3)


@pytest.mark.parametrize("empty", [None, {}])
def test_without_the_setting_a_ban_calls_nothing(owner, member, paragraph, group, empty):
    group.hide_banned_posts = True
    group.save()
    annotation = make_annotation(member, paragraph)
    membership = Membership.objects.get(user=member, group=group)
    with override_settings(MARGINALIA_BAN_CONSEQUENCES=empty):
        member_ban(actor=owner, membership=membership)
        assert membership.audit_entry.detail == {}
        annotation.refresh_from_db()
        assert annotation.status == Status.VISIBLE
        member_unban(actor=owner, membership=membership)
        assert membership.audit_entry.detail == {}


def test_a_consequence_that_fails_undoes_the_ban(owner, member, group):
    membership = Membership.objects.get(user=member, group=group)
    path = "tests.annotations.test_moderation_bans._failing_consequence"
    with (
        override_settings(MARGINALIA_BAN_CONSEQUENCES={"ban": path}),
        pytest.raises(RuntimeError),
    ):
        member_ban(actor=owner, membership=membership)
    assert Membership.objects.get(pk=membership.pk).status == "active"
    assert not AuditEntry.objects.exists()


def _failing_consequence(*, membership, actor):
    assert Membership.objects.get(pk=membership.pk).status == "banned"  # inside the ban
    raise RuntimeError("the posts could not be hidden")
