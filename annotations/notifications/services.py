"""Who is told of what. Each function runs inside the writer's transaction (a notification is
made with what it tells of, or not at all); mails go out after the commit (mail.py).

- A post written (`post_written`): its mentions (kind "mention"); and for a new comment, the
  author of the comment it answers and of the annotation it is on ("reply"), everyone who
  commented in the same thread (the comments on the same annotation, or on the paragraph
  outside any annotation) and the paragraph's followers ("thread"). One notification per
  person and post, the first reason winning in that order; an edit tells only the people it
  newly mentions. Never the author; only active members of the group; nothing for a private
  annotation (its author's alone). A post waiting for approval is told of now but shows
  (shown.py) and is mailed only once approved.
- A post moderated (`post_moderated`): its author, with the action and the reason.
- A paper added to a group (`paper_added`): the group's other active members.
- A member joined through an invite link (`member_joined`): whoever made the link.

Also the reader's side: marking read, following a paragraph, and a member's visits to a paper
(`paper_visited`: the workspace marks the comments new since the one before).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from papers.models import Membership, Paper, Paragraph, ReadingGroup
from papers.permissions import membership_for

from .. import permissions
from ..models import Annotation, Comment, Status
from . import mail
from .choices import mail_states
from .models import POST_KINDS, Follow, Kind, Mail, Notification, PaperVisit
from .shown import shown_to


def _active_members(group: ReadingGroup, user_ids: Iterable[int]) -> set[int]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return set()
    rows = Membership.objects.active().filter(group=group, user_id__in=ids)
    return set(rows.values_list("user_id", flat=True))


def _notify(group: ReadingGroup, kinds: dict[int, str], **fields) -> list[int]:
    """Make a notification for each recipient (`kinds`: user id → kind; already checked), each
    with its mail state, in one insert; the mails due go out after the commit. Returns the
    ids made."""
    if not kinds:
        return []
    states = mail_states(kinds, group)
    now = timezone.now()
    made = Notification.objects.bulk_create(
        Notification(recipient_id=u, kind=k, group=group, created=now, mail=states[u], **fields)
        for u, k in sorted(kinds.items())
    )
    due = [n.pk for n in made if n.mail == Mail.DUE]
    if due:
        transaction.on_commit(lambda: mail.schedule(due))
    return [n.pk for n in made]


def _post_fields(item: Annotation | Comment) -> dict:
    fields = {
        "actor_id": item.author_id,
        "paper_id": item.paper_id,
        "paragraph_id": item.paragraph_id,
        "annotation_id": item.annotation_id if isinstance(item, Comment) else item.pk,
    }
    if isinstance(item, Comment):
        fields["comment_id"] = item.pk
    return fields


def _told_of(item: Annotation | Comment) -> set[int]:
    """Who already has a notification about this post (kinds about a post)."""
    rows = Notification.objects.filter(kind__in=POST_KINDS)
    if isinstance(item, Comment):
        rows = rows.filter(comment=item)
    else:
        rows = rows.filter(annotation=item, comment__isnull=True)
    return set(rows.values_list("recipient_id", flat=True))


def _thread_people(comment: Comment) -> set[int]:
    """Who took part in the comment's thread, and who follows its paragraph."""
    if comment.annotation_id:
        same_thread = Q(annotation_id=comment.annotation_id)
    else:
        same_thread = Q(paragraph_id=comment.paragraph_id, annotation__isnull=True)
    talkers = (
        Comment.objects.filter(same_thread)
        .exclude(pk=comment.pk)
        .exclude(status=Status.DELETED)
        .order_by()
        .values_list("author_id", flat=True)
    )
    followers = Follow.objects.filter(paragraph_id=comment.paragraph_id).values_list("user_id")
    return set(talkers.union(followers).order_by())  # one query


def post_written(item: Annotation | Comment, *, mentioned: Iterable[int] = (), new: bool) -> None:
    """Tell whom a new or edited post concerns (module docstring). `mentioned`: the user ids
    the post's text mentions (annotations.mentions), checked here again as members."""
    if isinstance(item, Annotation) and item.visibility != Annotation.Visibility.GROUP:
        return
    group = item.paper.group
    reasons: dict[int, str] = {}
    for user_id in mentioned:
        reasons.setdefault(user_id, Kind.MENTION)
    if new and isinstance(item, Comment):
        answered = []
        if item.parent_id is not None:
            answered.append(item.parent.author_id)
        if item.annotation_id is not None:
            answered.append(item.annotation.author_id)
        for user_id in answered:
            reasons.setdefault(user_id, Kind.REPLY)
        for user_id in _thread_people(item):
            reasons.setdefault(user_id, Kind.THREAD)
    reasons.pop(item.author_id, None)
    if not reasons:
        return
    members = _active_members(group, reasons)
    if not new:
        members -= _told_of(item)
    _notify(group, {u: reasons[u] for u in members}, **_post_fields(item))


