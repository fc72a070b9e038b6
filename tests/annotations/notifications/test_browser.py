"""Notifications in a real Chromium, two people in two browser contexts: a reply and a mention
ring the other's bell without a reload, the bell leads to the notifications page and the
notification to the paragraph with its panel open; the Follow button; comments marked new after
a revisit.
Screenshots at desktop and phone width go to tests/artifacts/ (tests.browser.shot)."""

import pytest
from playwright.sync_api import expect

from annotations.notifications.models import Follow, Notification
from annotations.services import comment_create
from tests.annotations.test_browser_workspace import CLAIM, THEORY, open_workspace, para, world
from tests.browser import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["world"]  # the fixture: a private group, amina (owner) and bo (member), a paper

# The bell asks every half second here (MARGINALIA_BELL_POLL_MS, 30 s by default): a change
# shows within a few seconds.
SOON = 5_000


@pytest.fixture(autouse=True)
def _quick_bell(settings):
    settings.MARGINALIA_BELL_POLL_MS = 500


def bell(page):
    return page.locator("header .nav-bell")


def badge(page):
    return page.locator("header [data-bell-count]")


def test_a_reply_rings_the_bell_and_the_notification_opens_its_paragraph(
    person, live_server, world
):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim = para(paper, CLAIM)
    comment_create(user=amina, paragraph=claim, body="Is this the paper's main claim?")

    a = open_workspace(person(amina), live_server, paper)
    expect(bell(a)).to_be_visible()
    expect(badge(a)).to_be_hidden()  # nothing unread: no badge

    # Bo, in a browser of his own, replies to Amina's comment from the paragraph's panel.
    b = open_workspace(person(bo), live_server, paper)
    b.locator(f'.para[data-paragraph="{claim.pk}"]').click()
    b.keyboard.press("Enter")
    thread = b.locator(".ws-discussion .ws-comment").first
    expect(thread).to_contain_text("Is this the paper's main claim?")
    thread.get_by_role("button", name="Reply").click()
    b.get_by_label("Reply to amina").fill("Yes: the abstract says so in as many words.")
    b.get_by_role("button", name="Reply", exact=True).last.click()
    expect(b.locator(".ws-replies")).to_contain_text("the abstract says so")

    # Amina's bell rises without a reload, and says so to a screen reader.
    expect(badge(a)).to_have_text("1", timeout=SOON)
    expect(badge(a)).to_have_attribute("aria-label", "1 unread notification")
    expect(a.locator("[data-bell-announce]")).to_have_text("1 unread notification")
    shot(a, "notifications-1-bell")

    # The bell leads to the notifications page; the notification to the paragraph.
    bell(a).click()
    expect(a).to_have_url(f"{live_server.url}/notifications/")
    item = a.locator(".notif-item").first
    expect(item).to_contain_text("bo replied to you on “Reading Together")
    expect(item).to_contain_text("Yes: the abstract says so in as many words.")
    expect(item.locator(".notif-unread")).to_have_text("Unread")
    shot(a, "notifications-2-page")
    item.get_by_role("link", name="bo replied to you").click()

    expect(a.locator("#ws-panel")).to_be_visible()
    expect(a.locator("#ws-panel-title")).to_have_text("Paragraph 2")
    reply = a.locator("#ws-panel .ws-replies .ws-comment")
    expect(reply).to_contain_text("Yes: the abstract says so in as many words.")
    # Written since Amina's last visit, by someone else: marked new, in the panel and the chip.
    expect(reply.locator(".ws-new-badge")).to_have_text("New")
    chips = a.locator(f'.para[data-paragraph="{claim.pk}"]')
    expect(chips.locator(".ws-chip-comments")).to_have_text("2 comments")
    expect(chips.locator(".ws-new-mark")).to_have_text("1 new")
    assert a.url.endswith(f"/papers/{paper.pk}/#{claim.anchor}")  # panel=1 left the URL
    # Opening it marked it read: the bell is back to no badge.
    expect(badge(a)).to_be_hidden()
    assert Notification.objects.get(recipient=amina).read is not None
    shot(a, "notifications-3-opened")
    assert a.errors == [] and b.errors == []


