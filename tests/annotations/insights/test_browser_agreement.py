"""The agreement page and the way from it into the workspace, in Chromium (tests/browser.py):
the scene's figure and disagreement; "Discuss this" lands on the paragraph with its panel open
and a new thread's draft in the box, which the member posts themselves; `?panel=1#anchor`
alone opens the panel; a reader who may not comment gets no box. Screenshots in
tests/artifacts/: agreement-desktop.png, agreement-phone.png, agreement-workspace-draft.png."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Comment
from tests.annotations.insights.scene import scene
from tests.browser import DESKTOP, PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENER = (
    "Members read this paragraph differently: claim (olive), evidence (amina, ravi). "
    "Which reading holds, and why?"
)


def agreement(page, live_server, paper):
    page.goto(f"{live_server.url}/papers/{paper.pk}/agreement/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(paper.title)
    return page


def in_workspace(page):
    """The workspace has started (its script shows the tool bar)."""
    expect(page.locator("#ws-toolbar")).to_be_visible()
    return page


def panel_box(page):
    return page.get_by_label("Start a thread on this paragraph")


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_page_shows_the_scenes_alpha_and_its_disagreement(
    person, live_server, world, member, viewport, name
):
    page = agreement(person(member, viewport=viewport), live_server, world["paper"])
    expect(page.locator(".agreement-number")).to_have_text("0.65")
    expect(page.locator(".agreement-reading")).to_contain_text("often read paragraphs differently")
    (item,) = page.locator(".agreement-disagreement").all()
    expect(item.get_by_role("heading")).to_contain_text(f"Paragraph {world['p1'].position}")
    expect(item.locator(".agreement-readings li")).to_have_text(
        ["Claim olive", "Evidence amina, ravi"]
    )
    expect(item.get_by_role("link", name=re.compile("^Discuss this"))).to_be_visible()
    page.get_by_text("How to read this").click()
    expect(page.get_by_text("1 is full agreement")).to_be_visible()
    # Nothing wider than the window: the tables scroll in their own box if they must.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"agreement-{name}", full_page=True)
    assert page.errors == []


def test_discuss_this_opens_the_paragraph_with_a_draft_the_member_posts(
    person, live_server, world, member
):
    paper, p1 = world["paper"], world["p1"]
    page = agreement(person(member), live_server, paper)
    page.get_by_role("link", name=re.compile("^Discuss this")).click()
    in_workspace(page)
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page.locator("#ws-panel-title")).to_have_text(f"Paragraph {p1.position}")
    expect(page.locator(f'.para[data-paragraph="{p1.pk}"]')).to_have_attribute(
        "aria-current", "true"
    )
    box = panel_box(page)
    expect(box).to_have_value(OPENER)
    expect(box).to_be_focused()
    # Not posted: the draft is the member's to change.
    assert not Comment.objects.filter(paragraph=p1).exists()
    # The address keeps the paragraph, not the draft: a reload prefills nothing.
    assert page.url == f"{live_server.url}{paper.get_absolute_url()}#{p1.anchor}"
    expect(page.locator(".ws-discussion").get_by_role("button", name="Post")).to_be_in_viewport()
    shot(page, "agreement-workspace-draft", full_page=False)  # the panel is fixed: as seen

    box.press("End")
    box.type(" I read it as evidence.")
    page.locator(".ws-discussion").get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".ws-discussion .ws-comment")).to_contain_text("I read it as evidence.")
    (comment,) = Comment.objects.filter(paragraph=p1, annotation=None)
    assert comment.author == member
    assert comment.body == OPENER + " I read it as evidence."

    page.reload()
    in_workspace(page)
    expect(page.locator("#ws-panel")).to_be_hidden()
    assert page.errors == []


def test_panel_1_alone_opens_the_paragraphs_panel(person, live_server, world, member):
    paper, p1 = world["paper"], world["p1"]
    page = person(member)
    page.goto(f"{live_server.url}{paper.get_absolute_url()}?panel=1#{p1.anchor}")
    in_workspace(page)
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page.locator("#ws-panel-title")).to_have_text(f"Paragraph {p1.position}")
    expect(page.locator("#ws-panel-title")).to_be_focused()
    expect(page.locator("#ws-panel .ws-roles")).to_contain_text("ravi")
    expect(panel_box(page)).to_have_value("")
    assert page.url == f"{live_server.url}{paper.get_absolute_url()}#{p1.anchor}"
    # Esc closes it and leaves the reader on the paragraph, as after Enter.
    page.keyboard.press("Escape")
    expect(page.locator("#ws-panel")).to_be_hidden()
    assert page.evaluate("Number(document.activeElement.dataset.paragraph)") == p1.pk
    assert page.errors == []


def test_a_reader_who_may_not_comment_gets_the_panel_without_a_box(
    person, live_server, public_paper, owner, member, outsider
):
    world = scene(public_paper, owner, member)
    p1 = world["p1"]
    page = agreement(person(outsider), live_server, public_paper)
    expect(page.get_by_role("link", name=re.compile("^Discuss this"))).to_have_count(0)
    # The link a member would have had, followed by someone who may not comment.
    page.goto(f"{live_server.url}{public_paper.get_absolute_url()}?panel=1&say=Hello#{p1.anchor}")
    in_workspace(page)
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page.locator("#ws-panel .ws-discussion")).to_be_visible()
    expect(page.locator("#ws-panel form.ws-composer")).to_have_count(0)
    assert page.url.endswith(f"{public_paper.get_absolute_url()}#{p1.anchor}")
    assert page.errors == []
