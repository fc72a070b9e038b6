"""@mentions in the workspace, in a real Chromium (static/annotations/mentions.js): typing "@"
and two letters in a comment box lists the group's matching active members, the keyboard picks
one, the posted comment links to them, and they are told. Screenshots in tests/artifacts/."""

import pytest
from playwright.sync_api import expect

from annotations.notifications.models import Notification
from papers.models import Membership
from tests.browser import shot
from tests.conftest import join, make_group, make_user

from ..conftest import make_comment
from ..test_browser_workspace import CLAIM, CLOSING, make_workspace_paper, open_workspace, para

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    """amina (owner) with bo and boris (members) in a private group; bobby banned from it; boz
    outside it. Boris has started a thread on the paper's last paragraph."""
    group = make_group("Seminar")
    amina = make_user("amina")
    join(group, amina, Membership.Role.OWNER)
    bo, boris = make_user("bo"), make_user("boris")
    join(group, bo)
    join(group, boris)
    join(group, make_user("bobby"), status=Membership.Status.BANNED)
    make_user("boz")
    paper = make_workspace_paper(group)
    make_comment(boris, paragraph=para(paper, CLOSING), body="Does it **last**?")
    return {"group": group, "amina": amina, "paper": paper}


def test_a_member_is_mentioned_with_the_keyboard(person, live_server, world):
    paper, amina = world["paper"], world["amina"]
    page = open_workspace(person(amina), live_server, paper)
    claim = para(paper, CLAIM)
    page.locator(f'.para[data-paragraph="{claim.pk}"]').click()
    page.keyboard.press("Enter")
    box = page.get_by_label("Start a thread on this paragraph")
    box.click()
    box.press_sequentially("What do you think, @bo")
    listbox = page.get_by_role("listbox", name="Members to mention")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_text(["@bo", "@boris"])  # not the banned, not an outsider
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    active = options.nth(1).get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", active)
    shot(page, "mentions-1-suggestions")

    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("What do you think, @boris ")
    box.press_sequentially("?")

    # Escape closes the list and leaves the text (and the panel) as they are.
    box.press_sequentially(" cc @bo")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(page.locator("#ws-panel")).to_be_visible()
    # A click picks too.
    box.press_sequentially("r")
    expect(options).to_have_text(["@boris"])
    box.press("Backspace")
    expect(options).to_have_text(["@bo", "@boris"])  # from the cache: "bo" was asked already
    options.first.click()
    expect(box).to_have_value("What do you think, @boris ? cc @bo ")

    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".ws-preview a.mention")).to_have_text(["@boris", "@bo"])
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Post").click()
    comment = page.locator(".ws-discussion .ws-comment").first
    link = comment.locator("a.mention").first
    expect(link).to_have_text("@boris")
    expect(link).to_have_attribute("href", "/groups/seminar/members/boris/")
    shot(page, "mentions-2-posted")
    assert not page.errors, page.errors

    told = Notification.objects.filter(kind="mention").order_by("recipient__username")
    assert list(told.values_list("recipient__username", flat=True)) == ["bo", "boris"]

    link.click()
    expect(page.get_by_role("heading", name="@boris")).to_be_visible()
    expect(page.locator(".member-facts")).to_contain_text("Member")
    expect(page.locator(".activity-list")).to_contain_text("started a thread on ¶ 6")
    expect(page.locator(".activity-excerpt")).to_have_text("Does it last?")
    shot(page, "mentions-3-member-page")