def test_a_mention_rings_the_bell_and_opens_the_comment(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    theory = para(paper, THEORY)
    a = open_workspace(person(amina), live_server, paper)
    expect(badge(a)).to_be_hidden()

    # Bo starts a thread on another paragraph and names Amina in it.
    b = open_workspace(person(bo), live_server, paper)
    b.locator(f'.para[data-paragraph="{theory.pk}"]').click()
    b.keyboard.press("Enter")
    box = b.get_by_label("Start a thread on this paragraph")
    box.fill("@amina, is this the theory the abstract leans on?")
    b.get_by_role("button", name="Post").click()
    expect(b.locator(".ws-discussion .ws-comment a.mention")).to_have_text("@amina")

    # Amina's bell rings without a reload; the notification opens the paragraph and the thread.
    expect(badge(a)).to_have_text("1", timeout=SOON)
    bell(a).click()
    item = a.locator(".notif-item").first
    expect(item).to_contain_text("bo mentioned you in a comment on “Reading Together")
    shot(a, "notifications-6-mention")
    item.get_by_role("link", name="bo mentioned you").click()
    expect(a.locator("#ws-panel")).to_be_visible()
    comment = a.locator("#ws-panel .ws-discussion .ws-comment").first
    expect(comment).to_contain_text("is this the theory the abstract leans on?")
    expect(comment.locator("a.mention")).to_have_text("@amina")
    expect(badge(a)).to_be_hidden()
    [n] = Notification.objects.filter(recipient=amina)
    assert (n.kind, n.paragraph_id) == ("mention", theory.pk)
    shot(a, "notifications-7-mention-opened")
    assert a.errors == [] and b.errors == []


def test_the_bell_and_the_page_on_a_phone(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim = para(paper, CLAIM)
    top = comment_create(user=amina, paragraph=claim, body="What does “conditions” mean here?")
    comment_create(user=bo, parent=top, body="The <b>setting</b> in which people argue.")
    page = person(amina, viewport=PHONE)
    page.goto(live_server.url + "/")
    expect(badge(page)).to_have_text("1")
    shot(page, "notifications-4-phone-bell")
    bell(page).click()
    item = page.locator(".notif-item")
    expect(item).to_contain_text("The <b>setting</b> in which people argue.")  # escaped
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    shot(page, "notifications-5-phone-page", full_page=True)
    # Mark read, without a script of its own: a plain form.
    item.get_by_role("button", name="Mark read").click()
    expect(page.locator(".notif-unread")).to_have_count(0)
    expect(badge(page)).to_be_hidden()
    assert page.errors == []


def test_the_follow_button(person, live_server, world):
    paper, amina = world["paper"], world["amina"]
    theory = para(paper, THEORY)
    page = open_workspace(person(amina), live_server, paper)
    page.locator(f'.para[data-paragraph="{theory.pk}"]').click()
    page.keyboard.press("Enter")
    follow = page.locator("#ws-panel button.ws-follow")
    expect(follow).to_have_text("Follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_text("Following")
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#ws-announce")).to_contain_text("Following this paragraph")
    assert Follow.objects.filter(user=amina, paragraph=theory).exists()
    shot(page, "notifications-6-following")

    # Still followed after a reload (the page's data says so), and then unfollowed.
    page.goto(f"{live_server.url}/papers/{paper.pk}/?panel=1#{theory.anchor}")
    follow = page.locator("#ws-panel button.ws-follow")
    expect(follow).to_have_text("Following")
    expect(follow).to_have_attribute("aria-pressed", "true")
    follow.click()
    expect(follow).to_have_text("Follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    assert not Follow.objects.filter(user=amina).exists()
    assert page.errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_comments_since_the_last_visit_are_marked_new(person, live_server, world, viewport):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    theory = para(paper, THEORY)
    comment_create(user=bo, paragraph=theory, body="Mercier and Sperber, surely.")
    page = person(amina, viewport=PHONE if viewport == "phone" else None)
    open_workspace(page, live_server, paper)  # the first visit: nothing is new
    chip = page.locator(f'.para[data-paragraph="{theory.pk}"] .ws-chip-comments')
    mark = page.locator(f'.para[data-paragraph="{theory.pk}"] .ws-new-mark')
    expect(chip).to_have_text("1 comment")
    expect(mark).to_have_count(0)

    comment_create(user=bo, paragraph=theory, body="And the 2011 paper in particular.")
    comment_create(user=amina, paragraph=theory, body="I will add it.")  # hers: never new
    open_workspace(page, live_server, paper)  # the revisit
    expect(chip).to_have_text("3 comments")
    expect(mark).to_have_text("1 new")
    page.locator(f'.para[data-paragraph="{theory.pk}"]').click()
    page.keyboard.press("Enter")
    comments = page.locator("#ws-panel .ws-discussion .ws-comment")
    expect(comments).to_have_count(3)
    expect(comments.nth(0).locator(".ws-new-badge")).to_have_count(0)
    expect(comments.nth(1).locator(".ws-new-badge")).to_have_text("New")
    expect(comments.nth(2).locator(".ws-new-badge")).to_have_count(0)
    shot(page, f"notifications-7-new-{viewport}")

    open_workspace(page, live_server, paper)  # and once more: seen now
    expect(chip).to_have_text("3 comments")
    expect(mark).to_have_count(0)
    assert page.errors == []
