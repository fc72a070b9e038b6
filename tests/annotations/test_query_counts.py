"""Query counts of the annotations, comments, links and roles lists, pinned: the same for a few
and for many items. Each test runs at two sizes with one ceiling."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Comment
from annotations.services import comment_create, link_create
from papers.models import Membership
from tests.conftest import join, make_user, signed_in

from .conftest import make_annotation

SIZES = [2, 20]


def crowd(group, paper, size: int) -> None:
    """`size` authors, each with a shared and a private annotation, a comment, a reply and a
    link, spread over the paper's paragraphs, with all three roles."""
    paragraphs = list(paper.paragraphs.all())
    roles = ("claim", "evidence", "theory")
    previous = None
    for i in range(size):
        author = make_user(f"reader{i}")
        join(group, author, Membership.Role.MEMBER)
        paragraph = paragraphs[i % len(paragraphs)]
        annotation = make_annotation(author, paragraph, roles[i % 3], note=f"note {i}")
        make_annotation(author, paragraph, visibility="private")
        top = comment_create(user=author, annotation=annotation, body=f"comment {i}")
        comment_create(user=author, parent=top, body="reply")
        if previous is not None:
            link_create(user=author, source=annotation, target=previous, relation="supports")
        previous = annotation


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["member", "moderator", "anonymous"])
def test_annotations_list(
    request, public_paper, public_group, who, size, django_assert_max_num_queries
):
    crowd(public_group, public_paper, size)
    client = APIClient() if who == "anonymous" else signed_in(request.getfixturevalue(who))
    # the page (roles, authors and anchors joined; visibility as subqueries in it)
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/annotations/", {"paper": public_paper.pk})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_annotations_since(public_paper, public_group, member, size, django_assert_max_num_queries):
    crowd(public_group, public_paper, size)
    with django_assert_max_num_queries(1):
        response = signed_in(member).get("/api/v1/annotations/", {"since": "2000-01-01T00:00:00Z"})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_comments_list(public_paper, public_group, member, size, django_assert_max_num_queries):
    crowd(public_group, public_paper, size)
    # the page (authors and anchors joined)
    with django_assert_max_num_queries(1):
        response = signed_in(member).get("/api/v1/comments/", {"paper": public_paper.pk})
    assert len(response.json()["results"]) == 2 * size


@pytest.mark.parametrize("size", SIZES)
def test_links_list(public_paper, public_group, member, size, django_assert_max_num_queries):
    crowd(public_group, public_paper, size)
    with django_assert_max_num_queries(1):
        response = signed_in(member).get("/api/v1/links/", {"paper": public_paper.pk})
    assert len(response.json()["results"]) == size - 1


@pytest.mark.parametrize("size", SIZES)
def test_roles_list(group, owner, member, size, django_assert_max_num_queries):
    client = signed_in(owner)
    for i in range(size):
        client.post(
            "/api/v1/groups/seminar/roles/",
            {
                "name": f"Role {i}",
                "color": "#123456",
                "key": chr(ord("0") + i % 10) if i < 10 else chr(ord("A") + i),
            },
            format="json",
        )
    # the group, whether it has roles yet, the count, the page
    with django_assert_max_num_queries(4):
        response = signed_in(member).get("/api/v1/groups/seminar/roles/")
    assert response.json()["count"] == size + 3


@pytest.mark.parametrize("size", SIZES)
def test_annotation_create(public_paper, public_group, member, size, django_assert_max_num_queries):
    crowd(public_group, public_paper, size)
    paragraph = public_paper.paragraphs.get(text__contains="reader 0")
    client = signed_in(member)
    # the paragraph (with paper and group), the membership, the paper's room under its quota
    # (one probe), the role, the insert (and its savepoint or transaction, two queries), its
    # search entry
    with django_assert_max_num_queries(8):
        response = client.post(
            "/api/v1/annotations/",
            {"paragraph": paragraph.pk, "role": "evidence", "quote": {"exact": "readers disagree"}},
            format="json",
        )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("on", ["paragraph", "annotation", "parent"])
def test_comment_create(
    public_paper, public_group, member, on, size, django_assert_max_num_queries
):
    crowd(public_group, public_paper, size)
    top = Comment.objects.filter(paper=public_paper, parent=None).first()
    named = {"paragraph": top.paragraph_id, "annotation": top.annotation_id, "parent": top.pk}
    # what it names (with its paper and group), the membership (asked once: for the service and
    # the answer's `can`), for an annotation whether the caller sees it, the insert and its
    # savepoint or transaction (two queries), its search entry; the notifications: who took
    # part in the thread or follows the paragraph, which of them are members, their mail
    # choices, the insert
    with django_assert_max_num_queries(11):
        response = signed_in(member).post(
            "/api/v1/comments/", {on: named[on], "body": "A thought."}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["can"]["edit"] is True
