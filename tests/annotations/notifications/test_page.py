"""The notifications page (/notifications/): who sees what, opening one, marking read, and its
query count. Only what `shown_to` lets through, as on every surface."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.moderation.services import moderate
from annotations.moments import ago
from annotations.notifications import services as notify
from annotations.notifications.models import Notification
from annotations.places import paragraph_url
from tests.annotations.conftest import make_comment
from tests.conftest import make_user, page_client

from .conftest import make_replies, reply_to

LIST = "/notifications/"


def open_url(n) -> str:
    return f"/notifications/{n.pk}/open/"


def read_url(n) -> str:
    return f"/notifications/{n.pk}/read/"


def items_of(html: str) -> list[str]:
    """The notification ids the page lists, in order."""
    return re.findall(r'data-notification="(\d+)"', html)


# Who may see the page


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["outsider", "member", "moderator", "owner", "banned"])
def test_every_signed_in_user_sees_their_own_page(request, who, replied):
    html = page_client(request.getfixturevalue(who)).get(LIST).text
    # The member's notification is theirs alone.
    assert (items_of(html) == [str(replied.pk)]) == (who == "member")


def test_an_empty_page_says_so(outsider_client):
    html = outsider_client.get(LIST).text
    assert "No notifications yet." in html
    assert "Mark all as read" not in html


def test_the_page_answers_get_only(member_client):
    assert member_client.post(LIST).status_code == 405


# What it shows


def test_it_lists_newest_first_with_what_happened(member, owner, paragraph, member_client):
    notifications = make_replies(member, owner, paragraph, 3)
    html = member_client.get(LIST).text
    assert items_of(html) == [str(n.pk) for n in notifications]  # the model's order: newest
    assert html.count("olive replied to you on “On Reading Together”</a>") == 3
    assert "Reply 2" in html  # the excerpt
    assert "Seminar" in html  # the group
    assert html.count('class="notif-unread"') == 3
    assert f'href="{open_url(notifications[0])}"' in html


def test_a_moderation_decision_shows_its_reason(member, moderator, paragraph, member_client):
    comment = make_comment(member, paragraph=paragraph, body="Off topic, really.")
    moderate(actor=moderator, target=comment, action="hide", reason="Please stay on the paper.")
    html = member_client.get(LIST).text
    assert "A moderator hid your comment" in html
    assert "Reason: Please stay on the paper." in html


def test_user_text_is_escaped(member, owner, paragraph, member_client):
    top = make_comment(member, paragraph=paragraph, body="Mine.")
    reply_to(top, owner, body="<script>alert(1)</script> **bold**")
    html = member_client.get(LIST).text
    assert "<script>alert(1)" not in html


def test_unread_only(member, owner, paragraph, member_client):
    first, second = make_replies(member, owner, paragraph, 2)
    notify.mark_read(user=member, notification_id=second.pk)
    html = member_client.get(LIST, {"unread": "1"}).text
    assert items_of(html) == [str(first.pk)]
    assert items_of(member_client.get(LIST).text) == [str(first.pk), str(second.pk)]
    notify.mark_read(user=member, notification_id=first.pk)
    assert "Nothing unread." in member_client.get(LIST, {"unread": "1"}).text


def test_it_pages_by_fifty(member, owner, paragraph, member_client):
    make_replies(member, owner, paragraph, 51)
    first = member_client.get(LIST).text
    assert len(items_of(first)) == 50
    assert 'rel="next"' in first
    second = member_client.get(LIST, {"page": "2"}).text
    assert len(items_of(second)) == 1
    # A page number out of range or not a number: a page all the same, not an error.
    assert member_client.get(LIST, {"page": "99"}).status_code == 200
    assert member_client.get(LIST, {"page": "x"}).status_code == 200


def test_a_hidden_reply_leaves_the_page(member, owner, moderator, paragraph, member_client):
    top = make_comment(member, paragraph=paragraph, body="Mine.")
    reply = reply_to(top, owner, body="Rude words.")
    moderate(actor=moderator, target=reply, action="hide", reason="Rude.")
    html = member_client.get(LIST).text
    assert "Rude words." not in html
    assert "replied to you" not in html


# Opening one


def test_opening_marks_it_read_and_goes_to_the_paragraph(replied, member_client, paragraph):
    response = member_client.get(open_url(replied))
    assert response.status_code == 302
    assert response["Location"] == paragraph_url(paragraph.paper_id, paragraph.anchor)
    assert "?panel=1#" in response["Location"]
    replied.refresh_from_db()
    assert replied.read is not None


@pytest.mark.parametrize("who", ["outsider", "moderator", "owner", "banned"])
def test_someone_elses_notification_is_not_found(request, who, replied):
    client = page_client(request.getfixturevalue(who))
    assert client.get(open_url(replied)).status_code == 404
    assert client.post(read_url(replied)).status_code == 404
    replied.refresh_from_db()
    assert replied.read is None


def test_anonymous_opening_is_sent_to_log_in(client, replied):
    response = client.get(open_url(replied))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(read_url(replied))
    assert response["Location"].startswith(reverse("account_login"))
    replied.refresh_from_db()
    assert replied.read is None


def test_one_no_longer_shown_is_not_found(replied, moderator, member_client):
    moderate(actor=moderator, target=replied.comment, action="hide", reason="Spam.")
    assert member_client.get(open_url(replied)).status_code == 404
    assert member_client.post(read_url(replied)).status_code == 404
    assert member_client.get("/notifications/999999/open/").status_code == 404


def test_a_member_who_left_sees_nothing_of_the_group(replied, member, group, member_client):
    group.memberships.filter(user=member).update(status="banned")
    assert member_client.get(open_url(replied)).status_code == 404
    assert items_of(member_client.get(LIST).text) == []


# Marking read


def test_mark_one_read(replied, member_client):
    response = member_client.post(read_url(replied), {"next": "/notifications/?unread=1"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?unread=1"
    replied.refresh_from_db()
    assert replied.read is not None
    assert member_client.get(read_url(replied)).status_code == 405


def test_marking_goes_back_to_our_own_pages_only(replied, member_client):
    response = member_client.post(read_url(replied), {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_mark_all_read(member, owner, paragraph, member_client):
    make_replies(member, owner, paragraph, 3)
    other = make_user("zoe")
    theirs = Notification.objects.create(recipient=other, kind="paper", group=paragraph.paper.group)
    response = member_client.post("/notifications/read-all/", follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "Marked 3 notifications as read." in response.text
    assert not Notification.objects.filter(recipient=member, read__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read is None  # only the caller's
    assert member_client.get("/notifications/read-all/").status_code == 405


def test_mark_all_read_leaves_a_hidden_one_unread(member, owner, moderator, paragraph, client):
    """One withheld for now stays unread, for when it shows again (services.mark_all_read)."""
    first, second = make_replies(member, owner, paragraph, 2)
    moderate(actor=moderator, target=second.comment, action="hide", reason="Spam.")
    page_client(member).post("/notifications/read-all/")
    second.refresh_from_db()
    assert second.read is None


# Queries


@pytest.mark.parametrize("size", [2, 30])
def test_the_page_makes_a_fixed_number_of_queries(
    member, owner, paragraph, member_client, size, django_assert_num_queries
):
    make_replies(member, owner, paragraph, size)
    moderate(actor=owner, target=paragraph.paper.comments.first(), action="hide", reason="x")
    # session, user; the count, the page (actor, group, paper, paragraph, post joined); the
    # bell's unread count (also the "Mark all as read" button's); whether the user moderates a
    # group (the navigation)
    with django_assert_num_queries(6):
        html = member_client.get(LIST).text
    assert len(items_of(html)) == size + 1


@pytest.mark.parametrize("size", [2, 30])
def test_opening_makes_a_fixed_number_of_queries(
    member, owner, paragraph, member_client, size, django_assert_num_queries
):
    notifications = make_replies(member, owner, paragraph, size)
    # session, user; the notification (shown_to), marking it read, its paragraph's anchor
    with django_assert_num_queries(5):
        member_client.get(open_url(notifications[0]))


# How long ago, in words (a pure function)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "just now"), (59, "just now"), (60, "1\xa0minute ago"), (7300, "2\xa0hours ago")],
)
def test_ago(seconds, words):
    """(timesince keeps the number and its unit together with a no-break space.)"""
    now = timezone.now()
    assert ago(now - timedelta(seconds=seconds), now) == words
