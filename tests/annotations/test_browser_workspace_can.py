"""The workspace offers what each item's `can` says, in a real Chromium: where the script used
to repeat the rules it had drifted from the server (no "Keep" on a flagged visible post, no
moderation of a moderator's own post). The people and paper are test_browser_workspace_moderation's
cast."""

import pytest
from playwright.sync_api import expect

from annotations.models import Flag
from annotations.moderation.services import flag_create
from tests.annotations.conftest import make_comment
from tests.annotations.test_browser_workspace import open_workspace
from tests.annotations.test_browser_workspace_moderation import cast, open_panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["cast"]  # a fixture, used by name


def test_a_moderator_keeps_a_flagged_post_and_moderates_their_own(person, live_server, cast):
    comment = cast["comment"]  # amina's, visible
    flag_create(user=cast["bo"], target=comment, reason="spam")
    own = make_comment(cast["mo"], paragraph=cast["claim"], body="A moderator's own thought.")

    mo = open_workspace(person(cast["mo"]), live_server, cast["paper"])
    open_panel(mo, cast["claim"])
    flagged = mo.locator(f'.ws-comment[data-comment="{comment.pk}"]')
    # can.moderate: ["hide", "approve"]; approving a visible post keeps it.
    expect(flagged.locator("button[data-action]")).to_have_text(["Keep", "Hide", "Flag"])
    mine = mo.locator(f'.ws-comment[data-comment="{own.pk}"]')
    expect(mine.locator("button[data-action]")).to_have_text(["Hide"])
    expect(mine.get_by_role("button", name="Edit")).to_be_visible()

    flagged.locator('button[data-action="approve"]').click()
    flagged.get_by_role("button", name="Keep").click()
    expect(flagged.locator('button[data-action="approve"]')).to_have_count(0)
    expect(flagged.locator("button[data-action]")).to_have_text(["Hide", "Flag"])
    assert not Flag.objects.open().exists()

    # A plain member sees neither: no moderation, Edit only on her own comment.
    bo = open_workspace(person(cast["bo"]), live_server, cast["paper"])
    open_panel(bo, cast["claim"])
    theirs = bo.locator(f'.ws-comment[data-comment="{comment.pk}"]')
    expect(theirs.locator("button[data-action]")).to_have_text(["Flag"])
    expect(theirs.get_by_role("button", name="Edit")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Reply")).to_be_visible()
    assert mo.errors == [] and bo.errors == []
