"""The API's one exception handler (papers.api.base.exception_handler), wherever an error is
raised: a stale If-Match is a 412 from every endpoint that changes a versioned item, from any
viewset; a service's field error keeps its field in both apps; the rest is `{"detail"}`."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

import annotations.services
import papers.services
from annotations.models import Annotation, Comment
from annotations.services import (
    annotation_create,
    annotation_update,
    comment_create,
    comment_update,
)
from papers.api.base import APIv1Settings, exception_handler
from papers.errors import Conflict, UploadTooLarge
from papers.groups import group_create
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
