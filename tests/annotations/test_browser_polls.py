"""The workspace's live updates in a real Chromium: after its first answer, each poll sends the
ETag back and gets 304 while nothing changed; someone else's post then arrives (a 200 with it).
(What the server answers is pinned in test_api_polls.py.)"""

import pytest
from playwright.sync_api import expect

from annotations.services import annotation_create
from papers.models import Membership
from tests.conftest import join, make_group, make_user

from .test_browser_workspace import LIVE, make_workspace_paper, open_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _poll(kind: str, status: int):
    return lambda r: f"/api/v1/{kind}/" in r.url and "since=" in r.url and r.status == status


def test_polls_answer_304_until_someone_posts(person, live_server):
    group = make_group("Seminar")
    amina, bo = make_user("amina"), make_user("bo")
    join(group, amina, Membership.Role.OWNER)
    join(group, bo, Membership.Role.MEMBER)
    paper = make_workspace_paper(group)
    page = person(amina)
    with page.expect_response(_poll("comments", 304), timeout=3 * LIVE):
        with page.expect_response(_poll("annotations", 304), timeout=3 * LIVE) as quiet:
            open_workspace(page, live_server, paper)
    assert quiet.value.request.headers["if-none-match"].startswith('W/"')
    paragraph = paper.paragraphs.first()
    with page.expect_response(_poll("annotations", 200), timeout=3 * LIVE):
        made = annotation_create(user=bo, paragraph=paragraph, role_slug="claim")
    expect(page.locator(f'.para[data-paragraph="{paragraph.pk}"] .ws-chips')).to_have_count(
        1, timeout=LIVE
    )
    assert made.pk and page.errors == []
