"""The groups API: groups/, groups/{slug}/, members, invites and invites/{token}/accept/.
Statuses for every caller are in test_permission_matrix.py; the shapes and rules are here."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from papers.groups import group_create, invite_create, invite_revoke
from papers.models import Invite, Membership, ReadingGroup
from tests.conftest import join, make_group, make_user, signed_in

from .makers import make_paper

GROUPS = "/api/v1/groups/"
SEMINAR = f"{GROUPS}seminar/"
MEMBERS = f"{SEMINAR}members/"
INVITES = f"{SEMINAR}invites/"


@pytest.fixture
def api():
    return APIClient()


def accept_url(invite) -> str:
    return f"/api/v1/invites/{invite.token}/accept/"


# Groups


def test_creating_a_group_makes_the_caller_its_owner(outsider_api, outsider):
    response = outsider_api.post(
        GROUPS, {"name": "Close reading", "visibility": "public"}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {
        "slug": "close-reading",
        "name": "Close reading",
        "description": "",
        "visibility": "public",
        "premoderation": "off",
        "premoderation_items": 3,
        "hide_banned_posts": False,
        "personal": False,
        "role": "owner",
        "paper_count": 0,
        "created": response.json()["created"],
    }
    group = ReadingGroup.objects.get(slug="close-reading")
    assert Membership.objects.get(group=group).user == outsider


def test_creating_a_group_needs_a_name_and_knows_its_fields(outsider_api):
    response = outsider_api.post(GROUPS, {"description": "x"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = outsider_api.post(GROUPS, {"name": "A", "slug": "mine"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unknown field: slug."]}
    response = outsider_api.post(GROUPS, {"name": "  "}, format="json")
    assert response.status_code == 400


def test_the_creator_finds_the_new_group_in_their_list(outsider_api):
    outsider_api.post(GROUPS, {"name": "Mine"}, format="json")
    assert [g["slug"] for g in outsider_api.get(GROUPS).json()["results"]] == ["mine"]


def test_owners_change_the_settings(owner_api, group):
    response = owner_api.patch(
        SEMINAR,
        {
            "name": "Seminar B",
            "description": "Room 4",
            "visibility": "public",
            "premoderation": "all",
        },
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["slug"], data["name"], data["visibility"], data["premoderation"]) == (
        "seminar",
        "Seminar B",
        "public",
        "all",
    )


def test_a_bad_setting_is_a_400(owner_api, group):
    assert owner_api.patch(SEMINAR, {"visibility": "secret"}, format="json").status_code == 400
    assert owner_api.patch(SEMINAR, {"premoderation": "x"}, format="json").status_code == 400
    assert owner_api.patch(SEMINAR, {"slug": "other"}, format="json").status_code == 400


def test_a_personal_group_stays_private_and_is_not_deleted(db):
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    client = signed_in(user)
    response = client.patch(f"{GROUPS}{mine.slug}/", {"visibility": "public"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"visibility": ["A personal group is always private."]}
    response = client.delete(f"{GROUPS}{mine.slug}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Your personal group cannot be deleted."}
    assert client.post(f"{GROUPS}{mine.slug}/invites/", {}, format="json").status_code == 400


def test_owners_delete_a_group(owner_api, group, paper):
    assert owner_api.delete(SEMINAR).status_code == 204
    assert not ReadingGroup.objects.exists()


def test_a_moderator_changing_settings_hears_why_not(moderator_api, group):
    response = moderator_api.patch(SEMINAR, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the group's owners may change its settings."}


# Members


def test_members_list_owners_first(member_api, group, owner, moderator, member, banned):
    response = member_api.get(MEMBERS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(m["user"], m["role"], m["status"]) for m in rows] == [
        ("olive", "owner", "active"),
        ("mo", "moderator", "active"),
        ("amina", "member", "active"),
    ]
    assert set(rows[0]) == {"user", "role", "status", "joined"}


def test_moderators_also_see_the_banned(moderator_api, group, owner, moderator, banned):
    rows = moderator_api.get(MEMBERS).json()["results"]
    assert ("bea", "banned") in [(m["user"], m["status"]) for m in rows]
    assert moderator_api.get(f"{MEMBERS}bea/").json()["status"] == "banned"


def test_a_member_does_not_see_a_banned_member(member_api, group, banned):
    assert member_api.get(f"{MEMBERS}bea/").status_code == 404


def test_outsiders_of_a_public_group_may_not_list_its_members(outsider_api, db):
    agora = make_group("Agora", visibility="public")
    join(agora, make_user("rhea"), "owner")
    response = outsider_api.get(f"{GROUPS}agora/members/")
    assert response.status_code == 403
    assert "rhea" not in response.text


def test_owners_promote_with_a_patch(owner_api, group, member):
    response = owner_api.patch(f"{MEMBERS}amina/", {"role": "moderator"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "moderator"
    # The same through the collection, naming the member in the body.
    response = owner_api.patch(MEMBERS, {"user": "amina", "role": "member"}, format="json")
    assert response.status_code == 200
    assert Membership.objects.get(user=member).role == "member"


def test_bans_and_unbans_are_status_changes(moderator_api, group, member):
    response = moderator_api.patch(f"{MEMBERS}amina/", {"status": "banned"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "banned")
    response = moderator_api.patch(f"{MEMBERS}amina/", {"status": "active"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "active")


def test_a_patch_needs_a_change(owner_api, group, member):
    assert owner_api.patch(f"{MEMBERS}amina/", {}, format="json").status_code == 400
    assert owner_api.patch(MEMBERS, {"user": "amina"}, format="json").status_code == 400
    assert owner_api.patch(f"{MEMBERS}amina/", {"role": "admin"}, format="json").status_code == 400


def test_moderators_may_not_change_roles(moderator_api, group, member):
    response = moderator_api.patch(f"{MEMBERS}amina/", {"role": "moderator"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the group's owners may change roles."}


def test_the_last_owner_cannot_step_down(owner_api, group, owner):
    response = owner_api.patch(f"{MEMBERS}olive/", {"role": "member"}, format="json")
    assert response.status_code == 400
    assert "make someone else an owner first" in response.json()["detail"]


def test_removing_a_member(moderator_api, group, member):
    assert moderator_api.delete(f"{MEMBERS}amina/").status_code == 204
    assert not Membership.objects.filter(user=member).exists()


def test_removing_through_the_collection(owner_api, group, member):
    assert owner_api.delete(MEMBERS, {"user": "amina"}, format="json").status_code == 204
    assert not Membership.objects.filter(user=member).exists()


def test_deleting_yourself_is_leaving(member_api, group, member):
    assert member_api.delete(f"{MEMBERS}amina/").status_code == 204
    assert not Membership.objects.filter(user=member).exists()
    assert member_api.get(SEMINAR).status_code == 404


def test_the_last_owner_cannot_leave(owner_api, group, owner):
    response = owner_api.delete(f"{MEMBERS}olive/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Hand the group to another owner before you leave."}


def test_adding_an_existing_user(owner_api, moderator_api, group, owner, moderator):
    make_user("nell")
    response = moderator_api.post(MEMBERS, {"user": "nell"}, format="json")
    assert response.status_code == 201
    assert (response.json()["user"], response.json()["role"]) == ("nell", "member")
    response = owner_api.post(MEMBERS, {"user": "nobody"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"user": ["There is no user with this username."]}
    response = owner_api.post(MEMBERS, {"user": "nell"}, format="json")
    assert response.json() == {"detail": "nell is already a member."}


def test_a_status_and_a_role_change_together_or_not_at_all(owner_api, group, member):
    response = owner_api.patch(
        f"{MEMBERS}amina/", {"status": "banned", "role": "moderator"}, format="json"
    )
    assert response.status_code == 400
    assert Membership.objects.get(user=member).status == "active"
    # An unban with a role: both apply (a status that changes nothing is refused: 400).
    owner_api.patch(f"{MEMBERS}amina/", {"status": "banned"}, format="json")
    response = owner_api.patch(
        f"{MEMBERS}amina/", {"status": "active", "role": "moderator"}, format="json"
    )
    assert response.status_code == 200
    assert Membership.objects.get(user=member).role == "moderator"


def test_usernames_with_dots_and_at_signs_are_found(owner_api, group):
    for name in ("a.json", "ann@example.org"):
        join(group, make_user(name))
        response = owner_api.patch(f"{MEMBERS}{name}/", {"status": "banned"}, format="json")
        assert (response.status_code, response.json()["user"]) == (200, name)


def test_an_unknown_member_answers_404(owner_api, group):
    assert (
        owner_api.patch(f"{MEMBERS}nobody/", {"role": "member"}, format="json").status_code == 404
    )


# Invites


def test_owners_make_and_list_invites(owner_api, group, owner):
    expires = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = owner_api.post(
        INVITES,
        {"role": "moderator", "expires": expires.isoformat(), "max_uses": 5},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    invite = Invite.objects.get()
    assert data["token"] == invite.token
    assert data["url"] == f"http://testserver/invites/{invite.token}/"
    assert (data["role"], data["max_uses"], data["uses"], data["state"]) == (
        "moderator",
        5,
        0,
        "usable",
    )
    assert data["created_by"] == "olive" and data["revoked"] is None
    listed = owner_api.get(INVITES).json()["results"]
    assert [i["id"] for i in listed] == [invite.pk]


def test_an_invite_without_limits(owner_api, group):
    data = owner_api.post(INVITES, {}, format="json").json()
    assert (data["role"], data["expires"], data["max_uses"]) == ("member", None, None)


def test_invites_refuse_a_past_expiry_zero_uses_and_owners(owner_api, group):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = owner_api.post(INVITES, {"expires": past}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"expires": ["The expiry must be in the future."]},
    )
    assert owner_api.post(INVITES, {"max_uses": 0}, format="json").status_code == 400
    assert owner_api.post(INVITES, {"role": "owner"}, format="json").status_code == 400


def test_moderators_see_and_make_member_invites_only(moderator_api, group, owner):
    invite_create(actor=owner, group=group, role="moderator")
    for_members = invite_create(actor=owner, group=group)
    listed = moderator_api.get(INVITES).json()["results"]
    assert [i["id"] for i in listed] == [for_members.pk]
    response = moderator_api.post(INVITES, {"role": "moderator"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the group's owners may invite moderators."}


def test_revoking_by_id_or_token(owner_api, group, owner):
    first, second = (invite_create(actor=owner, group=group) for _ in range(2))
    assert owner_api.delete(f"{INVITES}{first.pk}/").status_code == 204
    assert owner_api.delete(INVITES, {"token": second.token}, format="json").status_code == 204
    assert Invite.objects.usable().count() == 0
    states = [i["state"] for i in owner_api.get(INVITES).json()["results"]]
    assert states == ["revoked", "revoked"]


def test_a_moderator_cannot_revoke_a_moderator_invite(moderator_api, group, owner):
    invite = invite_create(actor=owner, group=group, role="moderator")
    assert moderator_api.delete(f"{INVITES}{invite.pk}/").status_code == 404
    assert Invite.objects.get().revoked is None


# Accepting


def test_accepting_an_invite_joins_the_group(outsider_api, outsider, group, owner):
    invite = invite_create(actor=owner, group=group, role="moderator")
    response = outsider_api.post(accept_url(invite))
    assert response.status_code == 201
    assert (response.json()["slug"], response.json()["role"]) == ("seminar", "moderator")
    assert outsider_api.get(SEMINAR).status_code == 200


def test_accepting_as_a_member_is_a_200_and_changes_nothing(member_api, group, owner):
    invite = invite_create(actor=owner, group=group, role="moderator", max_uses=1)
    response = member_api.post(accept_url(invite))
    assert (response.status_code, response.json()["role"]) == (200, "member")
    assert Invite.objects.get().uses == 0


@pytest.mark.parametrize(
    ("state", "detail"),
    [
        ("revoked", "This invite link was revoked. Ask the group for a new one."),
        (
            "used_up",
            "This invite link has been used as many times as it allows. Ask the group "
            "for a new one.",
        ),
    ],
)
def test_unusable_invites_are_gone(outsider_api, outsider, group, owner, state, detail):
    invite = invite_create(actor=owner, group=group, max_uses=1)
    if state == "revoked":
        invite_revoke(actor=owner, invite=invite)
    else:
        Invite.objects.filter(pk=invite.pk).update(uses=1)
    response = outsider_api.post(accept_url(invite))
    assert response.status_code == 410
    assert response.json() == {"detail": detail, "code": state}
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_expired_invite_is_gone(outsider_api, group, owner):
    invite = invite_create(actor=owner, group=group, expires=timezone.now() + timedelta(hours=1))
    Invite.objects.filter(pk=invite.pk).update(expires=timezone.now() - timedelta(hours=1))
    response = outsider_api.post(accept_url(invite))
    assert response.status_code == 410
    assert response.json()["code"] == "expired"
    assert response.json()["detail"].startswith("This invite link expired on ")
    assert "Seminar" not in response.text


def test_a_banned_member_cannot_accept(banned, group, owner):
    invite = invite_create(actor=owner, group=group)
    response = signed_in(banned).post(accept_url(invite))
    assert response.status_code == 403
    assert response.json() == {"detail": "You are banned from this group, so you cannot join it."}


def test_accepting_needs_credentials_and_a_real_token(api, outsider_api, group, owner):
    invite = invite_create(actor=owner, group=group)
    assert api.post(accept_url(invite)).status_code == 401
    assert outsider_api.post("/api/v1/invites/nope/accept/").status_code == 404
    assert outsider_api.get(accept_url(invite)).status_code == 405


def test_a_token_from_the_token_endpoint_works_for_groups(member, group):
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "amina", "password": "pass-1234-word"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(MEMBERS).status_code == 200
    assert client.post(GROUPS, {"name": "By token"}, format="json").status_code == 201


# Schema


def test_the_schema_describes_groups_members_and_invites(client, db):
    schema = client.get("/api/schema/").content
    for path in (
        b"/api/v1/groups/{slug}/members/:",
        b"/api/v1/groups/{slug}/members/{username}/:",
        b"/api/v1/groups/{slug}/invites/:",
        b"/api/v1/groups/{slug}/invites/{invite_id}/:",
        b"/api/v1/invites/{token}/accept/:",
    ):
        assert path in schema


def test_paper_counts_come_with_each_group(member_api, group):
    make_paper(group)
    assert member_api.get(SEMINAR).json()["paper_count"] == 1
