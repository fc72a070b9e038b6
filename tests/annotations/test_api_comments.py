"""The comments API: comments/ and comments/{id}/ (threads, tombstones, filters, If-Match).
Statuses for every caller are in test_permission_matrix.py."""

import pytest
from django.utils import timezone

from annotations.models import Comment
from annotations.services import annotation_delete, comment_delete
from tests.conftest import signed_in

from .conftest import CAN_AUTHOR, make_annotation, make_comment

COMMENTS = "/api/v1/comments/"
KEYS = {
    "id",
    "paper",
    "paragraph",
    "anchor",
    "annotation",
    "parent",
    "body",
    "body_html",
    "author",
    "status",
    "created",
    "updated",
    "version",
    "edited",
    "can",
    "attribution",
}


def detail(comment) -> str:
    return f"{COMMENTS}{comment.pk}/"


def test_a_member_comments_on_a_paragraph(member, paragraph, paper):
    response = signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": "Is *this* right?"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == KEYS
    assert body["can"] == CAN_AUTHOR | {"reply": True}
    assert (body["paper"], body["paragraph"], body["anchor"], body["annotation"]) == (
        paper.pk,
        paragraph.pk,
        paragraph.anchor,
        None,
    )
    assert body["body_html"] == "<p>Is <em>this</em> right?</p>"
    assert (body["author"], body["status"], body["version"]) == ("amina", "visible", 1)
    assert response["ETag"] == 'W/"1"'


