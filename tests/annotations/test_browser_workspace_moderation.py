"""Moderation in the workspace, in a real Chromium: a member flags an annotation from the panel;
a moderator hides a comment from the panel and another member's open page drops it on the next
live update, without a reload; the author sees their pending comment marked.

The paper is test_browser_workspace.py's, the browser contexts (`person`) tests/annotations/
conftest.py's. Screenshots (desktop and phone) go to tests/artifacts/ (git-ignored) for a person
to look at.
"""

import pytest
from playwright.sync_api import expect

from annotations.models import Comment, Flag, Status
from annotations.moderation.services import moderate
from annotations.services import annotation_update, comment_delete
from papers.models import AuditEntry, Membership, ReadingGroup
from tests.annotations.conftest import make_annotation, make_comment
from tests.annotations.test_browser_workspace import (
    CLAIM,
    LIVE,
    THEORY,
    make_workspace_paper,
    open_workspace,
    para,
)
from tests.browser import PHONE, shot
from tests.conftest import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPAM = "Buy cheap watches at example.com"
THANKS = "Flagged — thank you. The moderators will look at it."


@pytest.fixture
def cast(db):
    """A private group: olive owns it, mo moderates, amina and bo are members; a paper where
    amina tagged the claim (with a note) and started a thread on it."""
    group = make_group("Seminar")
    olive, mo, amina, bo = (make_user(name) for name in ("olive", "mo", "amina", "bo"))
    join(group, olive, Membership.Role.OWNER)
    join(group, mo, Membership.Role.MODERATOR)
    join(group, amina, Membership.Role.MEMBER)
    join(group, bo, Membership.Role.MEMBER)
    paper = make_workspace_paper(group)
    claim = para(paper, CLAIM)
    annotation = make_annotation(amina, claim, "claim", note="The paper's central claim.")
    comment = make_comment(amina, paragraph=claim, body=SPAM)
    return {
        "group": group,
        "olive": olive,
        "mo": mo,
        "amina": amina,
        "bo": bo,
        "paper": paper,
        "claim": claim,
        "annotation": annotation,
        "comment": comment,
    }


def open_panel(page, paragraph) -> None:
    page.locator(f'.para[data-paragraph="{paragraph.pk}"]').click()
    page.keyboard.press("Enter")
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page.locator("#ws-panel")).not_to_have_attribute("aria-busy", "true")


def test_a_member_flags_an_annotation_and_is_thanked(person, live_server, cast):
    bo = open_workspace(person(cast["bo"]), live_server, cast["paper"])
    open_panel(bo, cast["claim"])
    item = bo.locator(f'.ws-annotation[data-annotation="{cast["annotation"].pk}"]')
    # One's own posts have no Flag button: amina's page shows none on her annotation.
    item.locator('button[data-action="flag"]').click()
    form = item.locator("form.ws-flag-form")
    expect(form.locator('select[name="reason"]')).to_be_focused()
    options = form.locator('select[name="reason"] option')
    expect(options).to_have_text(["Spam", "Abuse", "Off topic", "Other"])
    form.locator('select[name="reason"]').select_option("off_topic")
    form.locator('textarea[name="note"]').fill("About another paper entirely.")
    shot(bo, "marginalia-moderation-flag-form-desktop")
    form.get_by_role("button", name="Send flag").click()
    expect(item).to_contain_text(THANKS)
    expect(item.locator('button[data-action="flag"]')).to_have_count(0)
    shot(bo, "marginalia-moderation-flag-thanks-desktop")

    flag = Flag.objects.get()
    assert (flag.annotation_id, flag.flagger, flag.reason) == (
        cast["annotation"].pk,
        cast["bo"],
        "off_topic",
    )
    assert flag.note == "About another paper entirely."
    assert bo.errors == []

    # Flagging again (from a fresh page) is refused, and said in the form.
    bo.reload()
    open_panel(bo, cast["claim"])
    item.locator('button[data-action="flag"]').click()
    item.get_by_role("button", name="Send flag").click()
    expect(item.locator(".ws-flag-form .ws-error")).to_contain_text("already flagged")

    # The author has no Flag button on her own annotation, and is never told who flagged.
    amina = open_workspace(person(cast["amina"]), live_server, cast["paper"])
    open_panel(amina, cast["claim"])
    mine = amina.locator(f'.ws-annotation[data-annotation="{cast["annotation"].pk}"]')
    expect(mine).to_be_visible()
    expect(mine.locator('button[data-action="flag"]')).to_have_count(0)
    assert "bo" not in amina.locator("#ws-panel").inner_text().split()


