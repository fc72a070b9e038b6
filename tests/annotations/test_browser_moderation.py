"""The moderation acceptance test in a real Chromium: a member flags a comment in the workspace;
the moderator sees the badge, opens the queue, hides the comment with a reason; the member's page
no longer shows it; the audit log shows the action. Screenshots of the queue and the log, at
desktop and phone widths, go to tests/artifacts/ (git-ignored) for a person to look at.

The people and the paper are test_browser_workspace_moderation.py's `cast`, their browser
contexts tests/annotations/conftest.py's `person`.
"""

import pytest
from playwright.sync_api import expect

from annotations.models import Comment, Flag, Status
from papers.models import AuditEntry
from tests.annotations.test_browser_workspace import open_workspace
from tests.annotations.test_browser_workspace_moderation import SPAM, THANKS, cast, open_panel
from tests.browser import DESKTOP, PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["cast"]  # a fixture, used by name


def test_a_flagged_comment_is_hidden_from_the_queue_and_logged(person, live_server, cast):
    comment, claim, paper = cast["comment"], cast["claim"], cast["paper"]

    # A member flags the comment in the workspace.
    bo = open_workspace(person(cast["bo"]), live_server, paper)
    open_panel(bo, claim)
    item = bo.locator(f'.ws-comment[data-comment="{comment.pk}"]')
    expect(item).to_contain_text(SPAM)
    item.locator('button[data-action="flag"]').click()
    item.locator('select[name="reason"]').select_option("spam")
    item.locator('textarea[name="note"]').fill("An advertisement.")
    item.get_by_role("button", name="Send flag").click()
    expect(item).to_contain_text(THANKS)
    assert Flag.objects.get().comment_id == comment.pk

    # The moderator sees the badge and opens the queue from it.
    mo = person(cast["mo"])
    mo.goto(live_server.url + "/")
    link = mo.locator("a.nav-moderation")
    expect(link.locator(".badge")).to_have_text("1")
    expect(link.locator(".badge")).to_have_attribute("aria-label", "1 item waiting")
    link.click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Moderation")
    entry = mo.locator(f"#item-comment-{comment.pk}")
    expect(entry).to_contain_text(SPAM)
    expect(entry.locator(".mod-flags")).to_contain_text("Spam from bo")
    expect(entry.locator(".mod-flags")).to_contain_text("An advertisement.")
    expect(entry.locator(".mod-where a")).to_have_attribute(
        "href", f"{paper.get_absolute_url()}#{claim.anchor}"
    )
    shot(mo, "queue-desktop", full_page=True)
    mo.set_viewport_size(PHONE)
    shot(mo, "queue-phone", full_page=True)
    mo.set_viewport_size(DESKTOP)

    # … and hides it with a reason.
    entry.locator(f"#reason-comment-{comment.pk}").fill("Advertising is not discussion.")
    entry.get_by_role("button", name="Hide", exact=True).click()
    expect(mo.locator(".messages")).to_contain_text("Hid 1 item.")
    expect(mo.locator(".status-box")).to_contain_text("Nothing waits")
    expect(mo.locator("a.nav-moderation .badge")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).status == Status.HIDDEN

    # The member's page no longer shows it.
    bo.reload()
    open_panel(bo, claim)
    expect(bo.locator(f'.ws-comment[data-comment="{comment.pk}"]')).to_have_count(0)
    assert SPAM not in bo.content()

    # The audit log shows the action, with its reason and the way to the paragraph.
    mo.get_by_role("navigation", name="Moderation pages").get_by_role("link", name="Log").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Moderation log")
    row = mo.locator(".log-entry").first
    expect(row.locator(".log-actor")).to_have_text("mo")
    expect(row.locator(".log-action")).to_have_text("hid")
    expect(row.locator(".log-target a")).to_have_text(f"comment {comment.pk}")
    expect(row.locator(".log-target a")).to_have_attribute(
        "href", f"{paper.get_absolute_url()}#{claim.anchor}"
    )
    expect(row).to_contain_text("Reason: Advertising is not discussion.")
    expect(row).to_contain_text("by amina")
    shot(mo, "log-desktop", full_page=True)
    mo.set_viewport_size(PHONE)
    shot(mo, "log-phone", full_page=True)

    audit = AuditEntry.objects.get()
    assert (audit.actor, audit.action, audit.reason) == (
        cast["mo"],
        "hide",
        "Advertising is not discussion.",
    )
    assert bo.errors == [] and mo.errors == []
