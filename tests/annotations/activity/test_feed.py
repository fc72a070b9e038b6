"""The group's activity (annotations/activity/feed.py): the items and their order, each kind's
line, what each reader sees (hidden, pending, private, deleted; blind mode), the cap."""

import pytest

from annotations.activity import feed
from annotations.activity.feed import excerpt, group_activity
from annotations.models import Annotation, Comment
from annotations.services import annotation_create, annotation_delete, comment_delete
from papers.models import Membership
from papers.permissions import remember_membership
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

from .conftest import body, newest_first


def read(user, group) -> list:
    remember_membership(user, group)
    return group_activity(user, group)[0:100]


def keys(items) -> list[tuple[str, int]]:
    return [(item.kind, item.id) for item in items]


def test_it_lists_papers_annotations_and_comments_newest_first(story, group, member):
    assert keys(read(member, group)) == newest_first(story)


def test_each_kind_says_who_did_what_where(story, group, member):
    items = {(i.kind, i.id): i for i in read(member, group)}
    paper = items[("paper", story["paper"].pk)]
    assert (paper.actor, paper.action, paper.anchor) == ("olive", "added the paper", "")
    assert paper.url == f"/papers/{story['paper'].pk}/"
    evidence = items[("annotation", story["evidence"].pk)]
    p0 = story["evidence"].paragraph
    assert (evidence.actor, evidence.action) == ("amina", "tagged a paragraph of")
    assert (evidence.role, evidence.role_name, evidence.paper_title) == (
        "evidence",
        "Evidence",
        "On Reading Together",
    )
    assert evidence.url == f"/papers/{story['paper'].pk}/?panel=1#{p0.anchor}"
    assert evidence.excerpt == "The sample is small & <odd>."  # plain text: escaped on output
    assert items[("annotation", story["claim"].pk)].action == "tagged a passage of"
    thread = items[("comment", story["thread"].pk)]
    assert thread.action == f"started a thread on ¶ {p0.position} of"
    assert thread.paragraph == p0.pk and thread.excerpt == "Is it, though?"
    reply = items[("comment", story["reply"].pk)]
    assert reply.action == f"replied in a thread on ¶ {p0.position} of"
    assert reply.excerpt == "Yes: see ¶ 2."
    on_claim = items[("comment", story["on_claim"].pk)]
    assert on_claim.action.startswith("commented on a tag on ¶")


def test_only_the_groups_activity(story, group, member):
    elsewhere = make_group("Elsewhere")
    Membership.objects.create(group=elsewhere, user=member, role="member")
    other = make_paper(elsewhere, title="Elsewhere", user=member)
    annotation_create(user=member, paragraph=body(other, 0), role_slug="claim")
    assert keys(read(member, group)) == newest_first(story)


def test_excerpts_are_plain_short_and_never_cut_inside_a_tag():
    assert excerpt("<p>One <em>two</em>\n three &amp; four</p>") == "One two three & four"
    assert len(excerpt("<p>" + "word " * 100 + "</p>")) == feed.EXCERPT_CHARS
    assert excerpt("<p>cut here</p><a hre") == "cut here"


# What each reader sees


@pytest.fixture
def held(story, owner, member, moderator):
    """Amina's evidence hidden by a moderator, her reply pending, olive's claim private."""
    Annotation.objects.filter(pk=story["evidence"].pk).update(status="hidden")
    Comment.objects.filter(pk=story["reply"].pk).update(status="pending")
    Annotation.objects.filter(pk=story["claim"].pk).update(visibility="private")
    return story


def test_hidden_and_pending_posts_for_their_author_and_the_moderators(held, group, member):
    mine = {(i.kind, i.id): i.held for i in read(member, group)}
    assert mine[("annotation", held["evidence"].pk)] == "Hidden by a moderator"
    assert mine[("comment", held["reply"].pk)] == "Waiting for a moderator"


