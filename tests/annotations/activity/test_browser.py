"""The group page's recent activity in a real Chromium, at desktop and phone width: the lines
read as sentences, their links open the paragraph's panel, nothing overflows the window, and
screenshots (tests/artifacts/group-activity-desktop.png, -phone.png) for a person to look at."""

import pytest
from playwright.sync_api import expect

from annotations.services import comment_create
from tests.browser import DESKTOP, PHONE, shot

from .conftest import body, scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy(paper, owner, member):
    """The scene, and a long comment (its excerpt is truncated)."""
    story = scene(paper, owner, member)
    long = "A very long comment that goes on " * 12
    story["long"] = comment_create(user=owner, paragraph=body(paper, 2), body=long)
    return story


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_group_page_shows_the_recent_activity(
    person, live_server, group, member, busy, name, viewport
):
    page = person(member, viewport=viewport)
    page.goto(f"{live_server.url}/groups/{group.slug}/")
    activity = page.locator("#activity")
    expect(activity.get_by_role("heading", name="Recent activity")).to_be_visible()
    expect(activity.locator(".activity-item")).to_have_count(7)
    expect(activity.locator(".activity-line").nth(5)).to_contain_text(
        "amina tagged a paragraph of ‘On Reading Together’ as Evidence"
    )
    excerpt = activity.locator(".activity-excerpt").first
    expect(excerpt).to_contain_text("A very long comment")
    assert len(excerpt.inner_text()) <= 140
    # Nothing wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    activity.scroll_into_view_if_needed()
    shot(page, f"group-activity-{name}", full_page=True)
    # A tag's line opens its paragraph with the panel open (the page then drops `panel=1`).
    link = activity.locator(".activity-line a").nth(5)
    anchor = busy["evidence"].paragraph.anchor
    assert link.get_attribute("href") == f"/papers/{busy['paper'].pk}/?panel=1#{anchor}"
    link.click()
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/papers/{busy['paper'].pk}/#{anchor}")
    assert page.errors == []
