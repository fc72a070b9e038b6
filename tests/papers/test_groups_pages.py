"""The group pages: creating a group, its page with members and invite links, settings, deleting
with confirmation, managing members, leaving, and the invite page. Who gets which status on every
page is in test_permission_matrix.py; the behaviour is here."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from papers.groups import group_create, invite_create, invite_revoke
from papers.models import Invite, Membership, Paper, ReadingGroup
from tests.conftest import join, make_group, make_user

from .makers import make_paper


def url(name: str, **kwargs) -> str:
    return reverse(f"papers:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Home and creating a group


def test_home_offers_a_signed_in_user_a_new_group(member_client):
    response = member_client.get(url("home"))
    assert url("group_create") in response.text


def test_home_shows_the_role_and_the_personal_group_first(client, group, member):
    group_create(owner=member, name="My papers", personal=True)
    client.force_login(member)
    text = client.get(url("home")).text
    assert text.index("My papers") < text.index("Seminar")
    assert "· personal" in text and "· member" in text


def test_creating_a_group_makes_the_creator_its_owner(outsider_client, outsider):
    response = outsider_client.post(
        url("group_create"),
        {"name": "Close reading", "description": "Tuesdays", "visibility": "public"},
    )
    group = ReadingGroup.objects.get(name="Close reading")
    assert response.status_code == 302
    assert response["Location"] == url("group_detail", slug=group.slug)
    assert (group.visibility, group.description) == ("public", "Tuesdays")
    assert Membership.objects.get(group=group, user=outsider).role == "owner"


def test_creating_a_group_without_a_name_says_so(outsider_client):
    response = outsider_client.post(url("group_create"), {"name": "  ", "visibility": "private"})
    assert response.status_code == 400
    assert "This field is required." in response.text or "needs a name" in response.text
    assert not ReadingGroup.objects.exists()


def test_the_create_form_is_labelled(outsider_client):
    text = outsider_client.get(url("group_create")).text
    assert '<label for="id_name"' in text and '<label for="id_description"' in text


# The group page


def test_a_member_sees_papers_and_members_with_roles(member_client, group, owner, moderator, paper):
    text = member_client.get(url("group_detail", slug=group.slug)).text
    assert paper.title in text
    for name, role in (("olive", "Owner"), ("mo", "Moderator"), ("amina", "Member")):
        assert name in text and role in text
    names = [text.index(f'<span class="member-name">{n}<') for n in ("olive", "mo", "amina")]
    assert names == sorted(names)
    assert url("group_leave", slug=group.slug) in text
    assert url("group_settings", slug=group.slug) not in text
    assert 'id="invites"' not in text


def test_a_banned_member_is_not_listed_for_members(member_client, group, banned):
    assert "bea" not in member_client.get(url("group_detail", slug=group.slug)).text


def test_an_outsider_of_a_public_group_reads_papers_but_not_members(client, outsider):
    agora = make_group("Agora", visibility="public")
    reader = make_user("rhea")
    join(agora, reader, "owner")
    make_paper(agora, title="Open Paper")
    client.force_login(outsider)
    text = client.get(url("group_detail", slug=agora.slug)).text
    assert "Open Paper" in text
    assert "rhea" not in text
    assert url("group_leave", slug=agora.slug) not in text


def test_owners_see_settings_members_and_invite_links(owner_client, group, owner):
    invite = invite_create(actor=owner, group=group, max_uses=5)
    text = owner_client.get(url("group_detail", slug=group.slug)).text
    assert url("group_settings", slug=group.slug) in text
    assert url("group_members", slug=group.slug) in text
    assert f"/invites/{invite.token}/" in text
    assert "Used 0 of 5 times" in text
    assert url("invite_revoke", slug=group.slug, invite_id=invite.pk) in text
    assert 'data-copy="invite-' in text
    # Owners choose the role an invite grants.
    assert '<option value="moderator"' in text


def test_moderators_see_and_make_member_links_only(moderator_client, group, owner, moderator):
    for_members = invite_create(actor=owner, group=group)
    for_moderators = invite_create(actor=owner, group=group, role="moderator")
    text = moderator_client.get(url("group_detail", slug=group.slug)).text
    assert for_members.token in text
    assert for_moderators.token not in text
    assert '<option value="moderator"' not in text


def test_revoked_and_expired_links_are_marked_and_not_copyable(owner_client, group, owner):
    revoked = invite_revoke(actor=owner, invite=invite_create(actor=owner, group=group))
    expired = invite_create(actor=owner, group=group, expires=timezone.now() + timedelta(days=1))
    Invite.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(days=1))
    text = owner_client.get(url("group_detail", slug=group.slug)).text
    assert "<strong>Revoked</strong>" in text and "<strong>Expired</strong>" in text
    assert revoked.token not in text and expired.token not in text


# Invite links on the group page


def test_owners_make_an_invite_link(owner_client, group, owner):
    response = owner_client.post(
        url("invite_create", slug=group.slug),
        {"role": "moderator", "expires_in": "1d", "max_uses": "3"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#invites")
    invite = Invite.objects.get()
    assert (invite.role, invite.max_uses, invite.created_by) == ("moderator", 3, owner)
    assert timedelta(hours=23) < invite.expires - timezone.now() <= timedelta(days=1)


def test_an_invite_link_may_never_expire(owner_client, group):
    owner_client.post(
        url("invite_create", slug=group.slug), {"role": "member", "expires_in": "never"}
    )
    assert Invite.objects.get().expires is None


def test_a_bad_invite_form_shows_the_group_page_with_the_error(owner_client, group):
    response = owner_client.post(
        url("invite_create", slug=group.slug),
        {"role": "member", "expires_in": "1d", "max_uses": "0"},
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.text
    assert not Invite.objects.exists()


def test_a_moderator_cannot_make_a_moderator_link(moderator_client, group):
    response = moderator_client.post(
        url("invite_create", slug=group.slug), {"role": "moderator", "expires_in": "1d"}
    )
    assert response.status_code == 400
    assert not Invite.objects.exists()


def test_revoking_a_link(owner_client, group, owner):
    invite = invite_create(actor=owner, group=group)
    response = owner_client.post(url("invite_revoke", slug=group.slug, invite_id=invite.pk))
    assert response.status_code == 302
    assert Invite.objects.get().revoked is not None


def test_a_moderator_cannot_revoke_a_moderator_link(moderator_client, group, owner):
    invite = invite_create(actor=owner, group=group, role="moderator")
    response = moderator_client.post(url("invite_revoke", slug=group.slug, invite_id=invite.pk))
    assert response.status_code == 404
    assert Invite.objects.get().revoked is None


# Settings and deleting


def test_owners_rename_describe_and_open_the_group(owner_client, group):
    response = owner_client.post(
        url("group_settings", slug=group.slug),
        {
            "name": "Seminar B",
            "description": "Room 4",
            "visibility": "public",
            "premoderation": "all",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.description, group.visibility, group.premoderation) == (
        "Seminar B",
        "Room 4",
        "public",
        "all",
    )
    assert group.slug == "seminar"


def test_the_settings_of_a_personal_group_offer_no_visibility_and_no_delete(client, db):
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    client.force_login(user)
    text = client.get(url("group_settings", slug=mine.slug)).text
    assert 'name="visibility"' not in text
    assert url("group_delete", slug=mine.slug) not in text
    response = client.post(url("group_delete", slug=mine.slug), {"confirm": "My papers"})
    assert response.status_code == 400
    assert "cannot be deleted" in response.text
    assert ReadingGroup.objects.filter(pk=mine.pk).exists()


def test_deleting_asks_for_the_name(owner_client, group, paper):
    page = owner_client.get(url("group_delete", slug=group.slug))
    assert "type the group's name" in page.text
    assert "1 paper" in page.text
    response = owner_client.post(url("group_delete", slug=group.slug), {"confirm": "seminar"})
    assert response.status_code == 400
    assert "Type the name exactly as shown: Seminar" in response.text
    assert ReadingGroup.objects.filter(pk=group.pk).exists()


def test_deleting_with_the_name_deletes_the_group(owner_client, group, paper):
    response = owner_client.post(url("group_delete", slug=group.slug), {"confirm": " Seminar "})
    assert response.status_code == 302 and response["Location"] == url("home")
    assert not ReadingGroup.objects.exists() and not Paper.objects.exists()


# Members


def test_the_members_page_offers_owners_every_form(owner_client, group, owner, moderator, banned):
    text = owner_client.get(url("group_members", slug=group.slug)).text
    assert url("member_role", slug=group.slug, username="mo") in text
    assert url("member_ban", slug=group.slug, username="mo") in text
    assert url("member_unban", slug=group.slug, username="bea") in text
    # No forms to remove or ban oneself.
    assert url("member_ban", slug=group.slug, username="olive") not in text
    assert '<label for="role-' in text


def test_the_members_page_offers_moderators_forms_for_members_only(
    moderator_client, group, owner, member
):
    text = moderator_client.get(url("group_members", slug=group.slug)).text
    assert url("member_ban", slug=group.slug, username="amina") in text
    assert url("member_ban", slug=group.slug, username="olive") not in text
    assert url("member_role", slug=group.slug, username="amina") not in text


def test_promoting_and_demoting(owner_client, group, member):
    response = owner_client.post(
        url("member_role", slug=group.slug, username="amina"), {"role": "moderator"}, follow=True
    )
    assert "amina is now moderator." in messages_of(response)
    assert Membership.objects.get(user=member).role == "moderator"


def test_the_last_owner_is_told_why_they_cannot_step_down(owner_client, group, owner):
    response = owner_client.post(
        url("member_role", slug=group.slug, username="olive"), {"role": "member"}, follow=True
    )
    assert any("make someone else an owner first" in m for m in messages_of(response))
    assert Membership.objects.get(user=owner).role == "owner"


def test_banning_unbanning_and_removing(moderator_client, group, member):
    moderator_client.post(url("member_ban", slug=group.slug, username="amina"))
    assert Membership.objects.get(user=member).status == "banned"
    moderator_client.post(url("member_unban", slug=group.slug, username="amina"))
    assert Membership.objects.get(user=member).status == "active"
    response = moderator_client.post(
        url("member_remove", slug=group.slug, username="amina"), follow=True
    )
    assert "amina is no longer a member." in messages_of(response)
    assert not Membership.objects.filter(user=member).exists()


def test_a_moderator_banning_an_owner_is_refused(moderator_client, group, owner):
    response = moderator_client.post(url("member_ban", slug=group.slug, username="olive"))
    assert response.status_code == 403
    assert "Only the group&#x27;s owners may ban owners and moderators." in response.text
    assert Membership.objects.get(user=owner).status == "active"


def test_an_unknown_member_answers_404(owner_client, group):
    assert (
        owner_client.post(url("member_ban", slug=group.slug, username="nobody")).status_code == 404
    )


# Leaving


def test_a_member_leaves(member_client, group, member):
    assert "Leave the group" in member_client.get(url("group_leave", slug=group.slug)).text
    response = member_client.post(url("group_leave", slug=group.slug))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member).exists()
    assert member_client.get(url("group_detail", slug=group.slug)).status_code == 404


def test_the_last_owner_cannot_leave(owner_client, group, owner):
    response = owner_client.post(url("group_leave", slug=group.slug))
    assert response.status_code == 400
    assert "Hand the group to another owner before you leave." in response.text
    assert Membership.objects.filter(user=owner).exists()


# The invite page


def invite_url(invite) -> str:
    return url("invite", token=invite.token)


def test_an_anonymous_visitor_sees_the_group_and_ways_in(client, group, owner):
    invite = invite_create(actor=owner, group=group)
    response = client.get(invite_url(invite))
    assert response.status_code == 200
    assert "Join Seminar" in response.text
    next_query = f"?next=%2Finvites%2F{invite.token}%2F"
    assert reverse("account_login") + next_query in response.text
    assert reverse("account_signup") + next_query in response.text


def test_logging_in_from_the_invite_page_lands_in_the_group(client, group, owner, outsider):
    invite = invite_create(actor=owner, group=group)
    client.get(invite_url(invite))
    response = client.post(
        reverse("account_login"),
        {"login": "otto", "password": "pass-1234-word", "next": invite_url(invite)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("group_detail", slug=group.slug)
    assert "Welcome to Seminar." in messages_of(response)
    assert Membership.objects.get(group=group, user=outsider).role == "member"


def test_signing_up_from_the_invite_page_lands_in_the_group(client, group, owner):
    invite = invite_create(actor=owner, group=group, role="moderator")
    client.get(invite_url(invite))
    response = client.post(
        reverse("account_signup"),
        {
            "username": "nell",
            "email": "nell@example.org",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "next": invite_url(invite),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("group_detail", slug=group.slug)
    membership = Membership.objects.get(group=group, user__username="nell")
    assert membership.role == "moderator"


def test_a_signed_in_visitor_joins_with_a_button(client, group, owner, outsider):
    invite = invite_create(actor=owner, group=group)
    client.force_login(outsider)
    page = client.get(invite_url(invite))
    assert page.status_code == 200 and "Join Seminar" in page.text
    # Looking at the page joins nothing.
    assert not Membership.objects.filter(user=outsider).exists()
    response = client.post(invite_url(invite))
    assert response["Location"] == url("group_detail", slug=group.slug)
    assert Membership.objects.filter(user=outsider, status="active").exists()


def test_a_member_is_told_they_are_in_already(member_client, group, owner):
    invite = invite_create(actor=owner, group=group, max_uses=1)
    response = member_client.get(invite_url(invite))
    assert "already a member" in response.text
    assert member_client.post(invite_url(invite)).status_code == 302
    assert Invite.objects.get().uses == 0


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("revoked", "This invite link was revoked."),
        ("expired", "This invite link expired on"),
        ("used_up", "used as many times as it allows"),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unusable_link_says_why_and_hides_the_group(
    client, group, owner, outsider, state, message, signed_in
):
    invite = invite_create(actor=owner, group=group, max_uses=1)
    if state == "revoked":
        invite_revoke(actor=owner, invite=invite)
    elif state == "expired":
        Invite.objects.filter(pk=invite.pk).update(expires=timezone.now() - timedelta(hours=1))
    else:
        Invite.objects.filter(pk=invite.pk).update(uses=1)
    if signed_in:
        client.force_login(outsider)
    for response in (client.get(invite_url(invite)), client.post(invite_url(invite))):
        if not signed_in and response.request["REQUEST_METHOD"] == "POST":
            assert response.status_code == 302  # to the login page
            continue
        assert response.status_code == 410
        assert message in response.text
        assert "Seminar" not in response.text
    assert not Membership.objects.filter(user=outsider).exists()


def test_a_banned_member_cannot_rejoin_through_the_page(banned_client, group, owner, banned):
    invite = invite_create(actor=owner, group=group)
    for response in (banned_client.get(invite_url(invite)), banned_client.post(invite_url(invite))):
        assert response.status_code == 403
        assert "You are banned from this group" in response.text
        assert "Seminar" not in response.text
    assert Membership.objects.get(user=banned).status == "banned"


def test_an_unknown_token_answers_404(client, db):
    assert client.get("/invites/no-such-token/").status_code == 404
