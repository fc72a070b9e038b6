"""The account page's "E-mail from your groups" (rendered by annotations through the
MARGINALIA_ACCOUNT_MAIL hook) and saving one group's choices: per role, without JavaScript, in a
constant number of queries whatever the number of groups."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.notifications.choices import mail_choice_set, mail_choices
from annotations.notifications.models import MailChoice
from papers.models import Membership
from tests.conftest import join, make_group, page_client

ACCOUNT = "/accounts/"


def save_url(group) -> str:
    return f"/notifications/mail/{group.slug}/"


def form_data(group, kinds, digest=False) -> dict:
    prefix = f"mail-{group.pk}"
    return {f"{prefix}-kinds": kinds, f"{prefix}-digest": "1" if digest else "0"}


def ticked(html: str, group) -> set[str]:
    boxes = re.findall(
        rf'<input type="checkbox" name="mail-{group.pk}-kinds" value="(\w+)"[^>]*>', html
    )
    checked = re.findall(
        rf'<input type="checkbox" name="mail-{group.pk}-kinds" value="(\w+)"[^>]*checked', html
    )
    assert len(boxes) == 6
    return set(checked)


def test_the_page_shows_each_group_with_the_defaults(member_client, group, member):
    html = member_client.get(ACCOUNT).content.decode()
    assert "E-mail from your groups" in html
    assert ticked(html, group) == {"reply", "mention"}
    assert "Replies to your comments and annotations" in html  # Kind's labels
    assert f'action="{save_url(group)}"' in html


def test_the_page_lists_no_group_one_left_or_was_banned_from(client, banned, outsider, group):
    for user in (banned, outsider):
        html = page_client(user).get(ACCOUNT).content.decode()
        assert "E-mail from your groups" in html
        assert f"mail-{group.pk}-kinds" not in html
        assert "not a member of any group" in html


def test_a_member_saves_their_choices(member_client, member, group):
    response = member_client.post(save_url(group), form_data(group, ["thread", "paper"], True))
    assert response.status_code == 302 and response["Location"] == "/accounts/#mail"
    choice = MailChoice.objects.get(user=member, group=group)
    assert (choice.kinds, choice.digest) == (["thread", "paper"], True)
    page = member_client.get(ACCOUNT).content.decode()
    assert "Your e-mail choices for Seminar are saved." in page
    assert ticked(page, group) == {"thread", "paper"}
    assert re.search(rf'name="mail-{group.pk}-digest" value="1"[^>]*checked', page)


def test_ticking_nothing_turns_the_group_off(member_client, member, group):
    member_client.post(save_url(group), form_data(group, []))
    assert MailChoice.objects.get(user=member, group=group).kinds == []


@pytest.mark.parametrize("who", ["owner", "moderator"])
def test_owners_and_moderators_choose_like_members(client, group, request, who):
    user = request.getfixturevalue(who)
    response = page_client(user).post(save_url(group), form_data(group, ["moderation"]))
    assert response.status_code == 302
    assert MailChoice.objects.get(user=user, group=group).kinds == ["moderation"]


def test_an_unknown_kind_is_refused_with_a_message(member_client, member, group):
    response = member_client.post(
        save_url(group), form_data(group, ["reply", "gossip"]), follow=True
    )
    assert "were not saved" in response.content.decode()
    assert not MailChoice.objects.exists()


def test_anonymous_is_sent_to_log_in(client, group):
    assert client.get(ACCOUNT)["Location"].startswith("/accounts/login/")
    response = client.post(save_url(group), form_data(group, ["reply"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not MailChoice.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_outsiders_and_the_banned_get_404_for_a_private_group(client, group, request, who):
    user = request.getfixturevalue(who)
    response = page_client(user).post(save_url(group), form_data(group, ["reply"]))
    assert response.status_code == 404
    assert not MailChoice.objects.exists()


def test_an_outsider_of_a_public_group_is_refused(outsider, public_group):
    response = page_client(outsider).post(save_url(public_group), form_data(public_group, []))
    assert response.status_code == 403
    assert not MailChoice.objects.exists()


def test_saving_is_a_post(member_client, group):
    assert member_client.get(save_url(group)).status_code == 405


def test_the_service_checks_membership_and_kinds(member, banned, group):
    with pytest.raises(PermissionDenied):
        mail_choice_set(user=banned, group=group, kinds=["reply"], digest=False)
    with pytest.raises(ValidationError, match="Unknown kinds: gossip"):
        mail_choice_set(user=member, group=group, kinds=["gossip"], digest=False)
    choice = mail_choice_set(user=member, group=group, kinds=["reply", "reply"], digest=False)
    assert choice.kinds == ["reply"]
    assert [c.kinds for c in mail_choices(member)] == [("reply",)]


def _groups(user, count: int) -> None:
    for i in range(count):
        g = make_group(f"Circle {user.pk}-{i}-{count}")
        join(g, user, Membership.Role.MEMBER)
        if i % 2:
            mail_choice_set(user=user, group=g, kinds=["paper"], digest=True)


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ACCOUNT).status_code == 200
    return len(queries)


def test_the_page_queries_do_not_grow_with_groups(member_client, member):
    member_client.get(ACCOUNT)  # the first visit makes the API token
    _groups(member, 1)
    few = _page_queries(member_client)
    _groups(member, 8)
    many = _page_queries(member_client)
    assert few == many <= 12
    html = member_client.get(ACCOUNT).content.decode()
    assert html.count('<h3 id="mail-') == 10  # and the cast's Seminar


def test_saving_takes_the_same_queries_whatever_the_groups(
    member_client, member, group, django_assert_max_num_queries
):
    for count in (1, 8):
        _groups(member, count)
        with django_assert_max_num_queries(14):
            member_client.post(save_url(group), form_data(group, ["reply"], True))
