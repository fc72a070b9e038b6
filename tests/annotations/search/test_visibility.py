"""Search finds only what the caller may see: `visible_to` of each kind, at query time.

Decision (docs/search.md): held posts are found by those who see them elsewhere, their author
and the group's owners and moderators, with their `status` (the page marks them); by nobody
else. Deleted posts are found by nobody."""

import pytest

from annotations.models import Annotation
from annotations.moderation.services import moderate
from annotations.services import annotation_delete, annotation_update, comment_delete
from tests.annotations.conftest import make_annotation, make_comment, premoderated
from tests.conftest import join, make_user

from .conftest import api_for, find

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "outsider", "member", "moderator", "owner", "banned"]


def _users(request):
    return {
        name: None if name == "anonymous" else request.getfixturevalue(name) for name in CALLERS
    }


@pytest.mark.parametrize("caller", CALLERS)
def test_a_private_groups_content_only_for_its_members(scene, request, caller):
    user = _users(request)[caller]
    public = ("paragraph", scene["public"].paragraphs.get().pk)
    hits = find(user, "entropy")
    assert public in hits
    private_found = any(hit != public for hit in hits)
    assert private_found is (caller in {"member", "moderator", "owner"})
    assert bool(find(user, "perception")) is (caller in {"member", "moderator", "owner"})


def test_a_private_annotation_only_for_its_author(scene, member, owner):
    paragraph = scene["paragraphs"][0]
    mine = make_annotation(
        member, paragraph, note="Secretive musing", visibility=Annotation.Visibility.PRIVATE
    )
    assert find(member, "secretive") == [("annotation", mine.pk)]
    assert find(owner, "secretive") == []


@pytest.fixture
def other(group):
    user = make_user("ottilie")
    join(group, user)
    return user


def test_a_post_hidden_later_drops_out_at_once(scene, member, moderator, other):
    annotation, comment = scene["annotation"], scene["comment"]
    found = {("annotation", annotation.pk), ("comment", comment.pk)}
    assert (
        set(find(other, "perception", kind="annotation"))
        | set(find(other, "perception", kind="comment"))
        == found
    )
    moderate(actor=moderator, target=annotation, action="hide", reason="off topic")
    # The annotation, and the comment with it (a comment is seen only with its annotation).
    assert find(other, "perception", kind="annotation") == []
    assert find(other, "perception", kind="comment") == []
    # Its author and the moderators still find it, marked hidden.
    for seer in (member, moderator):
        response = api_for(seer).get("/api/v1/search/", {"q": "perception", "kind": "annotation"})
        (hit,) = response.json()["results"]
        assert (hit["id"], hit["status"]) == (annotation.pk, "hidden")


def test_a_pending_post_for_its_author_and_moderators_only(scene, group, member, moderator, other):
    paragraph = scene["paragraphs"][0]
    held = premoderated(group, lambda: make_comment(member, paragraph=paragraph, body="Quokka"))
    assert find(other, "quokka") == []
    for seer in (member, moderator):
        response = api_for(seer).get("/api/v1/search/", {"q": "quokka"})
        assert [(h["id"], h["status"]) for h in response.json()["results"]] == [
            (held.pk, "pending")
        ]


def test_deleted_posts_are_found_by_nobody(scene, member, moderator):
    annotation, comment = scene["annotation"], scene["comment"]
    comment_delete(comment=comment, user=member)
    assert find(member, "doubt") == [] and find(moderator, "doubt") == []
    annotation_delete(annotation=annotation, user=member)
    assert find(member, "generative") == [] and find(moderator, "generative") == []


def test_an_edit_is_found_by_its_new_words_only(scene, member):
    annotation = scene["annotation"]
    annotation_update(
        annotation=annotation, user=member, note="Bayesian brains", role_slug="evidence"
    )
    assert find(member, "generative") == []
    assert find(member, "bayesian") == [("annotation", annotation.pk)]
    # The comment on it follows its new role.
    assert find(member, "doubt", role="evidence") == [("comment", scene["comment"].pk)]
