"""The moderation API: flags/, moderation/queue/, moderation/actions/ (actions and the audit log),
revisions, `edited`, and the `since` feed's tombstones. Every status of every caller is pinned in
test_permission_matrix.py; here, what the answers hold."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Comment, Flag, Status
from annotations.moderation import services as moderation
from annotations.services import annotation_delete, annotation_update, comment_update
from papers.models import AuditEntry, Membership
from tests.conftest import join, make_group, make_user, signed_in
from tests.papers.makers import make_paper

from .conftest import make_annotation, make_comment

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"
QUEUE = "/api/v1/moderation/queue/"
ACTIONS = "/api/v1/moderation/actions/"


def premoderate(paragraph, value: str) -> None:
    group = paragraph.paper.group
    group.premoderation = value
    group.save(update_fields=["premoderation"])


def act(user, **body):
    return signed_in(user).post(ACTIONS, body, format="json")


# Flags


def test_a_member_flags_a_comment_and_the_author_never_learns_who(
    paragraph, member, moderator, owner
):
    comment = make_comment(owner, paragraph=paragraph, body="Buy pills")
    response = signed_in(member).post(
        FLAGS,
        {"target_type": "comment", "target": comment.pk, "reason": "spam", "note": " ads "},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "target_type", "target", "reason", "note", "created"}
    assert (body["target_type"], body["target"], body["reason"], body["note"]) == (
        "comment",
        comment.pk,
        "spam",
        "ads",
    )
    # The author (an owner here, who moderates) sees the flag in the queue; the item's own
    # answer names no flag and no flagger for anyone (its `can` says what the reader may do:
    # the owner, a moderator, may keep it, i.e. dismiss the flags, as the queue says).
    for user in (owner, member):
        item = signed_in(user).get(f"/api/v1/comments/{comment.pk}/").json()
        can = item.pop("can")
        assert "flag" not in json.dumps(item) and member.username not in json.dumps(item)
        assert member.username not in json.dumps(can)


def test_a_second_flag_ones_own_post_and_a_deleted_one_are_400(paragraph, member, moderator):
    annotation = make_annotation(member, paragraph, note="Mine")
    data = {"target_type": "annotation", "target": annotation.pk, "reason": "off_topic"}
    assert signed_in(moderator).post(FLAGS, data, format="json").status_code == 201
    again = signed_in(moderator).post(FLAGS, data, format="json")
    assert again.status_code == 400 and again.json() == {
        "target": ["You have already flagged this."]
    }
    own = signed_in(member).post(FLAGS, data, format="json")
    assert own.status_code == 400 and "your own" in own.json()["target"][0]
    bad = signed_in(moderator).post(FLAGS, data | {"reason": "rude"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    comment = make_comment(member, paragraph=paragraph)
    comment_data = {"target_type": "comment", "target": comment.pk, "reason": "spam"}
    signed_in(member).delete(f"/api/v1/comments/{comment.pk}/")
    gone = signed_in(moderator).post(FLAGS, comment_data, format="json")
    assert gone.status_code == 400 and "deleted" in gone.json()["target"][0]
    assert Flag.objects.count() == 1


def test_a_flag_on_what_the_caller_cannot_see_is_404(paragraph, member, moderator, outsider):
    private = make_annotation(member, paragraph, visibility="private")
    for user, target in ((moderator, private.pk), (outsider, private.pk), (moderator, 999_999)):
        data = {"target_type": "annotation", "target": target, "reason": "spam"}
        assert signed_in(user).post(FLAGS, data, format="json").status_code == 404


# The queue


def test_the_queue_shows_items_with_context_thread_and_flags(paragraph, member, moderator, owner):
    annotation = make_annotation(member, paragraph, note="A note")
    top = make_comment(owner, annotation=annotation, body="The question")
    reply = make_comment(member, parent=top, body="Rude reply")
    moderation.flag_create(user=owner, target=reply, reason="abuse", note="insulting")
    moderation.flag_create(user=moderator, target=annotation, reason="off_topic")
    response = signed_in(moderator).get(QUEUE)
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"flagged": 2, "pending": 0, "total": 2}
    assert body["limit"] == 200
    first, second = body["results"]
    assert (first["target_type"], first["target"]) == ("annotation", annotation.pk)
    entry = second
    assert (entry["target_type"], entry["target"], entry["status"], entry["group"]) == (
        "comment",
        reply.pk,
        "visible",
        paragraph.paper.group.slug,
    )
    assert entry["paper"] == {"id": paragraph.paper_id, "title": paragraph.paper.title}
    assert entry["paragraph"] == {
        "id": paragraph.pk,
        "anchor": paragraph.anchor,
        "text": paragraph.text,
    }
    assert entry["item"]["body"] == "Rude reply" and entry["item"]["author"] == member.username
    assert entry["thread"] == {
        "annotation": annotation.pk,
        "parent": {"id": top.pk, "author": owner.username, "body": "The question"},
    }
    [flag] = entry["flags"]
    assert (flag["reason"], flag["note"], flag["flagger"]) == ("abuse", "insulting", "olive")
    assert entry["waiting_since"] == flag["created"]
    assert first["thread"] is None and first["item"]["note"] == "A note"


def test_the_queue_filters(paragraph, member, moderator, owner):
    group = paragraph.paper.group
    premoderate(paragraph, "all")
    waiting = make_comment(member, paragraph=paragraph, body="Waiting")
    assert waiting.status == Status.PENDING
    premoderate(paragraph, "off")
    annotation = make_annotation(member, paragraph)
    moderation.flag_create(user=owner, target=annotation, reason="spam")

    def targets(**params):
        response = signed_in(moderator).get(QUEUE, params)
        assert response.status_code == 200, response.json()
        return [(r["target_type"], r["target"]) for r in response.json()["results"]]

    both = [("annotation", annotation.pk), ("comment", waiting.pk)]
    assert sorted(targets()) == both
    assert targets(kind="pending") == [("comment", waiting.pk)]
    assert targets(kind="flagged") == [("annotation", annotation.pk)]
    assert targets(reason="spam") == [("annotation", annotation.pk)]
    assert targets(reason="abuse") == []
    assert targets(target_type="comment") == [("comment", waiting.pk)]
    assert sorted(targets(group=group.slug, paper=paragraph.paper_id)) == both
    assert targets(group="elsewhere") == []
    pending = signed_in(moderator).get(QUEUE, {"kind": "pending"}).json()
    assert pending["counts"] == {"flagged": 0, "pending": 1, "total": 1}
    assert pending["results"][0]["item"]["body"] == "Waiting"
    assert signed_in(moderator).get(QUEUE, {"kind": "later"}).status_code == 400


def test_someone_who_moderates_nothing_gets_an_empty_queue(paragraph, member, owner, outsider):
    comment = make_comment(owner, paragraph=paragraph, body="Flag me")
    moderation.flag_create(user=member, target=comment, reason="spam")
    for user in (member, outsider):
        body = signed_in(user).get(QUEUE).json()
        assert body["results"] == [] and body["counts"] == {"flagged": 0, "pending": 0, "total": 0}
    assert APIClient().get(QUEUE).status_code == 401


def _flagged_crowd(group, paper, size: int) -> None:
    """`size` authors with an annotation and a comment each, both flagged by two members."""
    paragraphs = list(paper.paragraphs.all())
    flaggers = [make_user(f"flagger{i}-{size}") for i in range(2)]
    for flagger in flaggers:
        join(group, flagger)
    for i in range(size):
        author = make_user(f"author{i}-{size}")
        join(group, author)
        annotation = make_annotation(author, paragraphs[i % len(paragraphs)], note=f"n{i}")
        top = make_comment(author, annotation=annotation, body=f"c{i}")
        reply = make_comment(author, parent=top, body=f"r{i}")
        for flagger in flaggers:
            for item in (annotation, reply):
                moderation.flag_create(user=flagger, target=item, reason="spam")
        comment_update(comment=reply, user=author, body=f"r{i} edited")


@pytest.mark.parametrize("size", [2, 12])
def test_the_queue_makes_a_fixed_number_of_queries(
    paper, group, moderator, size, django_assert_max_num_queries
):
    _flagged_crowd(group, paper, size)
    client = signed_in(moderator)
    # Items and their flags (2 per kind), counts (2), revisions for `edited` (2).
    with django_assert_max_num_queries(8):
        response = client.get(QUEUE)
    assert len(response.json()["results"]) == 2 * size
    assert all(len(r["flags"]) == 2 for r in response.json()["results"])
    assert sum(r["item"]["edited"] for r in response.json()["results"]) == size


# Actions


def test_hiding_a_comment_hides_it_from_members_and_is_audited(paragraph, member, moderator):
    comment = make_comment(member, paragraph=paragraph, body="Buy pills")
    other = make_user("zoe")
    join(paragraph.paper.group, other)
    moderation.flag_create(user=other, target=comment, reason="spam")
    response = act(
        moderator, target_type="comment", target=comment.pk, action="hide", reason="spam link"
    )
    assert response.status_code == 201, response.json()
    [entry] = response.json()["entries"]
    assert set(entry) == {
        "id",
        "group",
        "actor",
        "action",
        "target_type",
        "target",
        "subject",
        "summary",
        "reason",
        "created",
    }
    assert (entry["actor"], entry["action"], entry["target"], entry["subject"]) == (
        "mo",
        "hide",
        comment.pk,
        "amina",
    )
    assert (entry["summary"], entry["reason"]) == ("Buy pills", "spam link")
    assert signed_in(other).get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    listed = signed_in(other).get("/api/v1/comments/").json()["results"]
    assert comment.pk not in [c["id"] for c in listed]
    shown = signed_in(moderator).get(f"/api/v1/comments/{comment.pk}/").json()
    assert (shown["status"], shown["body"]) == ("hidden", "Buy pills")
    mine = signed_in(member).get(f"/api/v1/comments/{comment.pk}/").json()
    assert mine["status"] == "hidden"
    assert signed_in(moderator).get(QUEUE).json()["results"] == []
    again = act(moderator, target_type="comment", target=comment.pk, action="hide")
    assert again.status_code == 400 and again.json() == {"action": ["This is already hidden."]}


def test_a_bulk_action_is_all_or_nothing(paragraph, member, moderator):
    first, second, third = (make_comment(member, paragraph=paragraph) for _ in range(3))
    moderation.moderate(actor=moderator, target=second, action="hide")
    refused = act(
        moderator, target_type="comment", target=[first.pk, second.pk, third.pk], action="hide"
    )
    assert refused.status_code == 400
    assert refused.json() == {"detail": f"comment {second.pk}: This is already hidden."}
    assert Comment.objects.filter(status=Status.HIDDEN).count() == 1
    assert AuditEntry.objects.count() == 1
    done = act(moderator, target_type="comment", target=[first.pk, third.pk], action="hide")
    assert done.status_code == 201
    assert [e["target"] for e in done.json()["entries"]] == [first.pk, third.pk]
    assert Comment.objects.filter(status=Status.HIDDEN).count() == 3
    unseen = act(moderator, target_type="comment", target=[first.pk, 999_999], action="unhide")
    assert unseen.status_code == 404
    assert Comment.objects.filter(status=Status.HIDDEN).count() == 3
    for bad in ([], ["x"], [True], "seven", {"id": 1}):
        response = act(moderator, target_type="comment", target=bad, action="unhide")
        assert response.status_code == 400, bad


def test_a_bulk_action_across_groups_needs_the_right_in_each(paragraph, member, moderator, owner):
    elsewhere = make_group("Elsewhere")
    join(elsewhere, member)
    join(elsewhere, owner, Membership.Role.OWNER)
    theirs = make_paper(elsewhere, user=owner).paragraphs.first()
    here = make_comment(member, paragraph=paragraph)
    there = make_comment(member, paragraph=theirs)
    # The moderator of the first group cannot see the other group: 404.
    assert (
        act(moderator, target_type="comment", target=[here.pk, there.pk], action="hide").status_code
        == 404
    )
    join(elsewhere, moderator)  # a plain member there: sees, may not moderate
    response = act(moderator, target_type="comment", target=[here.pk, there.pk], action="hide")
    assert response.status_code == 403
    assert not Comment.objects.filter(status=Status.HIDDEN).exists()


def test_approve_and_reject_pending_items(paragraph, member, moderator, owner):
    premoderate(paragraph, "all")
    good = make_annotation(member, paragraph, note="Fine")
    bad = make_comment(member, paragraph=paragraph, body="Spam")
    assert (good.status, bad.status) == (Status.PENDING, Status.PENDING)
    assert signed_in(owner).get(f"/api/v1/annotations/{good.pk}/").status_code == 200
    outsider_view = signed_in(make_user("zoe")).get(f"/api/v1/annotations/{good.pk}/")
    assert outsider_view.status_code == 404
    assert (
        act(moderator, target_type="annotation", target=good.pk, action="approve").status_code
        == 201
    )
    assert (
        act(
            moderator, target_type="comment", target=bad.pk, action="reject", reason="ads"
        ).status_code
        == 201
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (Status.VISIBLE, Status.HIDDEN)
    refused = act(moderator, target_type="comment", target=bad.pk, action="reject")
    assert refused.status_code == 400
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["approve", "reject"]


def test_bans_by_id_username_and_item_author_with_their_limits(paragraph, member, moderator, owner):
    group = paragraph.paper.group
    comment = make_comment(member, paragraph=paragraph, body="Spam")
    by_item = act(moderator, target_type="comment", target=comment.pk, action="ban", reason="bot")
    assert by_item.status_code == 201, by_item.json()
    [entry] = by_item.json()["entries"]
    assert (entry["target_type"], entry["target"], entry["subject"], entry["reason"]) == (
        "member",
        member.pk,
        "amina",
        "bot",
    )
    assert Membership.objects.get(user=member, group=group).status == "banned"
    twice = act(moderator, target_type="member", target="amina", group=group.slug, action="ban")
    assert twice.status_code == 400 and "already banned" in twice.json()["detail"]
    lifted = act(
        moderator, target_type="member", target=member.pk, group=group.slug, action="unban"
    )
    assert lifted.status_code == 201 and lifted.json()["entries"][0]["action"] == "unban"
    # A moderator bans plain members only; an owner bans moderators too.
    refused = act(moderator, target_type="member", target="olive", group=group.slug, action="ban")
    assert refused.status_code == 403
    done = act(
        owner, target_type="member", target=str(moderator.pk), group=group.slug, action="ban"
    )
    assert done.status_code == 201
    nobody = act(owner, target_type="member", target="nobody", group=group.slug, action="ban")
    assert nobody.status_code == 404
    no_group = act(owner, target_type="member", target="amina", action="ban")
    assert no_group.status_code == 400 and "group" in no_group.json()
    hide_member = act(owner, target_type="member", target="amina", group=group.slug, action="hide")
    assert hide_member.status_code == 400
    bulk = act(owner, target_type="comment", target=[comment.pk], action="ban")
    assert bulk.status_code == 400
    unknown = act(owner, target_type="member", target="amina", group="nowhere", action="ban")
    assert unknown.status_code == 404


def test_the_author_of_a_private_annotation_cannot_moderate_it(paragraph, moderator):
    private = make_annotation(moderator, paragraph, visibility="private")
    response = act(moderator, target_type="annotation", target=private.pk, action="hide")
    assert response.status_code == 403
    assert AuditEntry.objects.count() == 0


# The audit log


def test_the_audit_log_lists_every_action_newest_first_with_filters(
    paragraph, member, moderator, owner, client
):
    group = paragraph.paper.group
    annotation = make_annotation(member, paragraph, note="Off")
    comment = make_comment(member, paragraph=paragraph, body="Spam")
    act(moderator, target_type="annotation", target=annotation.pk, action="hide", reason="one")
    act(owner, target_type="comment", target=comment.pk, action="hide", reason="two")
    # A ban through the members API is audited too, with its reason.
    banned = signed_in(moderator).patch(
        f"/api/v1/groups/{group.slug}/members/amina/",
        {"status": "banned", "reason": "three"},
        format="json",
    )
    assert banned.status_code == 200, banned.json()
    unbanned = signed_in(moderator).patch(
        f"/api/v1/groups/{group.slug}/members/",
        {"user": "amina", "status": "active", "reason": "four"},
        format="json",
    )
    assert unbanned.status_code == 200, unbanned.json()
    # Elsewhere: not the moderator's.
    elsewhere = make_group("Elsewhere")
    join(elsewhere, owner, Membership.Role.OWNER)
    join(elsewhere, member)
    theirs = make_comment(member, paragraph=make_paper(elsewhere, user=owner).paragraphs.first())
    moderation.moderate(actor=owner, target=theirs, action="hide", reason="five")

    def reasons(user=moderator, **params):
        response = signed_in(user).get(ACTIONS, params)
        assert response.status_code == 200, response.json()
        return [e["reason"] for e in response.json()["results"]]

    assert reasons() == ["four", "three", "two", "one"]
    assert reasons(owner) == ["five", "four", "three", "two", "one"]
    assert reasons(owner, group=group.slug) == ["four", "three", "two", "one"]
    assert reasons(action="ban") == ["three"]
    assert reasons(target_type="member") == ["four", "three"]
    assert reasons(actor="olive") == ["two"]
    assert reasons(target=annotation.pk, target_type="annotation") == ["one"]
    later = AuditEntry.objects.get(reason="two").created
    assert reasons(since=(later - timedelta(microseconds=1)).isoformat()) == [
        "four",
        "three",
        "two",
    ]
    assert reasons(member) == []
    assert signed_in(moderator).get(ACTIONS, {"since": "yesterday"}).status_code == 400
    assert client.get(ACTIONS).status_code == 401
    entry = signed_in(moderator).get(ACTIONS, {"action": "ban"}).json()["results"][0]
    assert (entry["group"], entry["actor"], entry["subject"], entry["target"]) == (
        group.slug,
        "mo",
        "amina",
        member.pk,
    )
    too_long = signed_in(moderator).patch(
        f"/api/v1/groups/{group.slug}/members/amina/",
        {"status": "banned", "reason": "x" * 2001},
        format="json",
    )
    assert too_long.status_code == 400 and "reason" in too_long.json()


@pytest.mark.parametrize("size", [2, 15])
def test_the_audit_log_makes_a_fixed_number_of_queries(
    paragraph, member, moderator, size, django_assert_max_num_queries
):
    for i in range(size):
        comment = make_comment(member, paragraph=paragraph, body=f"c{i}")
        moderation.moderate(actor=moderator, target=comment, action="hide", reason=str(i))
    client = signed_in(moderator)
    with django_assert_max_num_queries(1):
        response = client.get(ACTIONS)
    assert len(response.json()["results"]) == size


# Revisions and `edited`


def test_revisions_show_what_was_first_posted(paragraph, member, moderator, owner):
    annotation = make_annotation(member, paragraph, note="First words")
    annotation_update(annotation=annotation, user=member, note="Second words")
    moderation.moderate(actor=moderator, target=annotation, action="hide")
    moderation.moderate(actor=moderator, target=annotation, action="unhide")
    for user in (member, moderator, owner):
        response = signed_in(user).get(f"/api/v1/annotations/{annotation.pk}/revisions/")
        assert response.status_code == 200
        first, now = response.json()
        assert (first["version"], first["data"]["note"], first["current"]) == (
            1,
            "First words",
            False,
        )
        assert first["data"]["role"] == "claim" and first["data"]["visibility"] == "group"
        assert (now["version"], now["data"]["note"], now["current"]) == (4, "Second words", True)
    reader = make_user("zoe")
    join(paragraph.paper.group, reader)
    assert (
        signed_in(reader).get(f"/api/v1/annotations/{annotation.pk}/revisions/").status_code == 403
    )
    shown = signed_in(reader).get(f"/api/v1/annotations/{annotation.pk}/").json()
    assert shown["edited"] is True
    # A deleted annotation's revisions stay for the moderators.
    annotation_delete(annotation=annotation, user=member)
    response = signed_in(moderator).get(f"/api/v1/annotations/{annotation.pk}/revisions/")
    assert [r["data"]["note"] for r in response.json()] == ["First words", "Second words", ""]


def test_a_comments_revisions_and_edited(paragraph, member, moderator):
    comment = make_comment(member, paragraph=paragraph, body="Frist")
    created = signed_in(member).get(f"/api/v1/comments/{comment.pk}/").json()
    assert created["edited"] is False
    moderation.moderate(actor=moderator, target=comment, action="hide")
    moderation.moderate(actor=moderator, target=comment, action="unhide")
    # Moderation changes the version, not the text: not "edited".
    assert signed_in(member).get(f"/api/v1/comments/{comment.pk}/").json()["edited"] is False
    changed = signed_in(member).patch(
        f"/api/v1/comments/{comment.pk}/", {"body": "First"}, format="json"
    )
    assert changed.json()["edited"] is True
    listed = signed_in(member).get("/api/v1/comments/").json()["results"]
    assert [c["edited"] for c in listed] == [True]
    response = signed_in(moderator).get(f"/api/v1/comments/{comment.pk}/revisions/")
    assert [(r["data"]["body"], r["current"]) for r in response.json()] == [
        ("Frist", False),
        ("First", True),
    ]


# The `since` feed


def _since(user, kind: str, when, **params) -> list[dict]:
    response = signed_in(user).get(f"/api/v1/{kind}/", {"since": when.isoformat(), **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_a_hidden_comment_comes_back_as_removed_to_members_and_whole_to_moderators(
    paragraph, member, moderator, owner
):
    annotation = make_annotation(owner, paragraph)
    comment = make_comment(owner, annotation=annotation, body="Secret spam")
    before = timezone.now()
    moderation.moderate(actor=moderator, target=comment, action="hide", reason="spam")
    [removed] = _since(member, "comments", before)
    assert removed == {
        "id": comment.pk,
        "paper": paragraph.paper_id,
        "paragraph": paragraph.pk,
        "annotation": annotation.pk,
        "parent": None,
        "status": "removed",
        "updated": removed["updated"],
        "version": 2,
    }
    # A content filter narrows what comes whole, never the tombstones (nor reveals them).
    assert _since(member, "comments", before, author="olive")[0]["status"] == "removed"
    assert _since(member, "comments", before, status="visible")[0]["status"] == "removed"
    [whole] = _since(moderator, "comments", before)
    assert (whole["status"], whole["body"], whole["author"]) == ("hidden", "Secret spam", "olive")
    [own] = _since(owner, "comments", before)
    assert own["status"] == "hidden"
    # Shown again: whole again.
    moderation.moderate(actor=moderator, target=comment, action="unhide")
    [back] = _since(member, "comments", before)
    assert (back["status"], back["body"]) == ("visible", "Secret spam")


def test_annotations_leaving_view_come_as_tombstones_without_content(
    paragraph, member, moderator, owner
):
    hidden = make_annotation(owner, paragraph, note="Hidden note")
    made_private = make_annotation(owner, paragraph, note="Now mine")
    always_private = make_annotation(owner, paragraph, note="Mine alone", visibility="private")
    before = timezone.now()
    moderation.moderate(actor=moderator, target=hidden, action="hide")
    annotation_update(annotation=made_private, user=owner, visibility="private")
    annotation_update(annotation=always_private, user=owner, note="Still mine alone")
    premoderate(paragraph, "all")
    fresh = make_annotation(member, paragraph, note="Waiting")
    items = _since(make_member(paragraph), "annotations", before)
    assert {(i["id"], i["status"]) for i in items} == {
        (hidden.pk, "removed"),
        (made_private.pk, "removed"),
    }
    for item in items:
        assert set(item) == {"id", "paper", "paragraph", "status", "updated", "version"}
    text = str(items)
    for secret in ("Hidden note", "Now mine", "Mine alone", "Waiting", "olive", "claim"):
        assert secret not in text
    # Moderators see the hidden one whole and the new pending one; the owner their private ones.
    seen = {i["id"]: i["status"] for i in _since(moderator, "annotations", before)}
    assert seen == {hidden.pk: "hidden", made_private.pk: "removed", fresh.pk: "pending"}
    theirs = {i["id"]: i["status"] for i in _since(owner, "annotations", before)}
    assert theirs == {
        hidden.pk: "hidden",
        made_private.pk: "visible",
        always_private.pk: "visible",
        fresh.pk: "pending",
    }
    anonymous = APIClient().get("/api/v1/annotations/", {"since": before.isoformat()})
    assert anonymous.json()["results"] == []  # a private group's paper: nothing at all


def make_member(paragraph):
    reader = make_user("reader")
    join(paragraph.paper.group, reader)
    return reader


def test_a_public_groups_tombstones_reach_anonymous_readers(public_paper, member, moderator):
    paragraph = public_paper.paragraphs.first()
    comment = make_comment(member, paragraph=paragraph, body="Hidden from all")
    before = timezone.now()
    moderation.moderate(actor=moderator, target=comment, action="hide")
    response = APIClient().get("/api/v1/comments/", {"since": before.isoformat()})
    [removed] = response.json()["results"]
    assert removed["status"] == "removed" and "body" not in removed and "author" not in removed


@pytest.mark.parametrize("size", [2, 12])
def test_the_since_feed_keeps_one_query(
    paragraph, member, moderator, owner, size, django_assert_max_num_queries
):
    before = timezone.now() - timedelta(seconds=1)
    for i in range(size):
        annotation = make_annotation(owner, paragraph, note=f"n{i}")
        comment = make_comment(owner, annotation=annotation, body=f"c{i}")
        annotation_update(annotation=annotation, user=owner, note=f"n{i}!")
        if i % 2:
            moderation.moderate(actor=moderator, target=annotation, action="hide")
            moderation.moderate(actor=moderator, target=comment, action="hide")
    client = signed_in(member)
    for kind in ("annotations", "comments"):
        with django_assert_max_num_queries(1):
            response = client.get(f"/api/v1/{kind}/", {"since": before.isoformat()})
        statuses = [item["status"] for item in response.json()["results"]]
        assert statuses.count("removed") == size // 2


# The schema


def test_the_schema_describes_the_moderation_endpoints(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    for path in (
        b"/api/v1/flags/",
        b"/api/v1/moderation/queue/",
        b"/api/v1/moderation/actions/",
        b"/api/v1/annotations/{id}/revisions/",
        b"/api/v1/comments/{id}/revisions/",
    ):
        assert path in schema.content
