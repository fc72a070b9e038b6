"""Invite links: who makes which, what makes one unusable, and joining through one (the
services; the page and the endpoint are tested at the end)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from papers.groups import (
    InviteUnusable,
    group_create,
    invite_accept,
    invite_create,
    invite_revoke,
    member_remove,
)
from papers.models import Invite, Membership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def accept(user, invite):
    return invite_accept(user=user, invite=Invite.objects.select_related("group").get(pk=invite.pk))


@pytest.fixture
def newcomer(db):
    return make_user("nell")


# Making and revoking


def test_an_invite_has_an_unguessable_unique_token(group, owner):
    first = invite_create(actor=owner, group=group)
    second = invite_create(actor=owner, group=group)
    assert len(first.token) >= 32 and first.token != second.token
    assert (first.role, first.expires, first.max_uses, first.uses) == ("member", None, None, 0)
    assert first.created_by == owner and first.is_usable


def test_owners_invite_moderators_and_moderators_invite_members_only(group, owner, moderator):
    assert invite_create(actor=owner, group=group, role="moderator").role == "moderator"
    assert invite_create(actor=moderator, group=group).role == "member"
    with pytest.raises(PermissionDenied, match="Only the group's owners may invite moderators"):
        invite_create(actor=moderator, group=group, role="moderator")


def test_nobody_invites_owners(group, owner):
    with pytest.raises(ValidationError, match="member or a moderator"):
        invite_create(actor=owner, group=group, role="owner")


@pytest.mark.parametrize("who", ["member", "outsider", "banned"])
def test_members_and_outsiders_do_not_invite(request, group, owner, who):
    with pytest.raises(PermissionDenied, match="owners and moderators may invite"):
        invite_create(actor=request.getfixturevalue(who), group=group)
    assert not Invite.objects.exists()


def test_an_expiry_in_the_past_and_zero_uses_are_refused(group, owner):
    with pytest.raises(ValidationError, match="in the future"):
        invite_create(actor=owner, group=group, expires=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="at least one use"):
        invite_create(actor=owner, group=group, max_uses=0)


def test_a_personal_group_has_no_invites():
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    with pytest.raises(ValidationError, match="yours alone"):
        invite_create(actor=user, group=mine)


def test_moderators_revoke_member_links_but_not_moderator_links(group, owner, moderator):
    for_members = invite_create(actor=owner, group=group)
    for_moderators = invite_create(actor=owner, group=group, role="moderator")
    invite_revoke(actor=moderator, invite=for_members)
    with pytest.raises(PermissionDenied):
        invite_revoke(actor=moderator, invite=for_moderators)
    assert Invite.objects.get(pk=for_members.pk).revoked is not None
    assert Invite.objects.get(pk=for_moderators.pk).revoked is None


def test_members_do_not_revoke(group, owner, member):
    invite = invite_create(actor=owner, group=group)
    with pytest.raises(PermissionDenied):
        invite_revoke(actor=member, invite=invite)


# Which invites are usable


def test_usable_leaves_out_revoked_expired_and_used_up_invites(group, owner):
    now = timezone.now()
    usable = invite_create(actor=owner, group=group, max_uses=2)
    forever = invite_create(actor=owner, group=group)
    revoked = invite_revoke(actor=owner, invite=invite_create(actor=owner, group=group))
    expired = invite_create(actor=owner, group=group, expires=now + timedelta(hours=1))
    Invite.objects.filter(pk=expired.pk).update(expires=now - timedelta(seconds=1))
    used_up = invite_create(actor=owner, group=group, max_uses=1)
    Invite.objects.filter(pk=used_up.pk).update(uses=1)
    assert set(Invite.objects.usable()) == {usable, forever}
    states = {i.pk: i.state() for i in Invite.objects.all()}
    assert states == {
        usable.pk: "usable",
        forever.pk: "usable",
        revoked.pk: "revoked",
        expired.pk: "expired",
        used_up.pk: "used_up",
    }
    assert Invite.objects.get(pk=usable.pk).unusable_reason() is None


# Accepting


def test_accepting_joins_the_group_with_the_invites_role(group, owner, newcomer):
    invite = invite_create(actor=owner, group=group, role="moderator", max_uses=3)
    membership, created = accept(newcomer, invite)
    assert created
    assert (membership.group, membership.user, membership.role, membership.status) == (
        group,
        newcomer,
        "moderator",
        "active",
    )
    assert Invite.objects.get(pk=invite.pk).uses == 1


def test_accepting_as_a_member_changes_nothing(group, owner, member):
    invite = invite_create(actor=owner, group=group, role="moderator", max_uses=1)
    membership, created = accept(member, invite)
    assert not created and membership.role == "member"
    assert Invite.objects.get(pk=invite.pk).uses == 0


def test_a_banned_member_cannot_rejoin(group, owner, banned):
    invite = invite_create(actor=owner, group=group)
    with pytest.raises(PermissionDenied, match="You are banned from this group"):
        accept(banned, invite)
    assert Membership.objects.get(group=group, user=banned).status == "banned"
    assert Invite.objects.get(pk=invite.pk).uses == 0


def test_a_revoked_invite_is_refused(group, owner, newcomer):
    invite = invite_revoke(actor=owner, invite=invite_create(actor=owner, group=group))
    with pytest.raises(InviteUnusable, match="was revoked") as caught:
        accept(newcomer, invite)
    assert caught.value.state == "revoked"
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_expired_invite_is_refused_with_its_date(group, owner, newcomer):
    invite = invite_create(actor=owner, group=group, expires=timezone.now() + timedelta(days=1))
    Invite.objects.filter(pk=invite.pk).update(
        expires=timezone.make_aware(timezone.datetime(2026, 3, 1, 12, 0))
    )
    with pytest.raises(InviteUnusable, match="expired on 1 March 2026, 12:00") as caught:
        accept(newcomer, invite)
    assert caught.value.state == "expired"


def test_a_used_up_invite_is_refused(group, owner, newcomer):
    invite = invite_create(actor=owner, group=group, max_uses=1)
    accept(make_user("first"), invite)
    with pytest.raises(InviteUnusable, match="used as many times as it allows") as caught:
        accept(newcomer, invite)
    assert caught.value.state == "used_up"
    assert Invite.objects.get(pk=invite.pk).uses == 1


def test_an_unlimited_invite_admits_many(group, owner):
    invite = invite_create(actor=owner, group=group)
    for name in ("a1", "a2", "a3"):
        accept(make_user(name), invite)
    assert Invite.objects.get(pk=invite.pk).uses == 3
    assert Membership.objects.filter(group=group, role="member").count() == 3


def test_a_removed_member_may_come_back_through_a_link(group, owner, member):
    member_remove(actor=owner, membership=Membership.objects.get(group=group, user=member))
    _, created = accept(member, invite_create(actor=owner, group=group))
    assert created


# The page and the endpoint (details in test_groups_pages.py and test_groups_api.py)


def test_the_landing_page_and_the_endpoint_give_the_same_reasons(group, owner, newcomer, client):
    invite = invite_revoke(actor=owner, invite=invite_create(actor=owner, group=group))
    client.force_login(newcomer)
    page = client.get(reverse("papers:invite", kwargs={"token": invite.token}))
    assert page.status_code == 410
    assert "This invite link was revoked." in page.text
    assert group.name not in page.text
    api = client.post(reverse("invite-accept", kwargs={"token": invite.token}))
    assert api.status_code == 410
    assert api.json() == {
        "detail": "This invite link was revoked. Ask the group for a new one.",
        "code": "revoked",
    }