def test_a_moderator_hides_a_comment_and_another_member_s_page_drops_it(person, live_server, cast):
    comment, claim = cast["comment"], cast["claim"]
    bo = open_workspace(person(cast["bo"]), live_server, cast["paper"])
    open_panel(bo, claim)
    chip = bo.locator(f'.para[data-paragraph="{claim.pk}"] .ws-chip-comments')
    expect(chip).to_have_text("1 comment")
    expect(bo.locator(f'.ws-comment[data-comment="{comment.pk}"]')).to_contain_text(
        "Buy cheap watches"
    )

    mo = open_workspace(person(cast["mo"]), live_server, cast["paper"])
    open_panel(mo, claim)
    theirs = mo.locator(f'.ws-comment[data-comment="{comment.pk}"]')
    theirs.locator('button[data-action="hide"]').click()
    form = theirs.locator("form.ws-moderate-form")
    expect(form.locator('input[name="reason"]')).to_be_focused()
    form.locator('input[name="reason"]').fill("Spam: an advertisement.")
    form.get_by_role("button", name="Hide").click()
    # The moderator still sees it, marked, with the way back.
    expect(theirs).to_contain_text("Hidden by a moderator")
    expect(theirs).to_have_class("ws-comment is-hidden")
    expect(theirs.locator('button[data-action="unhide"]')).to_be_visible()
    shot(mo, "marginalia-moderation-hidden-comment-moderator-desktop")

    # Bo's open page drops it on the next live update: no text, no count, without a reload.
    expect(bo.locator(f'.ws-comment[data-comment="{comment.pk}"]')).to_have_count(0, timeout=LIVE)
    expect(bo.locator("#ws-panel")).not_to_contain_text("Buy cheap watches")
    expect(chip).to_have_count(0)
    expect(bo.locator(".ws-discussion")).to_contain_text("No comments on this paragraph yet.")
    assert "Buy cheap watches" not in bo.content()
    shot(bo, "marginalia-moderation-hidden-comment-gone-desktop")

    assert Comment.objects.get(pk=comment.pk).status == Status.HIDDEN
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id, entry.reason) == (
        cast["mo"],
        "hide",
        comment.pk,
        "Spam: an advertisement.",
    )
    assert bo.errors == [] and mo.errors == []


def test_a_reply_under_a_hidden_comment_keeps_its_place(person, live_server, cast):
    comment = cast["comment"]
    reply = make_comment(cast["bo"], parent=comment, body="Please don't post ads here.")
    moderate(actor=cast["mo"], target=comment, action="hide", reason="Spam")
    annotation_update(annotation=cast["annotation"], user=cast["amina"], note="Rewritten.")
    olive_page = open_workspace(person(cast["olive"]), live_server, cast["paper"])
    open_panel(olive_page, cast["claim"])
    expect(olive_page.locator(f'.ws-comment[data-comment="{comment.pk}"]')).to_contain_text(
        "Hidden by a moderator"
    )
    # The owner reads what the annotation said when first posted (it was edited since).
    item = olive_page.locator(f'.ws-annotation[data-annotation="{cast["annotation"].pk}"]')
    expect(item.locator(".ws-edited")).to_have_text("edited")
    item.locator('button[data-action="history"]').click()
    first = item.locator(".ws-revision").first
    expect(first).to_contain_text("First posted")
    expect(first).to_contain_text("The paper's central claim.")
    expect(item.locator(".ws-revision").last).to_contain_text("Rewritten.")
    # An item only moderated is not "edited".
    expect(olive_page.locator(f'[data-comment="{comment.pk}"] .ws-edited')).to_have_count(0)

    gone = make_comment(cast["amina"], paragraph=cast["claim"], body="On second thoughts…")
    kept = make_comment(cast["bo"], parent=gone, body="A reply that stays.")
    comment_delete(comment=gone, user=cast["amina"])
    bo = open_workspace(person(cast["bo"]), live_server, cast["paper"])
    open_panel(bo, cast["claim"])
    tombstone = bo.locator(f'.ws-comment[data-comment="{gone.pk}"]')
    expect(tombstone.locator(".ws-tombstone")).to_have_text(
        "This comment was deleted by its author."
    )
    expect(tombstone.locator(f'.ws-replies [data-comment="{kept.pk}"]')).to_contain_text(
        "A reply that stays."
    )
    removed = bo.locator(".ws-comment.is-removed")
    expect(removed).to_contain_text("A comment here was removed by a moderator.")
    expect(removed.locator(f'.ws-replies .ws-comment[data-comment="{reply.pk}"]')).to_contain_text(
        "Please don't post ads here."
    )
    assert "Buy cheap watches" not in bo.content()
    shot(bo, "marginalia-moderation-removed-and-deleted-desktop")
    assert bo.errors == []


