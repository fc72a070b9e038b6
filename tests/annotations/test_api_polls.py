"""Live-update polls: a `since` list of one paper carries an ETag, and asked again with it answers
304 from one query while nothing the caller would be shown has changed (annotations/polls.py,
annotations.feed.feed_state). Per caller: anonymous on a public paper, outsiders (404, never
304), members, moderators, the author of a hidden post; changes the caller may not see leave
the poll at 304."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import polls
from annotations.moderation import services as moderation
from annotations.services import annotation_delete, annotation_update, comment_delete
from tests.conftest import join, make_user, signed_in

from .conftest import make_annotation, make_comment, premoderated

ANNOTATIONS = "/api/v1/annotations/"
COMMENTS = "/api/v1/comments/"


@pytest.fixture(autouse=True)
def _forget_tags():
    """Each test starts as a fresh process would, with no tag remembered."""
    polls.forget()


@pytest.fixture
def other_member(group):
    user = make_user("zoe")
    join(group, user)
    return user


@pytest.fixture
def since():
    return (timezone.now() - timedelta(minutes=1)).isoformat()


def poll(client, paper, since, tag=None, url=ANNOTATIONS):
    headers = {"HTTP_IF_NONE_MATCH": tag} if tag else {}
    return client.get(url, {"paper": paper.pk, "since": since}, **headers)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize("url", [ANNOTATIONS, COMMENTS])
def test_a_repeated_poll_answers_304_until_something_changes(member, owner, paragraph, since, url):
    client = signed_in(member)
    first = poll(client, paragraph.paper, since, url=url)
    assert first.status_code == 200 and first.json()["results"] == []
    tag = first.headers["ETag"]
    again = poll(client, paragraph.paper, since, tag, url=url)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag

    item = make_annotation(owner, paragraph)
    if url == COMMENTS:
        item = make_comment(owner, annotation=item)
    changed = poll(client, paragraph.paper, since, tag, url=url)
    assert changed.status_code == 200 and ids(changed) == [item.pk]
    assert changed.headers["ETag"] != tag
    assert poll(client, paragraph.paper, since, changed.headers["ETag"], url=url).status_code == 304


def test_edits_moderation_and_deletions_change_the_tag(member, owner, moderator, paragraph, since):
    client = signed_in(member)
    annotation = make_annotation(owner, paragraph, note="first")
    comment = make_comment(owner, paragraph=paragraph)
    tags = {
        url: poll(client, paragraph.paper, since, url=url).headers["ETag"]
        for url in (ANNOTATIONS, COMMENTS)
    }

    def changed(url) -> list[dict]:
        response = poll(client, paragraph.paper, since, tags[url], url=url)
        assert response.status_code == 200, url
        tags[url] = response.headers["ETag"]
        return response.json()["results"]

    annotation_update(annotation=annotation, user=owner, note="second")
    assert [a["version"] for a in changed(ANNOTATIONS)] == [2]
    moderation.moderate(actor=moderator, target=annotation, action="hide")
    assert [a["status"] for a in changed(ANNOTATIONS)] == ["removed"]
    moderation.moderate(actor=moderator, target=annotation, action="unhide")
    assert [a["status"] for a in changed(ANNOTATIONS)] == ["visible"]
    annotation_delete(annotation=annotation, user=owner)
    assert [a["status"] for a in changed(ANNOTATIONS)] == ["deleted"]
    comment_delete(comment=comment, user=owner)
    assert [c["status"] for c in changed(COMMENTS)] == ["deleted"]


def test_changes_the_caller_may_not_see_leave_it_at_304(member, other_member, paragraph, since):
    """Someone's private annotation (made, edited, deleted) and a post waiting for approval are
    not in the member's list: their poll stays 304, so it tells nothing about them."""
    other, group = other_member, paragraph.paper.group
    client = signed_in(member)
    tags = {
        url: poll(client, paragraph.paper, since, url=url).headers["ETag"]
        for url in (ANNOTATIONS, COMMENTS)
    }
    private = make_annotation(other, paragraph, visibility="private")
    annotation_update(annotation=private, user=other, note="still mine")
    make_comment(other, annotation=private)
    # (Deleting it would move that comment to the paragraph, for everyone: a change they see.)
    annotation_delete(
        annotation=make_annotation(other, paragraph, visibility="private"), user=other
    )
    premoderated(group, lambda: make_annotation(other, paragraph))
    premoderated(group, lambda: make_comment(other, paragraph=paragraph))
    for url, tag in tags.items():
        r = poll(client, paragraph.paper, since, tag, url=url)
        assert r.status_code == 304, (url, r.content)


