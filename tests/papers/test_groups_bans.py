"""Who moderates, who may ban whom, and the one ban service with one answer everywhere: the
service (papers.groups.member_ban/member_unban), the members API (PATCH by path and by body) and
the members page refuse banning the banned and unbanning the unbanned alike."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from papers import permissions
from papers.groups import member_ban, member_unban
from papers.models import AuditEntry, Membership, ReadingGroup
from tests.conftest import join, make_group, make_user, signed_in

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/groups/seminar/members/"


def membership(group, user) -> Membership:
    return Membership.objects.select_related("user", "group").get(group=group, user=user)


# Who moderates: one constant, one QuerySet


def test_moderating_roles_are_owners_and_moderators(group, owner, moderator, member, banned):
    assert set(Membership.MODERATING_ROLES) == {"owner", "moderator"}
    moderates = {m.user.username: m.can_moderate for m in group.memberships.select_related("user")}
    assert moderates == {"olive": True, "mo": True, "amina": False, "bea": False}
    assert {m.user_id for m in Membership.objects.moderating()} == {owner.pk, moderator.pk}


def test_moderated_by_is_the_active_owners_and_moderators_groups(group, owner, moderator, member):
    other = make_group("Other")
    join(other, member, Membership.Role.MODERATOR)
    join(other, moderator, Membership.Role.MODERATOR, status=Membership.Status.BANNED)
    assert list(ReadingGroup.objects.moderated_by(owner)) == [group]
    assert list(ReadingGroup.objects.moderated_by(moderator)) == [group]
    assert list(ReadingGroup.objects.moderated_by(member)) == [other]
    assert list(ReadingGroup.objects.moderated_by(AnonymousUser())) == []
    assert list(ReadingGroup.objects.moderated_by(None)) == []


# Who may ban whom: one rule


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("olive", "olive", False),
        ("olive", "otis", True),
        ("olive", "mo", True),
        ("olive", "amina", True),
        ("olive", "bea", True),
        ("mo", "olive", False),
        ("mo", "mona", False),
        ("mo", "mo", False),
        ("mo", "amina", True),
        ("mo", "bea", True),
        ("amina", "bea", False),
        ("amina", "amina", False),
    ],
)
def test_owners_ban_anyone_but_themselves_moderators_plain_members(
    group, owner, moderator, member, banned, actor, target, allowed
):
    join(group, make_user("otis"), Membership.Role.OWNER)
    join(group, make_user("mona"), Membership.Role.MODERATOR)
    by_name = {m.user.username: m for m in group.memberships.select_related("user")}
    actor_user, target_membership = by_name[actor].user, by_name[target]
    assert permissions.can_change_member(actor_user, target_membership) is allowed
    assert by_name[actor].can_change(target_membership) is allowed


# One ban, one answer


def test_the_service_refuses_banning_the_banned_and_unbanning_the_unbanned(
    group, owner, member, banned
):
    with pytest.raises(ValidationError, match=r"^\['bea is already banned.'\]$"):
        member_ban(actor=owner, membership=membership(group, banned))
    with pytest.raises(ValidationError, match=r"^\['amina is not banned.'\]$"):
        member_unban(actor=owner, membership=membership(group, member))
    assert not AuditEntry.objects.exists()


def test_the_service_reads_the_status_under_the_lock(group, owner, member):
    """A stale membership object (banned meanwhile) is refused, not banned twice."""
    stale = membership(group, member)
    member_ban(actor=owner, membership=membership(group, member))
    with pytest.raises(ValidationError, match="already banned"):
        member_ban(actor=owner, membership=stale)
    assert AuditEntry.objects.filter(action="ban").count() == 1


def test_the_service_checks_the_reason(group, owner, member):
    with pytest.raises(ValidationError, match="at most 2,000 characters"):
        member_ban(actor=owner, membership=membership(group, member), reason="x" * 2001)
    assert membership(group, member).status == "active"


@pytest.mark.parametrize("by", ["path", "body"])
def test_the_members_api_refuses_banning_the_banned(group, owner, moderator, banned, by):
    url, body = (f"{MEMBERS}bea/", {}) if by == "path" else (MEMBERS, {"user": "bea"})
    response = signed_in(moderator).patch(url, {**body, "status": "banned"}, format="json")
    assert (response.status_code, response.json()) == (400, {"detail": "bea is already banned."})
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("by", ["path", "body"])
def test_the_members_api_refuses_unbanning_a_member_not_banned(group, owner, member, by):
    url, body = (f"{MEMBERS}amina/", {}) if by == "path" else (MEMBERS, {"user": "amina"})
    response = signed_in(owner).patch(url, {**body, "status": "active"}, format="json")
    assert (response.status_code, response.json()) == (400, {"detail": "amina is not banned."})
    assert not AuditEntry.objects.exists()


def test_the_members_api_answers_403_before_400(group, moderator, owner):
    """Who may ban comes first: a moderator banning a banned owner hears 403, not 400."""
    otis = make_user("otis")
    join(group, otis, Membership.Role.OWNER)
    member_ban(actor=owner, membership=membership(group, otis))
    response = signed_in(moderator).patch(f"{MEMBERS}otis/", {"status": "banned"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("action", "username", "message"),
    [("ban", "bea", "bea is already banned."), ("unban", "amina", "amina is not banned.")],
)
def test_the_members_page_says_the_same(
    moderator_client, group, member, banned, action, username, message
):
    url = reverse(f"papers:member_{action}", kwargs={"slug": group.slug, "username": username})
    response = moderator_client.post(url, follow=True)
    assert response.redirect_chain == [
        (reverse("papers:group_members", kwargs={"slug": group.slug}), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [message]
    assert not AuditEntry.objects.exists()
