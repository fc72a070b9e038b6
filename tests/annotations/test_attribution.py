"""Attribution of imported posts on the surfaces that name an author: the API (`attribution`),
the exports (native, CSV, JSON-LD), and the pages (annotations.attribution's line)."""

import csv
import io
import json

import pytest
from jsonschema import Draft202012Validator

from annotations.exports import get_format
from annotations.imports import import_file
from annotations.models import Annotation, Comment
from annotations.services import comment_delete
from tests.annotations.test_imports import EXPORT_SCHEMA, HYPOTHESIS
from tests.conftest import signed_in


@pytest.fixture
def imported(paper, owner, member):
    """The Hypothesis fixture imported by the owner (olive) onto the group's paper: its claim
    was written by acct:amina on Hypothesis."""
    import_file(user=owner, group=paper.group, data=HYPOTHESIS.read_bytes(), paper=paper.pk)
    return paper


def _by_note(rows: list[dict], start: str) -> dict:
    return next(row for row in rows if row["note"].startswith(start))


@pytest.mark.parametrize("reader", ["owner", "member", "anonymous"])
def test_the_api_says_who_wrote_an_imported_post_and_where(
    imported, public_paper, reader, owner, member, request
):
    user = {"owner": owner, "member": member, "anonymous": None}[reader]
    if user is None:  # anonymous readers see only public groups' posts: move the paper there
        type(imported).objects.filter(pk=imported.pk).update(group=public_paper.group)
    rows = signed_in(user).get(f"/api/v1/annotations/?paper={imported.pk}").json()["results"]
    claim = _by_note(rows, "The central")
    assert claim["author"] == "olive"  # the importer
    assert claim["attribution"] == {
        "author": "amina",
        "created": "2026-10-01T09:00:00Z",
        "source": "Hypothesis",
        "url": "https://example.org/on-reading-together.html",
    }


def test_a_post_written_here_has_no_attribution(member, paragraph):
    answer = signed_in(member).post(
        "/api/v1/annotations/", {"paragraph": paragraph.pk, "role": "claim"}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["attribution"] is None


def test_a_tombstone_says_nothing_of_its_source(imported, owner):
    comment = Comment.objects.filter(paper=imported, parent__isnull=False).get()
    comment_delete(comment=comment, user=owner)
    rows = signed_in(owner).get(f"/api/v1/comments/?paper={imported.pk}").json()["results"]
    tombstone = next(row for row in rows if row["id"] == comment.pk)
    assert (tombstone["author"], tombstone["attribution"]) == (None, None)
    living = next(row for row in rows if row["id"] != comment.pk)
    assert living["attribution"]["source"] == "Hypothesis"


def test_the_native_export_carries_the_attribution_and_fits_its_schema(imported):
    data = json.loads("".join(get_format("json").paper(imported, user=None)))
    Draft202012Validator(EXPORT_SCHEMA).validate(data)
    claim = _by_note(data["annotations"], "The central")
    assert claim["author"] == "olive" and claim["attribution"]["author"] == "amina"
    assert all(row["attribution"]["source"] == "Hypothesis" for row in data["comments"])


def test_the_schema_refuses_a_malformed_attribution(imported):
    data = json.loads("".join(get_format("json").paper(imported, user=None)))
    data["annotations"][0]["attribution"] = {"author": "x"}
    assert list(Draft202012Validator(EXPORT_SCHEMA).iter_errors(data))


def test_the_csv_adds_the_attribution_after_its_fixed_columns(imported, paper):
    text = "".join(get_format("csv").paper(imported, user=None))
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.split("\r\n", 1)[0].split(",")
    assert header[-4:] == [
        "attribution_author",
        "attribution_created",
        "attribution_source",
        "attribution_url",
    ]
    assert header[:15][-4:] == ["author", "status", "created", "updated"]
    claim = next(row for row in rows if row["note_or_body"].startswith("The central"))
    assert (claim["author"], claim["attribution_author"], claim["attribution_source"]) == (
        "olive", "amina", "Hypothesis"
    )  # fmt: skip
    assert claim["attribution_created"] == "2026-10-01T09:00:00Z"


def test_the_jsonld_names_the_source_beside_the_creator(imported):
    data = json.loads("".join(get_format("jsonld").paper(imported, user=None)))
    items = data["first"]["items"]
    claim = next(
        item
        for item in items
        if item.get("motivation") == "classifying"
        and any(str(b.get("value", "")).startswith("The central") for b in item["body"])
    )
    assert claim["creator"]["name"] == "olive"
    assert claim["marginalia:attribution"] == {
        "marginalia:author": "amina",
        "created": "2026-10-01T09:00:00Z",
        "marginalia:source": "Hypothesis",
        "marginalia:url": "https://example.org/on-reading-together.html",
    }
    written_here = Annotation.objects.filter(source_name="").count()
    assert written_here == 0 and all(
        "marginalia:attribution" in item for item in items if item["motivation"] != "linking"
    )


# The pages: one line of words (annotations.attribution)

LINE = "imported · from amina, Hypothesis, 1 October 2026"


def test_the_words_leave_out_the_authors_own_name():
    from datetime import UTC, datetime

    from annotations.attribution import attribution_text

    moment = datetime(2024, 5, 3, 12, tzinfo=UTC)
    words = {"source_name": "Hypothesis", "source_created": moment}
    assert attribution_text(author="olive", source_author="bob", **words) == (
        "imported · from bob, Hypothesis, 3 May 2024"
    )
    assert attribution_text(author="Bob", source_author="bob", **words) == (
        "imported · Hypothesis, 3 May 2024"
    )
    assert (
        attribution_text(author="olive", source_author="", source_name="", source_created=None)
        == ""
    )


def test_the_activity_names_the_source_beside_the_importer(imported, client, member):
    from tests.conftest import page_client

    html = page_client(member).get(f"/groups/{imported.group.slug}/").content.decode()
    assert LINE in html


def test_search_names_the_source_in_the_page_and_the_api(imported, member):
    from tests.conftest import page_client

    html = page_client(member).get("/search/", {"q": "central"}).content.decode()
    assert LINE in html
    hits = signed_in(member).get("/api/v1/search/", {"q": "central"}).json()["results"]
    post = next(hit for hit in hits if hit["kind"] == "annotation")
    assert post["author"] == "olive" and post["attribution"]["author"] == "amina"
    assert post["attribution"]["url"] == "https://example.org/on-reading-together.html"


def test_the_moderation_queue_names_the_source_beside_the_importer(imported, moderator, member):
    from annotations.moderation import services as moderation
    from tests.conftest import page_client

    claim = Annotation.objects.get(paper=imported, note__startswith="The central")
    moderation.flag_create(user=member, target=claim, reason="spam")
    html = page_client(moderator).get("/moderation/").content.decode()
    assert (
        '<span class="mod-author">olive</span> '
        '<span class="quiet">(imported · from amina, Hypothesis, 1 October 2026)</span>'
    ) in html