def test_the_author_sees_her_pending_comment_marked_and_others_do_not_see_it(
    person, live_server, cast
):
    ReadingGroup.objects.filter(pk=cast["group"].pk).update(premoderation="all")
    theory = para(cast["paper"], THEORY)
    bo = open_workspace(person(cast["bo"]), live_server, cast["paper"])
    open_panel(bo, theory)
    amina = open_workspace(person(cast["amina"], viewport=PHONE), live_server, cast["paper"])
    open_panel(amina, theory)
    amina.get_by_label("Start a thread on this paragraph").fill("Is this theory tested anywhere?")
    amina.get_by_role("button", name="Post").click()
    mine = amina.locator(".ws-discussion .ws-comment")
    expect(mine).to_contain_text("Is this theory tested anywhere?")
    expect(mine).to_contain_text("Waiting for a moderator")
    expect(mine).to_have_class("ws-comment is-pending")
    amina.locator(".ws-panel-body").evaluate("el => el.scrollTo(0, el.scrollHeight)")
    shot(amina, "marginalia-moderation-pending-comment-author-phone")
    assert Comment.objects.get(body="Is this theory tested anywhere?").status == Status.PENDING

    # Bo never sees it: wait for a live update to have come and gone, then look.
    with bo.expect_response(lambda r: "since=" in r.url and "/comments/" in r.url):
        pass
    with bo.expect_response(lambda r: "since=" in r.url and "/comments/" in r.url):
        pass
    expect(bo.locator("#ws-panel")).not_to_contain_text("Is this theory tested anywhere?")
    assert "Is this theory tested anywhere?" not in bo.content()
    assert amina.errors == [] and bo.errors == []


def test_flag_and_moderation_controls_on_a_phone(person, live_server, cast):
    make_comment(cast["bo"], paragraph=cast["claim"], body="A pending thought.")
    Comment.objects.filter(body="A pending thought.").update(status=Status.PENDING)
    bo = open_workspace(person(cast["bo"], viewport=PHONE), live_server, cast["paper"])
    open_panel(bo, cast["claim"])
    bo.locator(f'.ws-annotation[data-annotation="{cast["annotation"].pk}"]').locator(
        'button[data-action="flag"]'
    ).click()
    expect(bo.locator("form.ws-flag-form")).to_be_visible()
    shot(bo, "marginalia-moderation-flag-form-phone")

    mo = open_workspace(person(cast["mo"], viewport=PHONE), live_server, cast["paper"])
    open_panel(mo, cast["claim"])
    pending = mo.locator(".ws-comment.is-pending")
    expect(pending).to_contain_text("Waiting for a moderator")
    for action in ("approve", "reject", "hide"):
        expect(pending.locator(f'button[data-action="{action}"]')).to_be_visible()
    pending.locator("button[data-action=approve]").click()
    pending.get_by_role("button", name="Approve").click()
    expect(mo.locator(".ws-comment.is-pending")).to_have_count(0)
    shot(mo, "marginalia-moderation-approved-phone")
    assert Comment.objects.get(body="A pending thought.").status == Status.VISIBLE
    assert bo.errors == [] and mo.errors == []
