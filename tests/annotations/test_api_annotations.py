"""The annotations API: annotations/ and annotations/{id}/. Statuses for every caller are in
test_permission_matrix.py; shapes, filters, `since`, cursor pages and ETag/If-Match are here."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Annotation
from annotations.services import annotation_delete, annotation_update
from tests.conftest import join, make_user, signed_in

from .conftest import CAN_AUTHOR, make_annotation

ANNOTATIONS = "/api/v1/annotations/"
KEYS = {
    "id",
    "paper",
    "paragraph",
    "anchor",
    "role",
    "role_name",
    "role_color",
    "quote",
    "note",
    "note_html",
    "author",
    "visibility",
    "status",
    "created",
    "updated",
    "version",
    "edited",
    "can",
    "attribution",
}


def detail(annotation) -> str:
    return f"{ANNOTATIONS}{annotation.pk}/"


# Creating


def test_a_member_annotates_a_passage(member_api, paragraph, paper):
    response = member_api.post(
        ANNOTATIONS,
        {
            "paper": paper.pk,
            "paragraph": paragraph.pk,
            "role": "evidence",
            "quote": {"exact": "readers disagree", "prefix": "2001), "},
            "note": "See **Lee**. <script>alert(1)</script>",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == KEYS
    # What the author may do with it now (tests/annotations/test_api_can.py: every role).
    assert body["can"] == CAN_AUTHOR
    start = paragraph.text.index("readers disagree")
    assert body["quote"] == {
        "exact": "readers disagree",
        "prefix": "2001), ",
        "suffix": paragraph.text[start + 16 : start + 16 + 32],
        "start": start,
        "end": start + 16,
    }
    assert body["role"] == "evidence" and body["role_name"] == "Evidence"
    assert body["role_color"].startswith("#")
    assert body["anchor"] == paragraph.anchor
    assert (
        body["note_html"]
        == "<p>See <strong>Lee</strong>. &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert (body["author"], body["visibility"], body["status"], body["version"]) == (
        "amina",
        "group",
        "visible",
        1,
    )
    assert response["ETag"] == 'W/"1"'
    assert response["Location"].endswith(f"/api/v1/annotations/{body['id']}/")


def test_a_whole_paragraph_annotation_has_no_quote(member_api, paragraph):
    response = member_api.post(
        ANNOTATIONS, {"paragraph": paragraph.pk, "role": "claim"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["quote"] is None
    assert response.json()["note"] == "" and response.json()["note_html"] == ""


@pytest.mark.parametrize(
    "quote, field, message",
    [
        ({"exact": "nothing like it", "start": 23, "end": 41}, "quote", "at 23–41"),
        ({"start": 5, "end": 5000}, "quote", "outside the paragraph"),
        ({"exact": "reader"}, "quote", "occurs 2 times"),
        ({"exact": "absent words"}, "quote", "not in the paragraph"),
        ({"start": -1, "end": 3}, "quote", "greater than or equal to 0"),
        ({"start": 3}, "quote", "both start and end"),
    ],
)
def test_a_quote_that_does_not_fit_is_400(member_api, paragraph, quote, field, message):
    response = member_api.post(
        ANNOTATIONS, {"paragraph": paragraph.pk, "role": "claim", "quote": quote}, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"paragraph": None, "role": "claim"}, "paragraph"),
        ({"paragraph": 999999, "role": "claim"}, "paragraph"),
        ({"paragraph": "abc", "role": "claim"}, "paragraph"),
        ({"role": "opinion"}, "role"),
        ({"role": "claim", "visibility": "world"}, "visibility"),
        ({"role": "claim", "quote": "text"}, "quote"),
        ({"role": "claim", "paper": 999999}, "paragraph"),
    ],
)
def test_bad_input_is_400_with_the_field(member_api, paragraph, data, field):
    data = {"paragraph": paragraph.pk, **data}
    response = member_api.post(ANNOTATIONS, data, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_a_paragraph_of_a_private_paper_is_not_found_for_an_outsider(outsider, paragraph):
    response = signed_in(outsider).post(
        ANNOTATIONS, {"paragraph": paragraph.pk, "role": "claim"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"paragraph": ["There is no paragraph with this id."]}


def test_a_malformed_body_is_400(member_api):
    response = member_api.post(ANNOTATIONS, "{not json", content_type="application/json")
    assert response.status_code == 400


# Reading


def test_the_detail_has_an_etag(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    response = member_api.get(detail(annotation))
    assert response.status_code == 200
    assert response["ETag"] == 'W/"1"'
    assert response.json()["id"] == annotation.pk


def test_a_private_annotation_is_its_authors_only(member, moderator, owner, paragraph):
    private = make_annotation(member, paragraph, visibility="private", note="just me")
    assert signed_in(member).get(detail(private)).status_code == 200
    for user in (moderator, owner):
        client = signed_in(user)
        assert client.get(detail(private)).status_code == 404
        assert client.get(ANNOTATIONS).json()["results"] == []


def test_a_deleted_annotation_is_gone(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    annotation_delete(annotation=annotation, user=member)
    assert member_api.get(detail(annotation)).status_code == 404
    assert member_api.get(ANNOTATIONS).json()["results"] == []


def test_pending_and_hidden_ones_show_to_their_author_and_moderators(
    member, moderator, owner, outsider, paragraph, group
):
    pending = make_annotation(member, paragraph)
    hidden = make_annotation(member, paragraph)
    Annotation.objects.filter(pk=pending.pk).update(status="pending")
    Annotation.objects.filter(pk=hidden.pk).update(status="hidden")
    other = make_user("amos")
    join(group, other)
    for user, seen in ((member, 2), (moderator, 2), (owner, 2), (other, 0), (outsider, 0)):
        results = signed_in(user).get(ANNOTATIONS).json()["results"]
        assert len(results) == seen, user
    marked = {a["status"] for a in signed_in(member).get(ANNOTATIONS).json()["results"]}
    assert marked == {"pending", "hidden"}


def test_a_public_groups_annotations_are_read_by_anyone(public_paper, member):
    paragraph = public_paper.paragraphs.first()
    make_annotation(member, paragraph, note="open")
    response = APIClient().get(ANNOTATIONS, {"paper": public_paper.pk})
    assert response.status_code == 200
    assert [a["note"] for a in response.json()["results"]] == ["open"]


# Filters


@pytest.fixture
def spread(member, moderator, paper, paragraph, public_paper):
    """Annotations by two authors, with three roles, on two paragraphs of the private paper,
    and one on the public paper."""
    second = paper.paragraphs.exclude(pk=paragraph.pk).first()
    return {
        "a": make_annotation(member, paragraph, "claim"),
        "b": make_annotation(member, second, "evidence"),
        "c": make_annotation(moderator, paragraph, "theory"),
        "d": make_annotation(moderator, public_paper.paragraphs.first(), "claim"),
        "second": second,
    }


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {a["id"] for a in response.json()["results"]}


def test_the_filters(member_api, spread, paper, paragraph, public_paper):
    ids = {name: a.pk for name, a in spread.items() if name != "second"}
    assert _ids(member_api.get(ANNOTATIONS)) == set(ids.values())
    assert _ids(member_api.get(ANNOTATIONS, {"paper": paper.pk})) == {ids["a"], ids["b"], ids["c"]}
    assert _ids(member_api.get(ANNOTATIONS, {"paragraph": paragraph.pk})) == {ids["a"], ids["c"]}
    assert _ids(member_api.get(ANNOTATIONS, {"role": "claim"})) == {ids["a"], ids["d"]}
    assert _ids(member_api.get(ANNOTATIONS, {"author": "mo"})) == {ids["c"], ids["d"]}
    assert _ids(member_api.get(ANNOTATIONS, {"group": "open-seminar"})) == {ids["d"]}
    assert _ids(member_api.get(ANNOTATIONS, {"status": "visible", "role": "theory"})) == {ids["c"]}
    assert _ids(member_api.get(ANNOTATIONS, {"author": "nobody"})) == set()


@pytest.mark.parametrize(
    "params",
    [{"paper": "x"}, {"status": "gone"}, {"since": "yesterday"}, {"paragraph": "-1"}],
)
def test_a_bad_filter_is_400(member_api, params):
    response = member_api.get(ANNOTATIONS, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_the_list_is_newest_first(member_api, spread):
    results = member_api.get(ANNOTATIONS).json()["results"]
    assert [a["id"] for a in results] == sorted((a["id"] for a in results), reverse=True)


# since


def test_since_lists_changes_after_it_oldest_first_with_deletions(member, member_api, spread):
    before = timezone.now()
    annotation_update(annotation=spread["a"], user=member, note="changed")
    annotation_delete(annotation=spread["b"], user=member)
    response = member_api.get(ANNOTATIONS, {"since": before.isoformat()})
    results = response.json()["results"]
    assert [(a["id"], a["status"]) for a in results] == [
        (spread["a"].pk, "visible"),
        (spread["b"].pk, "deleted"),
    ]
    assert results[1]["note"] == "" and results[1]["note_html"] == ""
    assert results[0]["updated"] < results[1]["updated"]
    # Nothing changed since the last one.
    last = Annotation.objects.get(pk=spread["b"].pk).updated
    assert member_api.get(ANNOTATIONS, {"since": last.isoformat()}).json()["results"] == []


def test_since_accepts_z_an_unencoded_plus_and_a_naive_time(member_api, spread):
    past = (timezone.now() - timedelta(hours=1)).replace(microsecond=0, tzinfo=None)
    for value in (
        past.isoformat() + "Z",
        past.isoformat() + "+00:00",
        past.isoformat(),
    ):
        assert len(_ids(member_api.get(f"{ANNOTATIONS}?since={value}"))) == 4, value


def test_since_never_shows_others_private_or_deleted_things(moderator, member, paragraph):
    before = timezone.now()
    private = make_annotation(member, paragraph, visibility="private")
    annotation_delete(annotation=private, user=member)
    assert (
        signed_in(moderator).get(ANNOTATIONS, {"since": before.isoformat()}).json()["results"] == []
    )
    mine = signed_in(member).get(ANNOTATIONS, {"since": before.isoformat()}).json()["results"]
    assert [(a["id"], a["status"]) for a in mine] == [(private.pk, "deleted")]


# Cursor pages


def test_cursor_pages_walk_every_annotation_once(member, member_api, paragraph):
    made = {make_annotation(member, paragraph).pk for _ in range(7)}
    seen, url, pages = [], ANNOTATIONS + "?page_size=3", 0
    while url:
        body = member_api.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [a["id"] for a in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(seen) == len(made)


def test_cursor_pages_with_since(member, member_api, paragraph):
    before = timezone.now()
    made = [make_annotation(member, paragraph).pk for _ in range(5)]
    url = f"{ANNOTATIONS}?page_size=2&since={before.isoformat().replace('+', '%2B')}"
    seen = []
    while url:
        body = member_api.get(url).json()
        seen += [a["id"] for a in body["results"]]
        url = body["next"]
    assert seen == made


# Changing: ETag and If-Match


def test_the_author_changes_role_quote_note_and_visibility(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    response = member_api.patch(
        detail(annotation),
        {
            "role": "theory",
            "quote": {"exact": "readers disagree"},
            "note": "_why_",
            "visibility": "private",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["role"], body["quote"]["exact"], body["note_html"], body["visibility"]) == (
        "theory",
        "readers disagree",
        "<p><em>why</em></p>",
        "private",
    )
    assert body["version"] == 2 and response["ETag"] == 'W/"2"'
    assert (
        member_api.patch(detail(annotation), {"quote": None}, format="json").json()["quote"] is None
    )


def test_two_patches_from_one_version_give_one_200_and_one_412(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph, note="first draft")
    etag = member_api.get(detail(annotation))["ETag"]
    one = member_api.patch(detail(annotation), {"note": "mine"}, format="json", HTTP_IF_MATCH=etag)
    two = member_api.patch(
        detail(annotation), {"note": "theirs"}, format="json", HTTP_IF_MATCH=etag
    )
    assert (one.status_code, two.status_code) == (200, 412)
    assert two.json()["version"] == 2 and two["ETag"] == 'W/"2"'
    assert "version 1" in two.json()["detail"]
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("mine", 2)
    # With the fresh ETag the change goes through.
    three = member_api.patch(
        detail(annotation), {"note": "theirs"}, format="json", HTTP_IF_MATCH=one["ETag"]
    )
    assert three.status_code == 200 and three.json()["version"] == 3


@pytest.mark.parametrize("if_match", ['"1"', "1", "*"])
def test_if_match_spellings(member_api, member, paragraph, if_match):
    annotation = make_annotation(member, paragraph)
    response = member_api.patch(
        detail(annotation), {"note": "x"}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 200


def test_a_garbled_if_match_is_400(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    response = member_api.patch(
        detail(annotation), {"note": "x"}, format="json", HTTP_IF_MATCH="yesterday"
    )
    assert response.status_code == 400


def test_without_if_match_the_last_write_wins(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    assert member_api.patch(detail(annotation), {"note": "a"}, format="json").status_code == 200
    assert member_api.patch(detail(annotation), {"note": "b"}, format="json").status_code == 200
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("b", 3)


def test_delete_honours_if_match(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    annotation_update(annotation=annotation, user=member, note="moved on")
    stale = member_api.delete(detail(annotation), HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 412
    assert Annotation.objects.get(pk=annotation.pk).status == "visible"
    assert member_api.delete(detail(annotation), HTTP_IF_MATCH='W/"2"').status_code == 204
    assert Annotation.objects.get(pk=annotation.pk).status == "deleted"
    assert member_api.delete(detail(annotation)).status_code == 404


def test_someone_elses_annotation_is_403_to_change(member, moderator, paragraph):
    annotation = make_annotation(member, paragraph)
    client = signed_in(moderator)
    assert client.patch(detail(annotation), {"note": "x"}, format="json").status_code == 403
    assert client.delete(detail(annotation)).status_code == 403


def test_an_author_who_was_banned_may_no_longer_change_their_annotation(
    public_paper, member, public_group
):
    annotation = make_annotation(member, public_paper.paragraphs.first())
    public_group.memberships.filter(user=member).update(status="banned")
    client = signed_in(member)
    assert client.get(detail(annotation)).status_code == 200
    assert client.patch(detail(annotation), {"note": "x"}, format="json").status_code == 403


def test_put_is_not_allowed(member_api, member, paragraph):
    annotation = make_annotation(member, paragraph)
    response = member_api.put(detail(annotation), {"note": "x"}, format="json")
    assert response.status_code == 405


def test_writes_without_credentials_are_401(member, paragraph):
    annotation = make_annotation(member, paragraph)
    client = APIClient()
    assert client.post(ANNOTATIONS, {"paragraph": paragraph.pk, "role": "claim"}).status_code == 401
    assert client.patch(detail(annotation), {"note": "x"}).status_code == 401
    assert client.delete(detail(annotation)).status_code == 401
