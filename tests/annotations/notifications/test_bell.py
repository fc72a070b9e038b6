"""The navigation's bell: the unread count the server draws (shown.unread_count, one query), what
bell.js needs to keep it live, and what it leaves out."""

import re

import pytest

from annotations.moderation.services import moderate
from annotations.notifications import services as notify
from tests.annotations.conftest import make_comment
from tests.conftest import page_client

from .conftest import make_replies, reply_to


def bell_of(html: str) -> dict | None:
    """The bell's link and badge as the page draws them: {"count", "hidden", "label", "poll",
    "api"}, or None without a bell."""
    link = re.search(r'<a href="/notifications/" class="nav-bell"[^>]*>', html)
    if link is None:
        return None
    badge = re.search(r'<span class="badge badge-bell" data-bell-count ([^>]*)>(\d+)</span>', html)
    attrs = link.group(0)
    return {
        "count": int(badge.group(2)),
        "hidden": " hidden" in badge.group(1),
        "label": re.search(r'aria-label="([^"]*)"', badge.group(1)).group(1),
        "poll": int(re.search(r'data-bell-poll="(\d+)"', attrs).group(1)),
        "api": re.search(r'data-bell-api="([^"]*)"', attrs).group(1),
    }


def test_anonymous_has_no_bell(db, client):
    html = client.get("/").text
    assert bell_of(html) is None
    assert "notifications/bell.js" not in html


@pytest.mark.parametrize("who", ["outsider", "member", "owner", "banned"])
def test_every_signed_in_user_has_a_bell(request, who, replied):
    bell = bell_of(page_client(request.getfixturevalue(who)).get("/").text)
    assert bell["count"] == (1 if who == "member" else 0)


def test_the_count_and_its_words(member, owner, paragraph, member_client, settings):
    settings.MARGINALIA_BELL_POLL_MS = 1234
    make_replies(member, owner, paragraph, 3)
    html = member_client.get("/").text
    assert bell_of(html) == {
        "count": 3,
        "hidden": False,
        "label": "3 unread notifications",
        "poll": 1234,
        "api": "/api/v1/notifications/",
    }
    assert '<script type="module" src="/static/notifications/bell.js"></script>' in html
    assert "data-bell-announce" in html  # the polite live region bell.js speaks in


def test_no_badge_at_zero(member, owner, paragraph, member_client):
    (only,) = make_replies(member, owner, paragraph, 1)
    assert bell_of(member_client.get("/").text)["label"] == "1 unread notification"
    notify.mark_read(user=member, notification_id=only.pk)
    bell = bell_of(member_client.get("/").text)
    assert bell["count"] == 0
    assert bell["hidden"]


def test_it_leaves_out_what_the_member_may_not_see(member, owner, moderator, paragraph):
    top = make_comment(member, paragraph=paragraph, body="Mine.")
    reply_to(top, owner)
    rude = reply_to(top, moderator, body="Rude.")
    client = page_client(member)
    assert bell_of(client.get("/").text)["count"] == 2
    moderate(actor=owner, target=rude, action="hide", reason="Rude.")
    # The hidden reply's notification is gone; the moderation decision is about the
    # moderator's post, not the member's.
    assert bell_of(client.get("/").text)["count"] == 1
    # The API the bell polls says the same.
    answer = client.get("/api/v1/notifications/", {"unread": "1", "page_size": "1"}).json()
    assert answer["count"] == 1


def test_it_is_current_on_the_notifications_page(member, owner, paragraph, member_client):
    make_replies(member, owner, paragraph, 2)
    html = member_client.get("/notifications/").text
    assert bell_of(html)["count"] == 2
    assert 'aria-current="page"' in re.search(r'<a href="/notifications/"[^>]*>', html).group(0)


def test_a_page_without_the_navigation_asks_nothing(member_client, django_assert_num_queries):
    """The count is lazy (context_processors.Bell): a response that renders no page (an API
    answer, a redirect) makes no query for it."""
    # session, user (the redirect of a POST to mark all read: the update, nothing for the bell)
    with django_assert_num_queries(3):
        member_client.post("/notifications/read-all/")
