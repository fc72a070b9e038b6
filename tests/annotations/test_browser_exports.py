"""The export page in a real Chromium: from the paper's page to its export page, CSV for this
paper, then JSON for the whole group, each a download checked byte for byte against the API's
file (Playwright's `expect_download`). Screenshots in tests/artifacts/ (git-ignored)."""

import csv
import io
import json

import pytest
from playwright.sync_api import expect

from annotations.moderation.services import moderate
from papers.models import Membership
from tests.annotations.conftest import make_annotation, make_comment
from tests.browser import ARTIFACTS
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "A passage with emoji 📚 and “quotes”, worth a row"
HIDDEN = "SECRET-HIDDEN-IN-BROWSER"


@pytest.fixture
def world(db):
    """A private group: amina (member) and mo (moderator); two papers, one annotated, with a
    post mo hid."""
    group = make_group("Seminar")
    amina, mo, bo = make_user("amina"), make_user("mo"), make_user("bo")
    join(group, amina, Membership.Role.MEMBER)
    join(group, mo, Membership.Role.MODERATOR)
    join(group, bo, Membership.Role.MEMBER)
    paper = make_paper(group, user=mo, title="On Reading Together")
    make_paper(group, user=mo, title="A Second Paper")
    paragraph = paper.paragraphs.filter(kind="body").first()
    shown = make_annotation(amina, paragraph, "claim", quote={"exact": paragraph.text[:10]},
                            note=NOTE)  # fmt: skip
    make_comment(mo, annotation=shown, body="Agreed.")
    hidden = make_annotation(bo, paragraph, "evidence", note=HIDDEN)
    moderate(actor=mo, target=hidden, action="hide", reason="off topic")
    return {"group": group, "paper": paper, "amina": amina, "mo": mo}


@pytest.fixture
def signed_in(signed_in_context):
    """A page signed in as a user, that may download, and the test client with their session."""

    def open_page(user):
        context, client = signed_in_context(user, accept_downloads=True)
        return context.new_page(), client

    return open_page


def test_export_csv_then_the_group_s_json(signed_in, live_server, world):
    page, client = signed_in(world["amina"])
    paper, group = world["paper"], world["group"]
    page.goto(live_server.url + paper.get_absolute_url())
    page.get_by_role("link", name="Export").click()
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    expect(page.get_by_text("hidden and pending posts are included")).to_have_count(0)

    page.get_by_label("CSV").check()
    page.screenshot(path=str(ARTIFACTS / "export-page.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == f"on-reading-together-{paper.pk}.csv"
    data = open(download.path(), "rb").read()
    api = b"".join(client.get(f"/api/v1/papers/{paper.pk}/export/?format=csv").streaming_content)
    assert data == api
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert NOTE in {row["note_or_body"] for row in rows}
    assert HIDDEN.encode() not in data

    # The whole group, as Marginalia JSON.
    page.get_by_label("Marginalia JSON").check()
    page.get_by_label(f"Every paper of {group.name}").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == f"{group.slug}-{group.pk}.json"
    exported = json.loads(open(download.path(), "rb").read())
    titles = [item["paper"]["title"] for item in exported["papers"]]
    assert titles == ["On Reading Together", "A Second Paper"]
    assert HIDDEN not in json.dumps(exported, ensure_ascii=False)


def test_a_moderator_is_told_and_gets_the_hidden_post(signed_in, live_server, world):
    page, _ = signed_in(world["mo"])
    group = world["group"]
    page.goto(live_server.url + f"/groups/{group.slug}/")
    page.get_by_role("link", name="Export").click()
    expect(page.get_by_text("hidden and pending posts are included")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "export-page-moderator.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    exported = json.loads(open(info.value.path(), "rb").read())
    notes = {row["note"]: row["status"] for item in exported["papers"]
             for row in item["annotations"]}  # fmt: skip
    assert notes[HIDDEN] == "hidden"
