"""Search in a real Chromium: the navigation's box to the results, a comment hit to the
workspace on its paragraph with its thread open; screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from tests.browser import DESKTOP, PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_navigation_box_finds_a_comment_and_opens_its_paragraph(
    person, live_server, scene, member
):
    page = person(member)
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search papers and annotations")
    box.fill("doubt perception")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=doubt+perception")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.locator("mark").first).to_have_text("doubt")
    # The comment's script shows as text, never runs.
    expect(hits.first).to_contain_text("<script>alert(1)</script>")
    page.set_viewport_size(DESKTOP)
    shot(page, "search-results-desktop", full_page=True)

    hits.first.get_by_role("link").click()
    paper = scene["paper"]
    expect(page).to_have_url(f"{live_server.url}/papers/{paper.pk}/#p-2")
    expect(page.locator("#p-2")).to_be_in_viewport()
    expect(page.get_by_text("I doubt perception")).to_be_visible()
    shot(page, "search-landed-workspace")
    assert page.errors == []


def test_the_results_at_phone_width(person, live_server, scene, member):
    page = person(member, viewport=PHONE)
    page.goto(live_server.url + "/search/?q=entropy")
    expect(page.locator(".search-hit")).to_have_count(3)
    box = page.get_by_role("searchbox", name="Search papers and annotations")
    expect(box).to_have_value("entropy")
    shot(page, "search-results-phone", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
