"""Quotas: MARGINALIA_MAX_ANNOTATIONS_PER_PAPER, whatever makes the annotation (the API's POST,
which the workspace uses, and both kinds of import: annotations.services.check_annotation_room),
and MARGINALIA_MAX_IMPORT_ITEMS per import file. Past either: a clear answer naming the limit,
nothing written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.exports import get_format
from annotations.imports import ImportRefused, import_file
from annotations.models import Annotation, Comment, Status
from annotations.services import TooManyAnnotations, annotation_delete
from papers.errors import UploadTooLarge
from papers.models import Paper
from tests.annotations.conftest import make_annotation, make_comment
from tests.annotations.test_imports import HYPOTHESIS
from tests.conftest import page_client, signed_in

PER_PAPER = "MARGINALIA_MAX_ANNOTATIONS_PER_PAPER"
PER_IMPORT = "MARGINALIA_MAX_IMPORT_ITEMS"


def _counts() -> tuple[int, int, int]:
    return Paper.objects.count(), Annotation.objects.count(), Comment.objects.count()


@pytest.fixture
def full(settings, paragraph, member):
    """The group's paper holding two annotations under a quota of two."""
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 2
    return [make_annotation(member, paragraph, role) for role in ("claim", "evidence")]


def _post(user, paragraph):
    return signed_in(user).post(
        "/api/v1/annotations/", {"paragraph": paragraph.pk, "role": "claim"}, format="json"
    )


def test_a_post_on_a_full_paper_is_400_naming_the_limit(full, paragraph, member, owner):
    for user in (member, owner):  # the quota is the paper's, whoever writes
        answer = _post(user, paragraph)
        assert answer.status_code == 400
        assert PER_PAPER in answer.json()["detail"] and "at most 2 " in answer.json()["detail"]
    assert Annotation.objects.filter(paper=paragraph.paper).count() == 2


def test_a_post_under_the_limit_is_taken(settings, paragraph, member):
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 2
    make_annotation(member, paragraph, "claim")
    assert _post(member, paragraph).status_code == 201
    assert _post(member, paragraph).status_code == 400


def test_deleted_annotations_leave_room(full, paragraph, member):
    annotation_delete(annotation=full[0], user=member)
    assert Annotation.objects.get(pk=full[0].pk).status == Status.DELETED
    assert _post(member, paragraph).status_code == 201


def test_the_quota_is_per_paper(full, group, owner, member):
    from tests.papers.makers import make_paper

    other = make_paper(group, user=owner, title="Another")
    assert _post(member, other.paragraphs.first()).status_code == 201


def test_a_hypothesis_import_past_the_quota_is_refused_whole(settings, paper, member):
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 3  # the file anchors 4
    before = _counts()
    with pytest.raises(TooManyAnnotations, match=PER_PAPER) as refused:
        import_file(user=member, group=paper.group, data=HYPOTHESIS.read_bytes(), paper=paper.pk)
    # The import's one error for a file refused whole, whoever runs it.
    assert isinstance(refused.value, ImportRefused)
    assert _counts() == before
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 4
    import_file(user=member, group=paper.group, data=HYPOTHESIS.read_bytes(), paper=paper.pk)
    assert Annotation.objects.filter(paper=paper).count() == 4


def test_a_hypothesis_import_counts_what_the_paper_holds(settings, paper, paragraph, member):
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 4
    make_annotation(member, paragraph, "claim")
    answer = signed_in(member).post(
        "/api/v1/imports/",
        {"group": paper.group.slug, "paper": paper.pk,
         "file": SimpleUploadedFile("h.json", HYPOTHESIS.read_bytes())},
    )  # fmt: skip
    assert answer.status_code == 400 and PER_PAPER in answer.json()["detail"]
    assert Annotation.objects.filter(paper=paper).count() == 1


def test_a_native_paper_with_more_than_the_quota_is_refused(settings, paper, paragraph, member):
    for role in ("claim", "evidence", "theory"):
        make_annotation(member, paragraph, role)
    data = "".join(get_format("json").paper(paper, user=None))
    settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = 2
    before = _counts()
    with pytest.raises(TooManyAnnotations, match=r"at most 2 .*this would add 3"):
        import_file(user=member, group=paper.group, data=data)
    assert _counts() == before


def _native_file(paper, paragraph, member, annotations: int, comments: int) -> bytes:
    made = [make_annotation(member, paragraph, "claim") for _ in range(annotations)]
    for _ in range(comments):
        make_comment(member, annotation=made[0], body="Yes.")
    return "".join(get_format("json").paper(paper, user=None)).encode()


def test_an_import_of_more_items_than_allowed_is_413_naming_the_limit(
    settings, paper, paragraph, member
):
    data = _native_file(paper, paragraph, member, annotations=2, comments=2)
    settings.MARGINALIA_MAX_IMPORT_ITEMS = 3  # annotations and comments: 4
    before = _counts()
    with pytest.raises(
        UploadTooLarge, match=rf"4 annotations and comments.*at most 3 .*{PER_IMPORT}"
    ):
        import_file(user=member, group=paper.group, data=data)
    answer = signed_in(member).post(
        "/api/v1/imports/",
        {"group": paper.group.slug, "file": SimpleUploadedFile("e.json", data)},
    )
    assert answer.status_code == 413 and PER_IMPORT in answer.json()["detail"]
    page = page_client(member).post(
        f"/groups/{paper.group.slug}/import/", {"file": SimpleUploadedFile("e.json", data)}
    )
    assert page.status_code == 413 and PER_IMPORT in page.content.decode()
    assert _counts() == before
    settings.MARGINALIA_MAX_IMPORT_ITEMS = 4
    assert import_file(user=member, group=paper.group, data=data).annotations == 2


def test_a_hypothesis_file_of_more_rows_than_allowed_is_413(settings, paper, member):
    rows = json.loads(HYPOTHESIS.read_bytes())
    settings.MARGINALIA_MAX_IMPORT_ITEMS = len(rows["rows"]) - 1
    before = _counts()
    with pytest.raises(UploadTooLarge, match=PER_IMPORT):
        import_file(user=member, group=paper.group, data=rows, paper=paper.pk)
    assert _counts() == before


def test_the_defaults():
    from config import settings as config

    assert config.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER == 20000
    assert config.MARGINALIA_MAX_IMPORT_ITEMS == 10000
