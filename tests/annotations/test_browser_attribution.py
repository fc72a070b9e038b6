"""The workspace shows an imported post's attribution beside its author (static/annotations/
attribution.js), in the panel's annotations and in threads, in a real Chromium."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Comment
from annotations.services import annotation_create, comment_create
from tests.annotations.test_browser_workspace import CLAIM, open_workspace, para, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_panel_says_where_an_imported_post_came_from(person, live_server, world):  # noqa: F811
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim = para(paper, CLAIM)
    imported = annotation_create(user=amina, paragraph=claim, role_slug="claim", note="From afar.")
    reply = comment_create(user=amina, annotation=imported, body="My own, brought back.")
    written_here = comment_create(user=bo, annotation=imported, body="Written here.")
    Annotation.objects.filter(pk=imported.pk).update(
        source_author="bob", source_name="Hypothesis",
        source_created=datetime(2024, 5, 3, 10, tzinfo=UTC), source_url="https://example.org/p",
    )  # fmt: skip
    # The importer's own name is left out (they imported their own work).
    Comment.objects.filter(pk=reply.pk).update(
        source_author="AMINA", source_name="Marginalia export"
    )

    page = open_workspace(person(bo), live_server, paper)
    page.locator(f'.para[data-paragraph="{claim.pk}"]').click()
    page.keyboard.press("Enter")
    expect(page.locator("#ws-panel")).to_be_visible()
    mark = page.locator(
        f'li[data-annotation="{imported.pk}"] > .ws-annotation-head .ws-attribution'
    )
    expect(mark).to_have_text(re.compile(r"^imported · from bob, Hypothesis, .*2024$"))
    expect(mark).to_have_attribute("title", "Source: https://example.org/p")
    own = page.locator(f'li[data-comment="{reply.pk}"] .ws-attribution').first
    expect(own).to_have_text("imported · Marginalia export")
    expect(page.locator(f'li[data-comment="{written_here.pk}"] .ws-attribution')).to_have_count(0)
    assert page.errors == []
