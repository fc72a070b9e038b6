"""`Idempotency-Key` (papers/idempotency/) on the annotations' creates: annotations, comments,
links, flags, moderation actions and imports. Each family: the same key and body answer the
first result with one row and one query, another body is 422. The mechanism itself:
tests/papers/test_idempotency.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.exports import get_format
from annotations.models import Annotation, Comment, Flag, Link
from papers.models import AuditEntry, Paper
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import signed_in
from tests.papers.makers import make_paper


def _annotation(scene):
    body = {"paper": scene["paper"].pk, "paragraph": scene["paragraph"].pk, "role": "claim"}
    return "/api/v1/annotations/", body, {"note": "changed"}, Annotation, scene["member"]


def _comment(scene):
    body = {"paragraph": scene["paragraph"].pk, "body": "Is this right?"}
    return "/api/v1/comments/", body, {"body": "Another"}, Comment, scene["member"]


def _link(scene):
    claim = make_annotation(scene["member"], scene["paragraph"], "claim")
    evidence = make_annotation(scene["member"], scene["paragraph"], "evidence")
    body = {"source": evidence.pk, "target": claim.pk, "relation": "supports"}
    return "/api/v1/links/", body, {"relation": "attacks"}, Link, scene["member"]


def _flag(scene):
    comment = make_comment(scene["owner"], paragraph=scene["paragraph"], body="Buy pills")
    body = {"target_type": "comment", "target": comment.pk, "reason": "spam"}
    return "/api/v1/flags/", body, {"reason": "abuse"}, Flag, scene["member"]


def _moderation(scene):
    comment = make_comment(scene["member"], paragraph=scene["paragraph"], body="Rude")
    body = {"target_type": "comment", "target": comment.pk, "action": "hide", "reason": "r"}
    url = "/api/v1/moderation/actions/"
    return url, body, {"reason": "other"}, AuditEntry, scene["moderator"]


FAMILIES = {
    "annotation": _annotation,
    "comment": _comment,
    "link": _link,
    "flag": _flag,
    "moderation": _moderation,
}


@pytest.fixture
def scene(paper, paragraph, owner, moderator, member):
    return {
        "paper": paper,
        "paragraph": paragraph,
        "owner": owner,
        "moderator": moderator,
        "member": member,
    }


@pytest.mark.parametrize("family", FAMILIES)
def test_a_repeated_create_answers_the_first_result(family, scene, django_assert_max_num_queries):
    url, body, change, model, user = FAMILIES[family](scene)
    api = signed_in(user)
    before = model.objects.count()
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    with django_assert_max_num_queries(1):  # the key's row; the view does not run
        again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    for name in ("Location", "ETag"):  # what the first answer named (annotations: both)
        assert again.get(name) == first.get(name)
    if family == "annotation":
        assert again["ETag"] == 'W/"1"'
    other = api.post(url, body | change, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("family", FAMILIES)
def test_without_a_key_a_repeat_is_a_new_request(family, scene):
    url, body, _change, model, user = FAMILIES[family](scene)
    api = signed_in(user)
    before = model.objects.count()
    codes = [api.post(url, body, format="json").status_code for _ in range(2)]
    # A second row (annotations, comments) or a refusal of the same thing twice (400): never a
    # replay.
    assert codes[0] == 201
    assert model.objects.count() - before == (2 if codes[1] == 201 else 1)


def test_an_import_runs_once(group, owner, member, django_assert_max_num_queries):
    source = make_paper(group, user=owner, title="Exported")
    make_annotation(member, source.paragraphs.filter(kind="body").first(), "claim", note="n")
    data = "".join(get_format("json").paper(source, user=None)).encode()
    api = signed_in(member)

    def send(content: bytes):
        upload = SimpleUploadedFile("export.json", content, content_type="application/json")
        return api.post(
            "/api/v1/imports/", {"group": group.slug, "file": upload}, HTTP_IDEMPOTENCY_KEY="imp"
        )

    first = send(data)
    assert first.status_code in (201, 202), first.content
    papers = Paper.objects.count()
    with django_assert_max_num_queries(1):
        again = send(data)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Paper.objects.count() == papers
    assert send(data + b" ").status_code == 422