def test_the_author_of_a_hidden_post_sees_its_status_change(member, moderator, paragraph, since):
    annotation = make_annotation(member, paragraph)
    client = signed_in(member)
    tag = poll(client, paragraph.paper, since).headers["ETag"]
    moderation.moderate(actor=moderator, target=annotation, action="hide")
    response = poll(client, paragraph.paper, since, tag)
    assert response.status_code == 200
    assert [a["status"] for a in response.json()["results"]] == ["hidden"]
    assert poll(client, paragraph.paper, since, response.headers["ETag"]).status_code == 304


def test_a_moderator_sees_a_pending_post_arrive(moderator, owner, group, paragraph, since):
    client = signed_in(moderator)
    tag = poll(client, paragraph.paper, since).headers["ETag"]
    held = premoderated(group, lambda: make_annotation(owner, paragraph))
    response = poll(client, paragraph.paper, since, tag)
    assert response.status_code == 200 and ids(response) == [held.pk]


def test_anonymous_polls_a_public_paper(public_paper, owner, since):
    paragraph = public_paper.paragraphs.first()
    client = APIClient()
    first = poll(client, public_paper, since)
    assert first.status_code == 200
    assert poll(client, public_paper, since, first.headers["ETag"]).status_code == 304
    make_annotation(owner, paragraph, visibility="private")
    assert poll(client, public_paper, since, first.headers["ETag"]).status_code == 304
    shared = make_annotation(owner, paragraph)
    changed = poll(client, public_paper, since, first.headers["ETag"])
    assert changed.status_code == 200 and ids(changed) == [shared.pk]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
@pytest.mark.parametrize("url", [ANNOTATIONS, COMMENTS])
def test_a_private_paper_answers_404_never_304(request, paper, member, since, who, url):
    """With or without a tag (even one a member was given): the paper is not theirs to see."""
    user = request.getfixturevalue(who) if who != "anonymous" else None
    client = signed_in(user) if user else APIClient()
    tag = poll(signed_in(member), paper, since, url=url).headers["ETag"]
    assert poll(client, paper, since, url=url).status_code == 404
    assert poll(client, paper, since, tag, url=url).status_code == 404
    missing = client.get(url, {"paper": 999999, "since": since})
    assert missing.status_code == 404


def test_a_tag_is_for_one_reader_and_one_query(member, moderator, owner, group, paragraph, since):
    tag = poll(signed_in(member), paragraph.paper, since).headers["ETag"]
    assert poll(signed_in(moderator), paragraph.paper, since, tag).status_code == 200
    later = (timezone.now() - timedelta(seconds=30)).isoformat()
    assert poll(signed_in(member), paragraph.paper, later, tag).status_code == 200
    filtered = signed_in(member).get(
        ANNOTATIONS,
        {"paper": paragraph.paper.pk, "since": since, "role": "claim"},
        HTTP_IF_NONE_MATCH=tag,
    )
    assert filtered.status_code == 200


@pytest.mark.parametrize("header", ['W/"nonsense"', "garbage", '"", ,', "*"])
def test_a_tag_that_does_not_match_answers_the_list(member, owner, paragraph, since, header):
    make_annotation(owner, paragraph)
    response = poll(signed_in(member), paragraph.paper, since, header)
    assert response.status_code == 200 and len(ids(response)) == 1


def test_lists_without_a_paper_or_since_carry_no_tag(member, paragraph, since):
    client = signed_in(member)
    assert "ETag" not in client.get(ANNOTATIONS, {"paper": paragraph.paper.pk}).headers
    assert "ETag" not in client.get(ANNOTATIONS, {"since": since}).headers


