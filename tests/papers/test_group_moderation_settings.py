"""A group's moderation settings (pre-moderation, how many of a new member's posts wait, hiding a
banned member's posts) on the settings page and through the groups API; the reason given for a
ban or an unban on the members page."""

import re

import pytest
from django.urls import reverse

from papers.groups import group_create
from papers.models import AuditEntry, Membership, ReadingGroup
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db

SETTINGS = reverse("papers:group_settings", kwargs={"slug": "seminar"})
GROUP_API = "/api/v1/groups/seminar/"


def settings_form(**changes) -> dict:
    data = {
        "name": "Seminar",
        "description": "",
        "visibility": "private",
        "premoderation": "off",
        "premoderation_items": "3",
    }
    data.update(changes)
    return data


# The settings page


def test_the_page_offers_the_moderation_settings(owner_client, group):
    text = owner_client.get(SETTINGS).text
    assert '<select name="premoderation"' in text
    assert 'name="premoderation_items"' in text and 'value="3"' in text
    assert 'name="hide_banned_posts"' in text
    assert "How many of a new member" in text and "Hide a member" in text


def test_owners_choose_premoderation_and_what_a_ban_does(owner_client, group):
    response = owner_client.post(
        SETTINGS,
        settings_form(premoderation="new_members", premoderation_items="5", hide_banned_posts="on"),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.premoderation, group.premoderation_items, group.hide_banned_posts) == (
        "new_members",
        5,
        True,
    )
    # Unticked: a banned member's posts stay.
    owner_client.post(SETTINGS, settings_form(premoderation="all"))
    group.refresh_from_db()
    assert (group.premoderation, group.premoderation_items, group.hide_banned_posts) == (
        "all",
        3,
        False,
    )


def test_the_page_shows_the_saved_choices(owner_client, group):
    group.premoderation, group.premoderation_items, group.hide_banned_posts = "all", 7, True
    group.save()
    text = owner_client.get(SETTINGS).text
    assert '<option value="all" selected>' in text
    assert 'value="7"' in text
    assert re.search(r'<input type="checkbox" name="hide_banned_posts"[^>]* checked', text)


@pytest.mark.parametrize("items", ["0", "51", "many"])
def test_the_number_of_waiting_posts_is_between_1_and_50(owner_client, group, items):
    response = owner_client.post(SETTINGS, settings_form(premoderation_items=items))
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.premoderation_items == 3


@pytest.mark.parametrize("who", ["moderator", "member"])
def test_only_owners_change_them(request, client, group, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(SETTINGS, settings_form(premoderation="all", hide_banned_posts="on"))
    assert response.status_code == 403
    group.refresh_from_db()
    assert (group.premoderation, group.hide_banned_posts) == ("off", False)


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_outsiders_get_404(request, client, group, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(SETTINGS, settings_form(premoderation="all")).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client, group):
    response = client.post(SETTINGS, settings_form(premoderation="all"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_personal_group_has_nothing_to_moderate(client, db):
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    client.force_login(user)
    text = client.get(reverse("papers:group_settings", kwargs={"slug": mine.slug})).text
    assert 'name="premoderation"' not in text and 'name="hide_banned_posts"' not in text


# The groups API


def test_the_api_shows_the_settings(member, group):
    data = signed_in(member).get(GROUP_API).json()
    assert (data["premoderation"], data["premoderation_items"], data["hide_banned_posts"]) == (
        "off",
        3,
        False,
    )


def test_owners_patch_them(owner, group):
    response = signed_in(owner).patch(
        GROUP_API,
        {"premoderation": "new_members", "premoderation_items": 10, "hide_banned_posts": True},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["premoderation"], data["premoderation_items"], data["hide_banned_posts"]) == (
        "new_members",
        10,
        True,
    )
    group.refresh_from_db()
    assert (group.premoderation_items, group.hide_banned_posts) == (10, True)
    # A PATCH of one field leaves the others.
    signed_in(owner).patch(GROUP_API, {"hide_banned_posts": False}, format="json")
    group.refresh_from_db()
    assert (group.premoderation, group.premoderation_items, group.hide_banned_posts) == (
        "new_members",
        10,
        False,
    )


@pytest.mark.parametrize(
    "body",
    [{"premoderation_items": 0}, {"premoderation_items": 51}, {"hide_banned_posts": "perhaps"}],
)
def test_bad_values_answer_400_with_the_field(owner, group, body):
    response = signed_in(owner).patch(GROUP_API, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(body)


@pytest.mark.parametrize(("who", "status"), [("moderator", 403), ("member", 403)])
def test_only_owners_patch_them(request, group, who, status):
    response = signed_in(request.getfixturevalue(who)).patch(
        GROUP_API, {"hide_banned_posts": True}, format="json"
    )
    assert response.status_code == status
    group.refresh_from_db()
    assert not group.hide_banned_posts


def test_outsiders_patch_nothing(outsider, group):
    response = signed_in(outsider).patch(GROUP_API, {"hide_banned_posts": True}, format="json")
    assert response.status_code == 404


def test_the_service_refuses_a_number_out_of_range(owner, group):
    from django.core.exceptions import ValidationError

    from papers.groups import group_update

    with pytest.raises(ValidationError, match="Between 1 and 50"):
        group_update(actor=owner, group=group, premoderation_items=60)
    assert ReadingGroup.objects.get(pk=group.pk).premoderation_items == 3


# A reason for bans on the members page


def member_url(action: str, username: str) -> str:
    return reverse(f"papers:member_{action}", kwargs={"slug": "seminar", "username": username})


def test_the_members_page_asks_for_a_reason(moderator_client, group, member, banned):
    text = moderator_client.get(reverse("papers:group_members", kwargs={"slug": "seminar"})).text
    membership = Membership.objects.get(user=member)
    assert f'id="ban-reason-{membership.pk}" name="reason"' in text
    assert 'name="reason"' in text.split(member_url("unban", "bea"))[1]


def test_a_ban_and_an_unban_keep_their_reasons(moderator_client, moderator, group, member):
    moderator_client.post(member_url("ban", "amina"), {"reason": "spam, again"})
    assert Membership.objects.get(user=member).status == "banned"
    moderator_client.post(member_url("unban", "amina"), {"reason": "apologised"})
    assert Membership.objects.get(user=member).status == "active"
    entries = AuditEntry.objects.order_by("created", "id")
    assert [(e.action, e.reason, e.subject_name, e.actor) for e in entries] == [
        ("ban", "spam, again", "amina", moderator),
        ("unban", "apologised", "amina", moderator),
    ]


def test_a_ban_without_a_reason_is_kept_too(moderator_client, member):
    moderator_client.post(member_url("ban", "amina"))
    assert AuditEntry.objects.get().reason == ""


def test_an_overlong_reason_is_refused(moderator_client, member):
    response = moderator_client.post(
        member_url("ban", "amina"), {"reason": "x" * 2001}, follow=True
    )
    assert "at most 2,000 characters" in [str(m) for m in response.context["messages"]][0]
    assert Membership.objects.get(user=member).status == "active"
    assert not AuditEntry.objects.exists()