def test_a_comment_on_an_annotation_names_its_paragraph(member, moderator, paragraph):
    annotation = make_annotation(member, paragraph)
    response = signed_in(moderator).post(
        COMMENTS, {"annotation": annotation.pk, "body": "Source?"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["annotation"], response.json()["paragraph"]) == (
        annotation.pk,
        paragraph.pk,
    )


def test_a_reply_takes_its_parents_place(member, moderator, paragraph):
    annotation = make_annotation(member, paragraph)
    top = make_comment(member, annotation=annotation)
    response = signed_in(moderator).post(
        COMMENTS, {"parent": top.pk, "body": "Agreed."}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["parent"], body["annotation"], body["paragraph"]) == (
        top.pk,
        annotation.pk,
        paragraph.pk,
    )


@pytest.mark.parametrize(
    "data, field",
    [
        ({"body": "x"}, "non_field_errors"),
        ({"paragraph": 999999, "body": "x"}, "paragraph"),
        ({"annotation": 999999, "body": "x"}, "annotation"),
        ({"parent": 999999, "body": "x"}, "parent"),
        ({"paragraph": "{paragraph}", "body": ""}, "body"),
        ({"paragraph": "{paragraph}", "body": "   "}, "body"),
        ({"paragraph": "{paragraph}", "body": "x" * 20_001}, "body"),
    ],
)
def test_bad_input_is_400_with_the_field(member, paragraph, data, field):
    data = {k: paragraph.pk if v == "{paragraph}" else v for k, v in data.items()}
    response = signed_in(member).post(COMMENTS, data, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_a_reply_on_another_paragraph_is_refused(member, paragraph, paper):
    top = make_comment(member, paragraph=paragraph)
    other = paper.paragraphs.exclude(pk=paragraph.pk).first()
    response = signed_in(member).post(
        COMMENTS, {"parent": top.pk, "paragraph": other.pk, "body": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_deleting_leaves_a_tombstone_in_the_thread(member, moderator, paragraph):
    top = make_comment(member, paragraph=paragraph, body="Hasty words")
    make_comment(moderator, parent=top, body="A reply")
    client = signed_in(member)
    assert client.delete(detail(top)).status_code == 204
    listed = client.get(COMMENTS).json()["results"]
    assert [(c["body"], c["status"], c["author"], c["parent"]) for c in listed] == [
        ("", "deleted", None, None),
        ("A reply", "visible", "mo", top.pk),
    ]
    assert client.get(detail(top)).json()["status"] == "deleted"
    # Deleting again changes nothing; changing a tombstone is refused; replying to it too.
    assert client.delete(detail(top)).status_code == 204
    assert client.patch(detail(top), {"body": "back"}, format="json").status_code == 409
    reply = client.post(COMMENTS, {"parent": top.pk, "body": "x"}, format="json")
    assert reply.status_code == 400 and "parent" in reply.json()


def test_comments_on_a_private_annotation_go_with_it(member, moderator, paragraph):
    shared = make_annotation(member, paragraph)
    private = make_annotation(member, paragraph, visibility="private")
    make_comment(member, annotation=shared, body="on shared")
    make_comment(member, annotation=private, body="on private")
    assert len(signed_in(member).get(COMMENTS).json()["results"]) == 2
    assert [c["body"] for c in signed_in(moderator).get(COMMENTS).json()["results"]] == [
        "on shared"
    ]


def test_a_deleted_annotations_discussion_moves_to_its_paragraph(member, moderator, paragraph):
    """The author may take their annotation away, not the others' replies to it: the thread
    stays, on the paragraph, and comes through `since` as a change."""
    shared = make_annotation(member, paragraph)
    top = make_comment(moderator, annotation=shared, body="Why?")
    reply = make_comment(member, parent=top, body="Because.")
    before = signed_in(moderator).get(COMMENTS).json()["results"][-1]["updated"]
    annotation_delete(annotation=shared, user=member)
    results = signed_in(moderator).get(COMMENTS).json()["results"]
    assert [(c["id"], c["annotation"], c["paragraph"], c["parent"]) for c in results] == [
        (top.pk, None, paragraph.pk, None),
        (reply.pk, None, paragraph.pk, top.pk),
    ]
    changed = signed_in(moderator).get(COMMENTS, {"since": before}).json()["results"]
    assert {c["id"] for c in changed} == {top.pk, reply.pk}


def test_two_patches_from_one_version_give_one_200_and_one_412(member, paragraph):
    comment = make_comment(member, paragraph=paragraph)
    client = signed_in(member)
    one = client.patch(detail(comment), {"body": "one"}, format="json", HTTP_IF_MATCH='W/"1"')
    two = client.patch(detail(comment), {"body": "two"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert (one.status_code, two.status_code) == (200, 412)
    comment.refresh_from_db()
    assert (comment.body, comment.version) == ("one", 2)
    stale_delete = client.delete(detail(comment), HTTP_IF_MATCH='W/"1"')
    assert stale_delete.status_code == 412
    assert Comment.objects.get(pk=comment.pk).status == "visible"


def test_only_the_author_changes_a_comment(member, moderator, owner, paragraph):
    comment = make_comment(member, paragraph=paragraph)
    for user in (moderator, owner):
        client = signed_in(user)
        assert client.patch(detail(comment), {"body": "x"}, format="json").status_code == 403
        assert client.delete(detail(comment)).status_code == 403


def test_the_filters_and_the_order(member, moderator, paragraph, paper, public_paper):
    annotation = make_annotation(member, paragraph)
    first = make_comment(member, paragraph=paragraph)
    second = make_comment(moderator, annotation=annotation)
    reply = make_comment(member, parent=second)
    elsewhere = make_comment(member, paragraph=public_paper.paragraphs.first())
    client = signed_in(member)

    def ids(**params):
        response = client.get(COMMENTS, params)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids() == [first.pk, second.pk, reply.pk, elsewhere.pk]  # oldest first
    assert ids(paper=paper.pk) == [first.pk, second.pk, reply.pk]
    assert ids(paragraph=paragraph.pk) == [first.pk, second.pk, reply.pk]
    assert ids(annotation=annotation.pk) == [second.pk, reply.pk]
    assert ids(parent=second.pk) == [reply.pk]
    assert ids(author="mo") == [second.pk]
    assert ids(group="open-seminar") == [elsewhere.pk]
    assert ids(status="deleted") == []
    before = timezone.now()
    comment_delete(comment=first, user=member)
    assert ids(since=before.isoformat()) == [first.pk]
    assert client.get(COMMENTS, {"since": "soon"}).status_code == 400