@pytest.mark.parametrize("url", [ANNOTATIONS, COMMENTS])
def test_a_304_poll_is_one_query_after_the_token(
    member, owner, paragraph, since, url, django_assert_num_queries
):
    """The token with its user, then the check: whether the caller sees the paper and the totals
    of what the list would hold, in one query on the (paper, updated) index."""
    for i in range(5):
        annotation = make_annotation(owner, paragraph, note=f"n{i}")
        make_comment(owner, annotation=annotation)
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "amina", "password": "pass-1234-word"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    tag = poll(client, paragraph.paper, since, url=url).headers["ETag"]
    with django_assert_num_queries(2):
        assert poll(client, paragraph.paper, since, tag, url=url).status_code == 304
    # A process that has not seen this mark yet works the tag out once (from the list's rows).
    polls.forget()
    with django_assert_num_queries(3):
        assert poll(client, paragraph.paper, since, tag, url=url).status_code == 304
    with django_assert_num_queries(2):
        assert poll(client, paragraph.paper, since, tag, url=url).status_code == 304
    # Something changed: the mark, then the list (one query, as without a tag), whose rows give
    # the new tag.
    if url == ANNOTATIONS:
        make_annotation(owner, paragraph)
    else:
        make_comment(owner, paragraph=paragraph)
    with django_assert_num_queries(3):
        assert poll(client, paragraph.paper, since, tag, url=url).status_code == 200


def test_a_comment_whose_annotation_is_hidden_changes_the_comments_tag(
    member, owner, moderator, paragraph, since
):
    annotation = make_annotation(owner, paragraph)
    comment = make_comment(owner, annotation=annotation)
    client = signed_in(member)
    tag = poll(client, paragraph.paper, since, url=COMMENTS).headers["ETag"]
    moderation.moderate(actor=moderator, target=annotation, action="hide")
    response = poll(client, paragraph.paper, since, tag, url=COMMENTS)
    assert response.status_code == 200
    assert [(c["id"], c["status"]) for c in response.json()["results"]] == [(comment.pk, "removed")]


def test_a_member_made_moderator_is_answered_anew(member, other_member, group, paragraph, since):
    held = premoderated(group, lambda: make_annotation(other_member, paragraph))
    client = signed_in(member)
    tag = poll(client, paragraph.paper, since).headers["ETag"]
    group.memberships.filter(user=member).update(role="moderator")
    response = poll(client, paragraph.paper, since, tag)
    assert response.status_code == 200 and ids(response) == [held.pk]


def test_a_member_who_leaves_a_private_group_gets_404(member, paragraph, since, group):
    client = signed_in(member)
    tag = poll(client, paragraph.paper, since).headers["ETag"]
    group.memberships.filter(user=member).delete()
    assert poll(client, paragraph.paper, since, tag).status_code == 404
    join(group, member)
    assert poll(client, paragraph.paper, since, tag).status_code == 304


@pytest.mark.parametrize("url", [ANNOTATIONS, COMMENTS])
def test_the_rows_summary_is_the_exact_one(member, owner, moderator, paragraph, since, url):
    """A tag worked out from a one-page list's rows is the one the exact query gives (a list of
    several pages takes the query): items whole and tombstones alike."""
    for i in range(3):
        annotation = make_annotation(owner, paragraph, note=f"n{i}")
        comment = make_comment(owner, annotation=annotation)
        if i == 1:
            moderation.moderate(actor=moderator, target=annotation, action="hide")
            moderation.moderate(actor=moderator, target=comment, action="hide")
    client = signed_in(member)
    whole = poll(client, paragraph.paper, since, url=url)
    assert "removed" in [item["status"] for item in whole.json()["results"]]
    polls.forget()
    paged = client.get(url, {"paper": paragraph.paper.pk, "since": since, "page_size": 2})
    assert paged.json()["next"]
    assert poll(client, paragraph.paper, since, whole.headers["ETag"], url=url).status_code == 304
    polls.forget()
    again = {"paper": paragraph.paper.pk, "since": since, "page_size": 2}
    tagged = client.get(url, again, HTTP_IF_NONE_MATCH=paged.headers["ETag"])
    assert tagged.status_code == 304


def test_a_new_annotation_leaves_the_comments_poll_at_one_query(
    member, owner, paragraph, since, django_assert_num_queries
):
    """It changes nothing of what is seen of any comment: the comments' mark stays."""
    make_comment(owner, annotation=make_annotation(owner, paragraph))
    client = signed_in(member)
    tag = poll(client, paragraph.paper, since, url=COMMENTS).headers["ETag"]
    make_annotation(owner, paragraph)
    with django_assert_num_queries(1):
        assert poll(client, paragraph.paper, since, tag, url=COMMENTS).status_code == 304