@pytest.mark.parametrize("who", ["moderator", "owner"])
def test_moderators_see_held_posts(request, held, group, who):
    seen = keys(read(request.getfixturevalue(who), group))
    assert ("annotation", held["evidence"].pk) in seen and ("comment", held["reply"].pk) in seen


def test_others_see_no_held_post_and_no_private_annotation(held, group):
    ravi = make_user("ravi")  # a plain member who wrote none of it
    join(group, ravi)
    seen = keys(read(ravi, group))
    assert ("annotation", held["evidence"].pk) not in seen
    assert ("comment", held["reply"].pk) not in seen
    # Olive's claim is private: the comment on it goes with it.
    assert ("annotation", held["claim"].pk) not in seen
    assert ("comment", held["on_claim"].pk) not in seen
    assert ("comment", held["thread"].pk) in seen


def test_a_private_annotation_for_its_author_only(held, group, owner, moderator):
    assert ("annotation", held["claim"].pk) in keys(read(owner, group))
    assert ("annotation", held["claim"].pk) not in keys(read(moderator, group))


def test_deleted_posts_are_never_listed(story, group, owner, member):
    annotation_delete(annotation=story["evidence"], user=member)
    comment_delete(comment=story["thread"], user=owner)
    for user in (owner, member):
        seen = keys(read(user, group))
        assert ("annotation", story["evidence"].pk) not in seen
        assert ("comment", story["thread"].pk) not in seen
        assert ("comment", story["reply"].pk) in seen  # the reply stays


def test_anonymous_readers_of_a_public_group(public_group, owner, member):
    Membership.objects.create(group=public_group, user=owner, role="owner")
    Membership.objects.create(group=public_group, user=member, role="member")
    paper = make_paper(public_group, user=owner)
    tag = annotation_create(user=member, paragraph=body(paper, 0), role_slug="claim")
    assert keys(read(None, public_group)) == [("annotation", tag.pk), ("paper", paper.pk)]


def test_importing_and_failed_papers_are_not_activity(group, owner):
    make_paper(group, title="Still importing", status="importing", user=owner)
    make_paper(group, title="Broken", status="failed", user=owner)
    assert read(owner, group) == []


# Blind mode


def test_a_blind_reader_does_not_learn_the_others_roles_on_untagged_paragraphs(
    story, group, owner, member
):
    Membership.objects.filter(group=group, user=member).update(blind=True)
    items = {(i.kind, i.id): i for i in read(member, group)}
    # Olive's claim on paragraph 1, which amina has not tagged: the line, without the role.
    claim = items[("annotation", story["claim"].pk)]
    assert (claim.role, claim.role_name, claim.action) == (None, "", "tagged a passage of")
    # Her own tag keeps its role.
    assert items[("annotation", story["evidence"].pk)].role == "evidence"
    # Once she tags paragraph 1, she learns it.
    annotation_create(user=member, paragraph=story["claim"].paragraph, role_slug="evidence")
    assert {(i.kind, i.id): i for i in read(member, group)}[
        ("annotation", story["claim"].pk)
    ].role == "claim"


def test_blind_mode_is_the_readers_own(story, group, owner, member):
    Membership.objects.filter(group=group, user=member).update(blind=True)
    items = {(i.kind, i.id): i for i in read(owner, group)}
    assert items[("annotation", story["evidence"].pk)].role == "evidence"


# Pages and the cap


def test_slices_read_the_merged_order(story, group, member):
    activity = group_activity(member, group)
    whole = keys(activity[0:100])
    assert keys(activity[0:2]) + keys(activity[2:4]) + keys(activity[4:6]) == whole
    assert activity.count() == len(whole) == 6


def test_only_the_newest_items_up_to_the_cap(story, group, member, monkeypatch):
    monkeypatch.setattr(feed, "MAX_ITEMS", 4)
    activity = group_activity(member, group)
    assert activity.count() == 4
    assert keys(activity[0:100]) == newest_first(story)[:4]
    assert activity[4:8] == []
