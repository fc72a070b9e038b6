"""The acceptance path in a real Chromium: sign up, make a group, add a paper, make an invite
link; a second person signs up through the link, lands in the group and reads its paper; an
outsider gets the not-found page.

Drives Debian's /usr/bin/chromium through Playwright's sync API, as test_browser_reading.py does.
Leaves screenshots in tests/artifacts/ (git-ignored) for a person to look at.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from papers.models import Membership, ReadingGroup
from tests.browser import shot

PASSWORD = "a-long-pass-4-tests"
GROUP = "Thursday Seminar"
PAPER_TITLE = "Margins as Meeting Places"
PAPER = f"""# {PAPER_TITLE}

Ada Reader

## Introduction

A reading group meets in the margins of a text before it meets in a room.

## Conclusion

Shared notes keep an argument alive between meetings.
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(browser):
    """A fresh browser profile per person (own cookies), closed after the test."""
    contexts = []

    def open_page(viewport=None):
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, reduced_motion="reduce"
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_up(page, username: str, *, screenshot: str | None = None) -> None:
    """Fill in the sign-up form the page shows and send it."""
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    if screenshot:
        shot(page, screenshot, full_page=True)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()


def test_an_invite_brings_a_new_reader_to_the_groups_paper_and_no_one_else(person, live_server):
    # The owner signs up from the home page and finds their personal group.
    owner = person()
    owner.goto(live_server.url)
    owner.get_by_role("navigation", name="Site").get_by_role("link", name="Sign up").click()
    sign_up(owner, "olivia", screenshot="groups-1-signup")
    expect(owner.get_by_role("link", name="My papers")).to_be_visible()
    expect(owner.get_by_role("navigation", name="Site")).to_contain_text("Account")
    assert mail.outbox and mail.outbox[-1].to == ["olivia@example.org"]  # the confirmation

    # A new group, private by default.
    owner.get_by_role("link", name="New group").click()
    owner.get_by_label("Name").fill(GROUP)
    owner.get_by_label("Description").fill("Papers on reading together.")
    owner.get_by_role("button", name="Create the group").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(GROUP)
    group_url = owner.url
    group = ReadingGroup.objects.get(name=GROUP)
    assert group.visibility == ReadingGroup.Visibility.PRIVATE
    assert group_url.endswith(f"/groups/{group.slug}/")

    # A paper, pasted as Markdown.
    owner.get_by_role("link", name="Add a paper").click()
    owner.get_by_label("Or paste the text").fill(PAPER)
    owner.get_by_role("button", name="Import").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(PAPER_TITLE)
    paper_url = owner.url
    owner.goto(group_url)
    expect(owner.get_by_role("link", name=PAPER_TITLE, exact=True)).to_be_visible()

    # An invite link for a member.
    owner.get_by_label("Joins as").select_option("member")
    owner.get_by_role("button", name="Make a link").click()
    invite_field = owner.locator(".invite-list input[readonly]").first
    expect(invite_field).to_be_visible()
    invite_url = invite_field.input_value()
    assert re.search(r"/invites/[^/]+/$", invite_url)
    shot(owner, "groups-2-invite-link", full_page=True)

    # A second person opens the link, signs up from it and lands in the group.
    reader = person()
    reader.goto(invite_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(f"Join {GROUP}")
    shot(reader, "groups-3-invite-page", full_page=True)
    reader.get_by_role("main").get_by_role("link", name="Sign up").click()
    sign_up(reader, "rafael")
    expect(reader).to_have_url(group_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(reader.get_by_text(f"Welcome to {GROUP}")).to_be_visible()
    membership = Membership.objects.get(group=group, user__username="rafael")
    assert membership.role == Membership.Role.MEMBER and membership.is_active
    shot(reader, "groups-4-joined", full_page=True)

    # ... and reads the paper.
    reader.get_by_role("link", name=PAPER_TITLE, exact=True).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(PAPER_TITLE)
    expect(reader.get_by_text("meets in the margins of a text")).to_be_visible()
    assert reader.url == paper_url

    # An outsider, signed in but not invited, finds nothing there; nor does an anonymous visitor.
    outsider = person(viewport={"width": 390, "height": 844})
    outsider.goto(f"{live_server.url}/accounts/signup/")
    sign_up(outsider, "oscar", screenshot="groups-5-signup-phone")
    expect(outsider.get_by_role("link", name="My papers")).to_be_visible()
    for url in (group_url, paper_url):
        response = outsider.goto(url)
        assert response.status == 404
        expect(outsider.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(outsider.get_by_text(GROUP)).to_have_count(0)
    shot(outsider, "groups-6-outsider-not-found", full_page=True)
    anonymous = person()
    assert anonymous.goto(group_url).status == 404
    assert anonymous.goto(paper_url).status == 404
    expect(anonymous.get_by_role("main").get_by_role("link", name="log in")).to_be_visible()


def test_the_account_page_shows_the_token_and_regenerates_it(person, live_server):
    page = person()
    page.goto(f"{live_server.url}/accounts/signup/")
    sign_up(page, "tomasz")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Account").click()
    token = page.get_by_label("Your token")
    expect(token).to_have_value(re.compile(r"^[0-9a-f]{40}$"))
    old = token.input_value()
    shot(page, "account", full_page=True)

    page.get_by_role("link", name="Regenerate the token…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regenerate your API token?")
    page.get_by_role("button", name="Regenerate the token").click()
    expect(page.get_by_text("Your API token was regenerated")).to_be_visible()
    new = page.get_by_label("Your token").input_value()
    assert re.fullmatch(r"[0-9a-f]{40}", new) and new != old

    page.get_by_role("navigation", name="Site").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in")
    ).to_be_visible()
