"""The moderation services (annotations.moderation.services and .queue) and the audited bans
of papers.groups, called directly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import Comment, Flag, Revision, Status
from annotations.moderation import queue
from annotations.moderation import services as moderation
from annotations.services import annotation_update, comment_delete, comment_update
from papers.groups import member_ban, member_unban
from papers.models import AuditEntry, Membership

from .conftest import make_annotation, make_comment

pytestmark = pytest.mark.django_db


def test_flag_once_per_person_not_own_and_only_members(paragraph, member, moderator, outsider):
    annotation = make_annotation(member, paragraph)
    flag = moderation.flag_create(user=moderator, target=annotation, reason="spam", note="ads")
    assert (flag.group, flag.paper, flag.target_type) == (
        paragraph.paper.group,
        paragraph.paper,
        "annotation",
    )
    with pytest.raises(ValidationError, match="already flagged"):
        moderation.flag_create(user=moderator, target=annotation, reason="abuse")
    with pytest.raises(ValidationError, match="your own"):
        moderation.flag_create(user=member, target=annotation, reason="spam")
    with pytest.raises(PermissionDenied):
        moderation.flag_create(user=outsider, target=annotation, reason="spam")
    with pytest.raises(ValidationError, match="reason"):
        moderation.flag_create(
            user=moderator, target=make_comment(member, paragraph=paragraph), reason="rude"
        )


def test_hide_closes_flags_and_is_audited(paragraph, member, moderator, owner):
    comment = make_comment(member, paragraph=paragraph, body="Buy pills")
    moderation.flag_create(user=owner, target=comment, reason="spam")
    assert queue.counts(moderator) == {"flagged": 1, "pending": 0, "total": 1}
    assert queue.open_count(member) == 0
    entry = moderation.moderate(actor=moderator, target=comment, action="hide", reason="spam link")
    comment.refresh_from_db()
    assert comment.status == Status.HIDDEN and comment.version == 2 and comment.body == "Buy pills"
    assert (entry.action, entry.target_type, entry.target_id, entry.reason) == (
        "hide",
        "comment",
        comment.pk,
        "spam link",
    )
    assert entry.subject_name == member.username and entry.summary == "Buy pills"
    flag = Flag.objects.get()
    assert (flag.resolution, flag.resolved_by) == ("hide", moderator) and flag.resolved
    assert queue.open_count(moderator) == 0
    with pytest.raises(ValidationError, match="already hidden"):
        moderation.moderate(actor=moderator, target=comment, action="hide")
    with pytest.raises(PermissionDenied):
        moderation.moderate(actor=member, target=comment, action="unhide")
    moderation.moderate(actor=owner, target=comment, action="unhide", reason="on appeal")
    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["unhide", "hide"]


def test_approve_a_visible_flagged_item_dismisses_its_flags(paragraph, member, moderator, owner):
    annotation = make_annotation(member, paragraph)
    with pytest.raises(ValidationError, match="pending or flagged"):
        moderation.moderate(actor=moderator, target=annotation, action="approve")
    moderation.flag_create(user=owner, target=annotation, reason="off_topic")
    moderation.moderate(actor=moderator, target=annotation, action="approve")
    annotation.refresh_from_db()
    assert annotation.status == Status.VISIBLE and not Flag.objects.open().exists()


def test_audit_log_is_append_only(paragraph, member, moderator):
    comment = make_comment(member, paragraph=paragraph)
    entry = moderation.moderate(actor=moderator, target=comment, action="hide")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(reason="x")
    # The group's deletion takes its log with it.
    paragraph.paper.group.delete()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("mode", ["all", "new_members"])
def test_premoderation_holds_members_posts(paragraph, member, moderator, mode):
    group = paragraph.paper.group
    group.premoderation, group.premoderation_items = mode, 2
    group.save()
    first = make_annotation(member, paragraph)
    private = make_annotation(member, paragraph, visibility="private")
    by_moderator = make_comment(moderator, paragraph=paragraph)
    assert (first.status, private.status, by_moderator.status) == ("pending", "visible", "visible")
    assert queue.counts(moderator)["pending"] == 1
    moderation.moderate(actor=moderator, target=first, action="approve")
    second = make_comment(member, paragraph=paragraph)
    assert second.status == "pending"
    moderation.moderate(actor=moderator, target=second, action="approve")
    third = make_comment(member, paragraph=paragraph)
    assert third.status == ("pending" if mode == "all" else "visible")
    # Sharing a private annotation holds it like a new post.
    annotation_update(annotation=private, user=member, visibility="group")
    private.refresh_from_db()
    assert private.status == ("pending" if mode == "all" else "visible")


def test_reject_leaves_the_item_hidden_not_deleted(paragraph, member, moderator):
    group = paragraph.paper.group
    group.premoderation = "all"
    group.save()
    comment = make_comment(member, paragraph=paragraph)
    moderation.moderate(actor=moderator, target=comment, action="reject", reason="off topic")
    assert Comment.objects.get(pk=comment.pk).status == Status.HIDDEN


def test_edits_and_deletion_keep_revisions(paragraph, member):
    annotation = make_annotation(member, paragraph, note="first")
    annotation_update(annotation=annotation, user=member, note="second", role_slug="evidence")
    comment = make_comment(member, paragraph=paragraph, body="original")
    comment_update(comment=comment, user=member, body="edited")
    comment_delete(comment=comment, user=member)
    assert [(r.version, r.data["note"], r.data["role"]) for r in annotation.revisions.all()] == [
        (1, "first", "claim")
    ]
    assert [(r.version, r.data) for r in comment.revisions.all()] == [
        (1, {"body": "original"}),
        (2, {"body": "edited"}),
    ]
    assert Revision.objects.count() == 3


def test_stale_edit_keeps_no_revision(paragraph, member):
    from annotations.services import Conflict

    comment = make_comment(member, paragraph=paragraph)
    with pytest.raises(Conflict):
        comment_update(comment=comment, user=member, body="x", expected_version=7)
    assert not Revision.objects.exists()


@pytest.mark.parametrize("hide", [False, True])
def test_ban_is_audited_and_hides_posts_when_the_group_says_so(
    paragraph, member, moderator, owner, hide
):
    group = paragraph.paper.group
    group.hide_banned_posts = hide
    group.save()
    annotation = make_annotation(member, paragraph)
    hidden_before = make_comment(member, paragraph=paragraph)
    moderation.moderate(actor=moderator, target=hidden_before, action="hide")
    membership = Membership.objects.get(group=group, user=member)
    member_ban(actor=owner, membership=membership, reason="trolling")
    annotation.refresh_from_db()
    assert annotation.status == ("hidden" if hide else "visible")
    ban = AuditEntry.objects.filter(action="ban").get()
    assert (ban.target_type, ban.target_id, ban.reason, ban.subject_name) == (
        "member",
        member.pk,
        "trolling",
        member.username,
    )
    member_unban(actor=owner, membership=membership, reason="apologised")
    annotation.refresh_from_db()
    hidden_before.refresh_from_db()
    assert annotation.status == "visible"
    assert hidden_before.status == "hidden"  # hidden for its own reason, not by the ban
    assert AuditEntry.objects.filter(action="unban").get().reason == "apologised"


def test_queue_filters(paragraph, member, moderator, owner):
    a = make_annotation(member, paragraph)
    c = make_comment(member, paragraph=paragraph)
    moderation.flag_create(user=owner, target=a, reason="spam")
    moderation.flag_create(user=moderator, target=a, reason="abuse")
    moderation.flag_create(user=owner, target=c, reason="abuse")
    items = queue.queue(moderator)
    assert [(i.type, i.obj.pk, len(i.flags)) for i in items] == [
        ("comment", c.pk, 1),
        ("annotation", a.pk, 2),
    ]
    assert [i.obj.pk for i in queue.queue(moderator, queue.QueueFilters(reason="spam"))] == [a.pk]
    assert [i.type for i in queue.queue(moderator, queue.QueueFilters(target_type="comment"))] == [
        "comment"
    ]
    assert queue.queue(moderator, queue.QueueFilters(kind="pending")) == []
    assert queue.queue(member) == []
    assert [g.slug for g in queue.moderated_groups(moderator)] == [paragraph.paper.group.slug]


def test_queue_reads_a_fixed_number_of_queries(
    paragraph, member, moderator, owner, django_assert_max_num_queries
):
    def grow(n):
        for _ in range(n):
            a = make_annotation(member, paragraph)
            c = make_comment(member, paragraph=paragraph, annotation=a)
            moderation.flag_create(user=owner, target=a, reason="spam")
            moderation.flag_create(user=moderator, target=c, reason="abuse")

    grow(2)
    with django_assert_max_num_queries(4) as small:
        items = queue.queue(moderator)
        [(i.obj.paragraph.text, i.obj.author.username, i.flags[0].flagger) for i in items]
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        items = queue.queue(moderator)
        [(i.obj.paragraph.text, i.obj.author.username, i.flags[0].flagger) for i in items]
    assert len(items) == 24
