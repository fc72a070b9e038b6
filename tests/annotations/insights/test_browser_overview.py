"""The papers' overviews on the group page in a real Chromium, at desktop and phone width:
the strip is drawn at its size with an accessible name, nothing overflows the window, and
screenshots (tests/artifacts/group-overview-desktop.png, -phone.png) for a person to look at."""

import pytest
from playwright.sync_api import expect

from annotations.services import comment_create
from papers.models import Paper
from tests.annotations.insights.scene import body, scene, tag
from tests.browser import DESKTOP, PHONE, shot
from tests.papers.makers import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("claim", "evidence", "evidence", "theory", "claim", "claim")


@pytest.fixture
def shelf(group, owner, member):
    """Four papers: a long one read by three members, the insights' scene, one nobody has
    annotated yet, and one still importing."""
    make_paper(group, title="Importing: a scanned book", user=owner, status="importing")
    make_paper(group, title="A paper nobody has read yet", body=4, user=owner)
    read = scene(make_paper(group, title="On Reading Together", user=owner), owner, member)
    ravi = read["users"]["ravi"]
    long = make_paper(
        group, title="Disagreement as Method: Annotating Arguments in Reading Groups", body=80
    )
    for n in range(0, 80, 3):
        role = ROLES[(n // 3) % len(ROLES)] if n < 27 else "evidence" if n < 54 else "theory"
        for user in (owner, member, ravi)[: 1 + (n // 3) % 3]:
            tag(user, body(long, n), role if user != ravi else "claim")
    thread = comment_create(user=member, paragraph=body(long, 3), body="Is this the claim?")
    comment_create(user=owner, parent=thread, body="It is.")
    comment_create(user=ravi, paragraph=body(long, 30), body="Evidence for what?")
    return Paper.objects.filter(group=group)


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_group_page_shows_each_papers_overview(
    person, live_server, group, member, shelf, name, viewport
):
    page = person(member, viewport=viewport)
    page.goto(f"{live_server.url}/groups/{group.slug}/")
    strips = page.get_by_role("img", name="Roles along the paper")
    expect(strips).to_have_count(2)  # the two annotated papers
    first = strips.first
    expect(first).to_have_accessible_name(
        "Roles along the paper: claim at the start, evidence in the middle, theory at the end."
    )
    box = first.bounding_box()
    assert box["height"] == 8 and 100 < box["width"] <= 240
    expect(page.get_by_text("No annotations or comments yet.")).to_have_count(1)
    expect(page.locator(".paper-overview")).to_have_count(3)  # not the importing one
    expect(page.get_by_text("2 threads, 1 unanswered")).to_be_visible()
    # Nothing wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"group-overview-{name}", full_page=True)
    assert page.errors == []
