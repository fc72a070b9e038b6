"""The API's one exception handler (papers.api.base.exception_handler), wherever an error is
raised: a stale If-Match is a 412 from every endpoint that changes a versioned item, from any
viewset; a service's field error keeps its field in both apps; the rest is `{"detail"}`.

Then what the fuzz (tests/test_api_fuzz.py) found, each with a test of its own: JSON errors
outside DRF's views (papers.api.handlers), deep JSON refused (papers.api.parsers), bodies that
are not objects, out-of-range ids, a group with annotations that could not be deleted."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import RestrictedError
from django.test import Client, RequestFactory
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

import annotations.services
import papers.services
from annotations.models import Annotation, Comment, Role
from annotations.services import (
    annotation_create,
    annotation_update,
    comment_create,
    comment_update,
)
from papers.api import handlers
from papers.api.base import APIv1Settings, exception_handler
from papers.api.parsers import MAX_JSON_DEPTH, TOO_DEEP, too_deep
from papers.errors import Conflict, UploadTooLarge
from papers.groups import group_create
from papers.models import Membership, Paper, ReadingGroup
from tests.conftest import make_user, signed_in

STALE = (
    "This changed since version 1 (it is at version 2 now): reload it and make your change again."
)


# A stale If-Match: 412 from every endpoint that changes a versioned item


def _annotation_at_version_2(user, paragraph) -> Annotation:
    annotation = annotation_create(user=user, paragraph=paragraph, role_slug="claim", note="a")
    return annotation_update(annotation=annotation, user=user, note="b")


def _comment_at_version_2(user, paragraph) -> Comment:
    comment = comment_create(user=user, paragraph=paragraph, body="a")
    return comment_update(comment=comment, user=user, body="b")


VERSIONED = {
    "annotation": (_annotation_at_version_2, "/api/v1/annotations/", {"note": "c"}),
    "comment": (_comment_at_version_2, "/api/v1/comments/", {"body": "c"}),
}


@pytest.mark.parametrize("kind", ["annotation", "comment"])
@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stale_if_match_is_a_412_with_the_current_version(member, paragraph, kind, method):
    make, url, change = VERSIONED[kind]
    item = make(member, paragraph)
    assert item.version == 2
    client = signed_in(member)
    data = change if method == "patch" else None
    response = getattr(client, method)(
        f"{url}{item.pk}/", data, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert response.status_code == 412
    assert response["ETag"] == 'W/"2"'
    assert response.json() == {"detail": STALE, "version": 2}
    stored = type(item).objects.get(pk=item.pk)
    assert (stored.version, stored.status) == (2, "visible")


# Any viewset: the handler, not a mixin, answers a Conflict


class Bumps(APIv1Settings, viewsets.ViewSet):
    """A viewset that knows nothing of Conflict, calling a service that raises it."""

    def partial_update(self, request, pk=None):
        raise Conflict(STALE, current_version=2)

    def destroy(self, request, pk=None):
        raise Conflict("This was deleted in the meantime.")


def test_any_viewset_answers_a_conflict_412_with_if_match_and_409_without(member):
    factory = APIRequestFactory()
    view = Bumps.as_view({"patch": "partial_update", "delete": "destroy"})
    request = factory.patch("/bumps/1/", {}, format="json", HTTP_IF_MATCH='W/"1"')
    force_authenticate(request, member)
    response = view(request, pk=1)
    assert (response.status_code, response["ETag"]) == (412, 'W/"2"')
    assert response.data == {"detail": STALE, "version": 2}
    request = factory.delete("/bumps/1/")
    force_authenticate(request, member)
    response = view(request, pk=1)
    assert response.status_code == 409
    assert not response.has_header("ETag")
    assert response.data == {"detail": "This was deleted in the meantime.", "version": None}


def test_a_real_endpoint_without_versions_of_its_own_answers_a_conflict(owner, paper, monkeypatch):
    def conflict(**kwargs):
        raise Conflict(STALE, current_version=2)

    monkeypatch.setattr("papers.api.papers.paper_rename", conflict)
    url = f"/api/v1/papers/{paper.pk}/"
    response = signed_in(owner).patch(url, {"title": "New"}, format="json", HTTP_IF_MATCH="1")
    assert (response.status_code, response["ETag"]) == (412, 'W/"2"')
    assert response.json() == {"detail": STALE, "version": 2}
    response = signed_in(owner).patch(url, {"title": "New"}, format="json")
    assert response.status_code == 409


def test_the_handler_reads_if_match_from_the_request_in_its_context():
    stale = Request(APIRequestFactory().patch("/x/", HTTP_IF_MATCH='W/"1"'))
    response = exception_handler(Conflict(STALE, current_version=2), {"request": stale})
    assert (response.status_code, response["ETag"]) == (412, 'W/"2"')
    assert response.data == {"detail": STALE, "version": 2}
    plain = Request(APIRequestFactory().patch("/x/"))
    assert (
        exception_handler(Conflict(STALE, current_version=2), {"request": plain}).status_code == 409
    )
    assert exception_handler(Conflict(STALE, current_version=2), {}).status_code == 409


def test_the_services_raise_the_one_conflict_and_the_one_upload_too_large():
    assert annotations.services.Conflict is Conflict
    assert papers.services.UploadTooLarge is UploadTooLarge


# Validation errors: fields keep their names, the rest is one line


def test_the_handler_keeps_field_names_and_flattens_the_rest():
    response = exception_handler(ValidationError({"quote": "No such passage."}), {})
    assert (response.status_code, response.data) == (400, {"quote": ["No such passage."]})
    response = exception_handler(ValidationError(["Two", "lines\nhere."]), {})
    assert (response.status_code, response.data) == (400, {"detail": "Two lines here."})
    response = exception_handler(UploadTooLarge("The file is 9.0 MB; the limit is 5 MB."), {})
    assert response.status_code == 413
    assert response.data == {"detail": "The file is 9.0 MB; the limit is 5 MB."}


def test_a_papers_service_field_error_keeps_its_field(db):
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    client = signed_in(user)
    response = client.patch(f"/api/v1/groups/{mine.slug}/", {"visibility": "public"}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"visibility": ["A personal group is always private."]},
    )
    # A refusal that names no field stays one line.
    response = client.delete(f"/api/v1/groups/{mine.slug}/")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Your personal group cannot be deleted."},
    )


def test_an_annotations_service_field_error_keeps_its_field(member, paragraph, paper):
    client = signed_in(member)
    response = client.post(
        "/api/v1/annotations/",
        {"paper": paper.pk, "paragraph": paragraph.pk, "role": "opinion"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["role"]
    assert response.json()["role"][0].startswith("The role “opinion” does not exist")


def test_a_moderation_service_field_error_keeps_its_field(member, paragraph):
    mine = annotation_create(user=member, paragraph=paragraph, role_slug="claim")
    response = signed_in(member).post(
        "/api/v1/flags/",
        {"target_type": "annotation", "target": mine.pk, "reason": "spam"},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"target": ["You cannot flag your own post; edit or delete it."]},
    )


# Every error under /api/ is JSON, where no DRF view answers too; pages keep their HTML


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here/", "/api/v1/papers/not-a-number/", "/api/v1/groups/x/nope/", "/api/"],
)
def test_an_unknown_api_path_is_a_json_404(db, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_keeps_its_html_404(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_exception_that_escapes_an_api_view_is_a_json_500(owner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("papers.api.papers.PaperViewSet.list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    response = client.get("/api/v1/papers/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred; it has been logged."}
    page = handlers.server_error(RequestFactory().get("/papers/1/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


# Deep JSON: a 400 from the parser, before anything recurses


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_the_depth_is_counted_outside_strings_only():
    assert not too_deep(_nested(MAX_JSON_DEPTH))
    assert too_deep(_nested(MAX_JSON_DEPTH + 1))
    assert too_deep('{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1))
    brackets_in_text = json.dumps({"note": "[[[{{{" * 100, "quote": '\\"[[[' * 100})
    assert not too_deep(brackets_in_text)
    # Escaped backslashes and quotes end no string early, nor start one.
    deep = json.loads(_nested(MAX_JSON_DEPTH))
    assert too_deep(json.dumps(["\\", deep]))
    assert too_deep(json.dumps(['\\\\"', deep]))
    assert not too_deep(json.dumps({"a": '\\"' + "[" * 100, "b": [deep[0][0]]}))
    # Many brackets side by side are not deep.
    assert not too_deep(json.dumps([[1]] * 1000))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 50_000])
def test_deep_json_is_a_400_for_anyone_through_the_token_endpoint(db, depth):
    response = Client().post("/api/v1/auth/token/", _nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP}


def test_deep_json_is_a_400_on_a_signed_in_endpoint_and_writes_nothing(
    member, paper, django_assert_max_num_queries
):
    body = f'{{"paper": {paper.pk}, "note": {_nested(50_000)}}}'
    with django_assert_max_num_queries(3):  # the session and the user; no write
        response = signed_in(member).post(
            "/api/v1/annotations/", body, content_type="application/json"
        )
    assert (response.status_code, response.json()) == (400, {"detail": TOO_DEEP})
    assert not Annotation.objects.exists()


def test_json_within_the_limit_is_read_as_before(member, paragraph, paper):
    # Brackets in a string count for nothing: a body one level deep.
    body = json.dumps(
        {
            "paper": paper.pk,
            "paragraph": paragraph.pk,
            "role": "claim",
            "note": _nested(MAX_JSON_DEPTH * 2),
        }
    )
    response = signed_in(member).post("/api/v1/annotations/", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["note"] == _nested(MAX_JSON_DEPTH * 2)


def test_deep_json_in_the_imports_data_form_field_is_a_400(member, group):
    response = signed_in(member).post(
        "/api/v1/imports/", {"group": group.slug, "data": _nested(50_000)}, format="multipart"
    )
    assert (response.status_code, response.json()) == (400, {"data": [TOO_DEEP]})


# Imports: `data` is the file's content, an object; anything else is a 400, not a 500


NOT_A_FILE = (
    "The file's content as a JSON object: a Marginalia export or a Hypothesis search result."
)


@pytest.mark.parametrize("data", [None, [], 123, True])
def test_imports_data_that_is_not_an_object_is_a_400(member, group, data):
    papers = Paper.objects.count()
    response = signed_in(member).post(
        "/api/v1/imports/", {"group": group.slug, "data": data}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == (
        {"data": ["This field may not be null."]} if data is None else {"data": [NOT_A_FILE]}
    )
    assert Paper.objects.count() == papers


@pytest.mark.parametrize("data", ["null", "[]", "123"])
def test_imports_multipart_data_that_is_not_an_object_is_a_400(member, group, data):
    response = signed_in(member).post(
        "/api/v1/imports/", {"group": group.slug, "data": data}, format="multipart"
    )
    assert (response.status_code, response.json()) == (400, {"data": [NOT_A_FILE]})


def test_imports_file_that_nests_too_deeply_is_a_400(member, group):
    upload = SimpleUploadedFile("deep.json", _nested(50_000).encode(), "application/json")
    response = signed_in(member).post(
        "/api/v1/imports/", {"group": group.slug, "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


# A members PATCH whose body is not an object


NOT_AN_OBJECT = "Invalid data. Expected a dictionary, but got {}."


@pytest.mark.parametrize("body", [[], ["role", "moderator"], "moderator", 3])
@pytest.mark.parametrize("by_name", [True, False])
def test_a_members_patch_whose_body_is_not_an_object_is_a_400(
    owner, member, group, body, by_name, django_assert_max_num_queries
):
    url = f"/api/v1/groups/{group.slug}/members/" + ("" if by_name else f"{member.username}/")
    with django_assert_max_num_queries(6):
        response = signed_in(owner).patch(url, body, format="json")
    assert response.status_code == 400
    expected = NOT_AN_OBJECT.format(type(body).__name__)
    assert response.json() == {"non_field_errors": [expected]}
    assert Membership.objects.get(group=group, user=member).role == Membership.Role.MEMBER


# Ids past 64 bits reached the database (OverflowError on SQLite, DataError on PostgreSQL)


@pytest.mark.parametrize("paper_id", ["10478424386337617920", "-1", "0", "x"])
def test_search_with_a_paper_id_out_of_range_is_a_400(member, paper_id):
    response = signed_in(member).get("/api/v1/search/", {"q": "reader", "paper": paper_id})
    assert (response.status_code, response.json()) == (
        400,
        {"paper": ["A paper is named by its id."]},
    )


# NUL in a filter or a reason reached PostgreSQL, which refuses it in text (DataError, a 500)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/groups/seminar/members/?q=a%00b",
        "/api/v1/papers/?group=sem%00inar",
        "/api/v1/search/?q=reader&author=ol%00ive",
        "/api/v1/annotations/?x%00=1",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400(owner, group, url):
    response = signed_in(owner).get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": "A query parameter holds a NUL character."}


def test_a_nul_in_a_ban_reason_is_a_400_and_bans_no_one(owner, member, group):
    url = f"/api/v1/groups/{group.slug}/members/{member.username}/"
    response = signed_in(owner).patch(
        url, {"status": "banned", "reason": "sp\x00am"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert Membership.objects.get(group=group, user=member).status == Membership.Status.ACTIVE


# A group whose papers have annotations can be deleted (Annotation.role was PROTECT)


def test_a_group_with_annotations_can_be_deleted(owner, member, group, paragraph):
    annotation_create(user=member, paragraph=paragraph, role_slug="claim")
    response = signed_in(owner).delete(f"/api/v1/groups/{group.slug}/")
    assert response.status_code == 204
    assert not ReadingGroup.objects.filter(pk=group.pk).exists()
    assert not Annotation.objects.exists() and not Role.objects.filter(group=group).exists()


def test_a_role_in_use_still_cannot_be_deleted_on_its_own(member, paragraph):
    annotation = annotation_create(user=member, paragraph=paragraph, role_slug="claim")
    with pytest.raises(RestrictedError):
        annotation.role.delete()


# The schema documents the errors (papers.api.schema), so that the fuzz can hold answers to it


def test_the_schema_documents_json_errors_on_every_operation(db):
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 50
    for path, method, operation in operations:
        for code in ("400", "401", "403", "404", "429"):
            # An operation that describes an error itself keeps its description (invites).
            assert "schema" in operation["responses"][code]["content"]["application/json"]
        assert ("413" in operation["responses"]) == ("requestBody" in operation), (path, method)
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert detail["required"] == ["detail"]
    queue = schema["paths"]["/api/v1/moderation/queue/"]["get"]["responses"]["200"]
    assert queue["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Queue"}
