"""The papers API: /api/v1/papers/, its paragraphs and references, groups, tokens, the schema."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from papers.api.base import exception_handler
from papers.models import Membership, Paper
from papers.services import UploadTooLarge
from tests.conftest import join, make_group, make_user, signed_in

from .makers import make_paper
from .test_pages import MARKDOWN

PAPERS = "/api/v1/papers/"


def detail(paper) -> str:
    return f"{PAPERS}{paper.pk}/"


@pytest.fixture
def api():
    return APIClient()


# List


def test_list_shows_a_member_their_groups_papers_and_public_ones(member_api, paper, public_paper):
    response = member_api.get(PAPERS)
    assert response.status_code == 200
    assert {p["id"] for p in response.json()["results"]} == {paper.pk, public_paper.pk}


def test_list_shows_anonymous_and_outsiders_only_public_papers(
    api, outsider_api, paper, public_paper
):
    for client in (api, outsider_api):
        response = client.get(PAPERS)
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["results"]] == [public_paper.pk]


def test_list_filters_by_group(member_api, outsider_api, group, paper, public_paper):
    response = member_api.get(PAPERS, {"group": group.slug})
    assert [p["id"] for p in response.json()["results"]] == [paper.pk]
    assert outsider_api.get(PAPERS, {"group": group.slug}).json()["results"] == []


def test_list_shape(member_api, paper, owner):
    (item,) = member_api.get(PAPERS).json()["results"]
    assert item["group"] == "seminar"
    assert item["title"] == "On Reading Together"
    assert item["authors"] == ["Ada Reader", "Ben Scholar"]
    assert item["status"] == "ready" and item["error"] == ""
    assert item["source"] == {"format": "markdown", "filename": "", "sha256": ""}
    assert item["paragraph_count"] == paper.paragraphs.count()
    assert item["created_by"] == owner.username
    assert "sections" not in item


def test_list_refuses_put(member_api):
    assert member_api.put(PAPERS, {}).status_code == 405


@pytest.mark.parametrize("size", [1, 15])
def test_list_makes_a_fixed_number_of_queries(member_api, group, size, django_assert_num_queries):
    for i in range(size):
        make_paper(group, title=f"Paper {i}", body=1, references=1)
    # papers (count), papers (page) with group, uploader and paragraph count
    with django_assert_num_queries(2):
        response = member_api.get(PAPERS)
    assert response.json()["count"] == size


# Detail


def test_detail_has_sections_and_metadata(member_api, paper):
    response = member_api.get(detail(paper))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == paper.pk
    assert [s["title"] for s in data["sections"]] == ["Introduction", "Methods", "Sampling"]
    assert data["sections"][2] == {
        "id": data["sections"][2]["id"],
        "position": 3,
        "level": 2,
        "title": "Sampling",
        "anchor": "s-3",
    }
    assert data["keywords"] == ["annotation", "argument"]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_detail_of_a_private_paper_answers_404(api, outsider, paper, who):
    client = api if who == "anonymous" else signed_in(outsider)
    assert client.get(detail(paper)).status_code == 404


def test_detail_of_a_public_paper_is_open_to_anyone(api, public_paper):
    assert api.get(detail(public_paper)).status_code == 200


def test_detail_refuses_put(member_api, paper):
    assert member_api.put(detail(paper), {"title": "x"}, format="json").status_code == 405


# PATCH: the title, by members


def test_a_member_renames_a_paper(member_api, paper):
    response = member_api.patch(detail(paper), {"title": "  A better title "}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "A better title"
    paper.refresh_from_db()
    assert paper.title == "A better title"


def test_patch_changes_nothing_but_the_title(member_api, paper, public_group):
    response = member_api.patch(detail(paper), {"group": public_group.slug}, format="json")
    assert response.status_code == 400
    assert "Only the title may be changed" in json.dumps(response.json())
    paper.refresh_from_db()
    assert paper.group.slug == "seminar"


def test_patch_refuses_an_empty_title(member_api, paper):
    response = member_api.patch(detail(paper), {"title": "   "}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_patch_needs_credentials(api, paper, public_paper):
    for target in (paper, public_paper):
        response = api.patch(detail(target), {"title": "x"}, format="json")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_patch_answers_404_to_an_outsider_of_a_private_group(outsider_api, paper):
    assert outsider_api.patch(detail(paper), {"title": "x"}, format="json").status_code == 404


def test_patch_answers_403_to_an_outsider_of_a_public_group(outsider_api, public_paper):
    response = outsider_api.patch(detail(public_paper), {"title": "x"}, format="json")
    assert response.status_code == 403
    public_paper.refresh_from_db()
    assert public_paper.title == "A Public Paper"


# DELETE: owners, moderators, the uploader


@pytest.mark.parametrize("who", ["owner", "moderator", "uploader"])
def test_owners_moderators_and_the_uploader_delete_a_paper(group, owner, moderator, member, who):
    uploader = {"owner": owner, "moderator": moderator, "uploader": member}
    paper = make_paper(group, user=member)
    response = signed_in(uploader[who]).delete(detail(paper))
    assert response.status_code == 204
    assert not Paper.objects.filter(pk=paper.pk).exists()


def test_another_member_may_not_delete_a_paper(member_api, paper):
    assert member_api.delete(detail(paper)).status_code == 403
    assert Paper.objects.filter(pk=paper.pk).exists()


def test_a_banned_uploader_may_not_delete_their_paper(group, paper):
    banned = make_user("bob")
    join(group, banned, status=Membership.Status.BANNED)
    paper.created_by = banned
    paper.save()
    assert signed_in(banned).delete(detail(paper)).status_code == 404


def test_delete_answers_404_to_outsiders_and_401_to_anonymous(api, outsider_api, paper):
    assert outsider_api.delete(detail(paper)).status_code == 404
    assert api.delete(detail(paper)).status_code == 401
    assert Paper.objects.filter(pk=paper.pk).exists()


def test_delete_answers_403_to_an_outsider_of_a_public_group(outsider_api, public_paper):
    assert outsider_api.delete(detail(public_paper)).status_code == 403


# POST: import a paper


def test_a_member_posts_text_as_json(member_api, member, group):
    response = member_api.post(
        PAPERS, {"group": group.slug, "text": MARKDOWN, "format": "markdown"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    paper = Paper.objects.get()
    assert data["id"] == paper.pk
    assert data["title"] == "Reading Together"
    assert data["group"] == group.slug
    assert data["created_by"] == member.username
    assert [s["title"] for s in data["sections"]] == ["Introduction"]
    assert data["paragraph_count"] == paper.paragraphs.count() > 0


def test_a_member_posts_a_file_as_multipart(member_api, group):
    upload = SimpleUploadedFile("paper.md", MARKDOWN.encode(), content_type="text/markdown")
    response = member_api.post(
        PAPERS, {"group": group.slug, "file": upload, "title": "Given"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "Given"
    assert response.json()["source"]["filename"] == "paper.md"


def test_post_needs_credentials(api, group):
    response = api.post(PAPERS, {"group": group.slug, "text": MARKDOWN}, format="json")
    assert response.status_code == 401
    assert not Paper.objects.exists()


def test_post_into_a_group_the_caller_cannot_see_is_a_bad_group(outsider_api, group):
    response = outsider_api.post(PAPERS, {"group": group.slug, "text": MARKDOWN}, format="json")
    assert response.status_code == 400
    assert response.json() == {"group": ["There is no group with this slug."]}
    assert not Paper.objects.exists()


def test_post_into_a_public_group_needs_membership(outsider_api, public_group):
    response = outsider_api.post(
        PAPERS, {"group": public_group.slug, "text": MARKDOWN}, format="json"
    )
    assert response.status_code == 403
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": MARKDOWN}, "group"),
        ({"group": "seminar", "text": "   "}, "text"),
        ({"group": "seminar", "text": MARKDOWN, "format": "pdf9"}, "format"),
    ],
)
def test_post_with_bad_fields_answers_400_with_field_errors(member_api, body, field):
    response = member_api.post(PAPERS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Paper.objects.exists()


def test_post_without_a_file_or_text_answers_400(member_api, group):
    response = member_api.post(PAPERS, {"group": group.slug}, format="json")
    assert response.status_code == 400
    assert "Send a file" in json.dumps(response.json())


def test_post_of_an_empty_file_answers_400_with_one_line(member_api, group):
    upload = SimpleUploadedFile("empty.txt", b"")
    response = member_api.post(PAPERS, {"group": group.slug, "file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "The file is empty."}
    assert not Paper.objects.exists()


def test_post_of_binary_data_answers_400_with_one_line(member_api, group):
    upload = SimpleUploadedFile("x.txt", bytes(range(256)) * 4)
    response = member_api.post(PAPERS, {"group": group.slug, "file": upload}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "\n" not in response.json()["detail"]
    assert not Paper.objects.exists()


def test_post_of_malformed_json_answers_400(member_api):
    response = member_api.generic("POST", PAPERS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_post_of_an_oversized_file_answers_413(member_api, group, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.md", b"x" * 101)
    response = member_api.post(PAPERS, {"group": group.slug, "file": upload}, format="multipart")
    assert response.status_code == 413
    assert "the limit is" in response.json()["detail"]
    assert not Paper.objects.exists()


def test_post_of_oversized_text_answers_413(member_api, group, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    response = member_api.post(PAPERS, {"group": group.slug, "text": "é" * 60}, format="json")
    assert response.status_code == 413
    assert not Paper.objects.exists()


# Paragraphs


def test_paragraphs_come_in_order_with_their_fields(member_api, paper):
    response = member_api.get(f"{detail(paper)}paragraphs/")
    assert response.status_code == 200
    results = response.json()["results"]
    first = paper.paragraphs.get(position=1)
    assert results[0] == {
        "id": first.pk,
        "anchor": first.anchor,
        "position": 1,
        "section": None,
        "kind": "front_matter",
        "text": "University of Somewhere",
        "label": "",
    }
    assert [p["position"] for p in results] == sorted(p["position"] for p in results)
    assert len(results) == paper.paragraphs.count()


def test_paragraphs_of_a_private_paper_answer_404(api, outsider_api, paper):
    assert api.get(f"{detail(paper)}paragraphs/").status_code == 404
    assert outsider_api.get(f"{detail(paper)}paragraphs/").status_code == 404


def test_paragraphs_of_a_public_paper_are_open(api, public_paper):
    assert api.get(f"{detail(public_paper)}paragraphs/").status_code == 200


def test_paragraphs_refuse_post(member_api, paper):
    assert member_api.post(f"{detail(paper)}paragraphs/", {}).status_code == 405


@pytest.mark.parametrize("body", [1, 60])
def test_paragraphs_make_a_fixed_number_of_queries(
    member_api, group, body, django_assert_num_queries
):
    paper = make_paper(group, body=body)
    # paper, count, page
    with django_assert_num_queries(3):
        member_api.get(f"{detail(paper)}paragraphs/")


# References


def test_references_list_the_citations_pointing_to_them(member_api, paper):
    response = member_api.get(f"{detail(paper)}references/")
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert first["position"] == 1 and first["anchor"] == "ref-1"
    assert first["url"] is None and first["doi"] is None
    assert [c["text"] for c in first["citations"]] == ["(Smith, 2001)"] * 3
    citation = first["citations"][0]
    paragraph = paper.paragraphs.get(pk=citation["paragraph"])
    assert citation["anchor"] == paragraph.anchor
    assert paragraph.text[citation["start"] : citation["end"]] == "(Smith, 2001)"
    # Ambiguous citations point to no entry.
    assert second["citations"] == [] and third["citations"] == []


def test_references_of_a_private_paper_answer_404(api, outsider_api, paper):
    assert api.get(f"{detail(paper)}references/").status_code == 404
    assert outsider_api.get(f"{detail(paper)}references/").status_code == 404


def test_references_refuse_delete(member_api, paper):
    assert member_api.delete(f"{detail(paper)}references/").status_code == 405


@pytest.mark.parametrize(("body", "references"), [(1, 1), (30, 20)])
def test_references_make_a_fixed_number_of_queries(
    member_api, group, body, references, django_assert_num_queries
):
    paper = make_paper(group, body=body, references=references)
    # paper, count, page, citations with their paragraph's anchor
    with django_assert_num_queries(4):
        member_api.get(f"{detail(paper)}references/")


# Groups


def test_groups_lists_the_callers_groups_with_their_role(member_api, group, public_group):
    data = member_api.get("/api/v1/groups/").json()["results"]
    assert [(g["slug"], g["role"]) for g in data] == [("seminar", "member")]
    data = member_api.get("/api/v1/groups/", {"public": "1"}).json()["results"]
    assert [(g["slug"], g["role"]) for g in data] == [("agora", None), ("seminar", "member")]


def test_groups_for_anonymous_are_the_public_ones_on_request(api, group, public_group):
    assert api.get("/api/v1/groups/").json()["results"] == []
    data = api.get("/api/v1/groups/", {"public": "1"}).json()["results"]
    assert [g["slug"] for g in data] == ["agora"]


def test_group_detail_answers_404_for_a_private_group(outsider_api, member_api, group):
    assert outsider_api.get("/api/v1/groups/seminar/").status_code == 404
    assert member_api.get("/api/v1/groups/seminar/").json()["paper_count"] == 0


def test_groups_refuse_put(member_api, group):
    assert member_api.put("/api/v1/groups/seminar/", {}).status_code == 405


@pytest.mark.parametrize("size", [1, 10])
def test_groups_make_a_fixed_number_of_queries(member, member_api, size, django_assert_num_queries):
    for i in range(size):
        join(make_group(f"Group {i}"), member)
    with django_assert_num_queries(2):
        member_api.get("/api/v1/groups/")


# Tokens, schema, errors


def test_a_token_opens_the_api(member, paper):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "amina", "password": "pass-1234-word"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(detail(paper)).status_code == 200


def test_a_wrong_password_gets_no_token(member):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "amina", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/papers/{id}/paragraphs/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content


def test_the_exception_handler_turns_service_errors_into_400_and_413():
    response = exception_handler(ValidationError("Bad\ninput."), {})
    assert (response.status_code, response.data) == (400, {"detail": "Bad input."})
    response = exception_handler(UploadTooLarge("Too big."), {})
    assert (response.status_code, response.data) == (413, {"detail": "Too big."})