def post_moderated(item: Annotation | Comment, *, actor, action: str, reason: str) -> None:
    """Tell the post's author what a moderator decided, with the reason (not who decided: the
    actor is kept for the record but never shown to the author)."""
    if item.author_id is None or item.author_id == actor.pk:
        return
    group = item.paper.group
    if not _active_members(group, [item.author_id]):
        return
    _notify(
        group,
        {item.author_id: Kind.MODERATION},
        **{**_post_fields(item), "actor_id": None},
        detail={"action": action, "reason": reason},
    )
    if action == "approve":
        # Mails held while the post waited go out now that it shows.
        held = Notification.objects.filter(mail=Mail.DUE)
        held = (
            held.filter(comment=item)
            if isinstance(item, Comment)
            else held.filter(annotation=item, comment__isnull=True)
        )
        ids = list(held.values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: mail.schedule(ids))


def paper_added(paper: Paper) -> None:
    """Tell the group's other active members of a paper ready to read."""
    members = (
        Membership.objects.active()
        .filter(group_id=paper.group_id)
        .exclude(user_id=paper.created_by_id)
        .values_list("user_id", flat=True)
    )
    kinds = dict.fromkeys(members, Kind.PAPER)
    _notify(paper.group, kinds, actor_id=paper.created_by_id, paper_id=paper.pk)


def member_joined(membership: Membership, invite) -> None:
    """Tell whoever made the invite link that someone joined through it."""
    maker = invite.created_by_id
    if maker is None or maker == membership.user_id:
        return
    if not _active_members(membership.group, [maker]):
        return
    _notify(
        membership.group,
        {maker: Kind.JOINED},
        actor_id=membership.user_id,
        detail={"invite": invite.pk, "role": membership.role},
    )


# Reading


def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's shown notifications read (Notification.DoesNotExist otherwise)."""
    notification = shown_to(user).get(pk=notification_id)
    if notification.read is None:
        notification.read = timezone.now()
        Notification.objects.filter(pk=notification.pk, read__isnull=True).update(
            read=notification.read
        )
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notification the user sees read (one withheld for now stays unread
    for when it shows). Returns how many."""
    return shown_to(user).filter(read__isnull=True).update(read=timezone.now())


# Following


def follow_set(*, user, paragraph: Paragraph, follow: bool) -> bool:
    """Follow a paragraph (or stop): an active member of its paper's group. Returns the state."""
    if not permissions.may_annotate(membership_for(user, paragraph.paper.group)):
        raise PermissionDenied("Only active members of this paper's group may follow it.")
    if follow:
        Follow.objects.get_or_create(user=user, paragraph=paragraph)
    else:
        Follow.objects.filter(user=user, paragraph=paragraph).delete()
    return follow


def followed_paragraphs(user, paper: Paper) -> set[int]:
    """The paragraphs of the paper the user follows (one query)."""
    if not user.is_authenticated:
        return set()
    rows = Follow.objects.filter(user=user, paragraph__paper=paper)
    return set(rows.values_list("paragraph_id", flat=True))


# Visits


def paper_visited(*, user, paper: Paper) -> datetime | None:
    """Record that an active member of the paper's group opened its workspace now, and return
    when they did the time before (None on a first visit, and for anyone else, whose visits are
    not kept): the workspace marks the others' comments written since.

    One query: an upsert that moves the old `seen` into `previous` as it writes the new one and
    answers `previous` (RETURNING; SQLite 3.35+ and PostgreSQL). The ORM's
    `bulk_create(update_conflicts=True)` can only copy the new row's values, not the old row's,
    so it would need a read first. Two visits at once are both recorded, one after the other."""
    if not permissions.may_annotate(membership_for(user, paper.group)):
        return None
    quote = connection.ops.quote_name
    table = quote(PaperVisit._meta.db_table)
    seen = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM stores it
    sql = (
        f"INSERT INTO {table} (user_id, paper_id, seen, previous) VALUES (%s, %s, %s, NULL) "
        f"ON CONFLICT (user_id, paper_id) DO UPDATE "
        f"SET previous = {table}.seen, seen = excluded.seen "
        f"RETURNING id, previous"
    )
    # raw(): the answer's `previous` goes through the field's converters (an aware datetime on
    # SQLite too, where the column is text).
    (visit,) = PaperVisit.objects.raw(sql, [user.pk, paper.pk, seen])
    return visit.previous
