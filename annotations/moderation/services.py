"""Moderation: flags, pre-moderation, hide/unhide/approve/reject, bans, and the audit log.

What moderation does (the rules it asks are annotations.permissions'):
- Flag: an active member of the paper's group flags an annotation or a comment they can see
  (not their own, not a deleted one, not one already held: hidden or pending posts are the
  moderators' already) with a reason; once per person and item. The author is never
  told who flagged. Moderators who opted in (`Membership.notify_flags`) get an e-mail.
- Pre-moderation (`ReadingGroup.premoderation`): "all" starts every member's shared post
  pending; "new_members" starts a member's posts pending until they have
  `premoderation_items` visible posts in the group. Owners and moderators are never held; a
  private annotation is its author's only and never held (it is held when made shared).
- Actions, by the group's active owners and moderators, each with a reason, each written to the
  append-only audit log (papers.models.AuditEntry), none deleting anything:
  hide (visible or pending → hidden), unhide (hidden → visible), approve (pending → visible; on a
  visible item: its flags are dismissed), reject (pending → hidden). Acting on an item closes its
  open flags. Ban and unban are papers.groups' (`member_ban`, `member_unban`: who may ban whom,
  audited there); what a ban does to the member's posts is `bans.py`'s, which papers.groups
  calls through the setting `MARGINALIA_BAN_CONSEQUENCES`.
Who moderates is `Membership.MODERATING_ROLES`' answer (papers.models: `Membership.can_moderate`,
`Membership.objects.moderating()`). A moderator may act on their own posts too.
The rules themselves (`may_flag`, `ACTIONS`, `action_applies`, `moderation_actions`) live in
annotations.permissions, so that the core (the API's serializers, each item's `can`) asks them
without importing moderation: `flag_create` and `moderate` here ask the same functions, and so
does the queue page.
A status change bumps the item's version and `updated`, so live updates (`since`) carry it and a
stale edit by the author gets 412.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from papers import permissions as papers_permissions
from papers.groups import clean_reason
from papers.models import AuditEntry, Membership, ReadingGroup

from ..models import Annotation, Comment, Flag
from ..notifications import services as notify
from ..permissions import (
    ACTIONS,
    NOT_A_MODERATOR,
    action_applies,
    flag_refusal,
    may_flag,
    moderation_actions,
    moderation_refusal,
)

__all__ = [
    "ACTIONS",
    "Item",
    "action_applies",
    "flag_create",
    "flag_emails_set",
    "may_flag",
    "moderate",
    "moderate_many",
    "moderation_actions",
]

logger = logging.getLogger(__name__)

# The longest reason or flag note (the audit log's own limit).
MAX_REASON = AuditEntry.MAX_REASON


# Items: an annotation or a comment, as moderation sees them


@dataclass(frozen=True)
class Item:
    """An annotation or a comment by its type name ("annotation", "comment")."""

    type: str
    obj: Annotation | Comment

    @classmethod
    def of(cls, obj: Annotation | Comment) -> "Item":
        return cls("annotation" if isinstance(obj, Annotation) else "comment", obj)

    @property
    def model(self):
        return Annotation if self.type == "annotation" else Comment

    @property
    def group(self) -> ReadingGroup:
        return self.obj.paper.group

    def summary(self) -> str:
        """A short text of the item for the audit log."""
        if self.type == "annotation":
            text = self.obj.exact or self.obj.note or f"(paragraph {self.obj.paragraph_id})"
            text = f"{self.obj.role.slug}: {text}"
        else:
            text = self.obj.body
        text = " ".join(text.split())
        return text if len(text) <= 200 else text[:199] + "…"


# Flags


def flag_create(*, user, target: Annotation | Comment, reason: str, note: str = "") -> Flag:
    """Flag an item for the moderators. The caller found `target` among what `user` may see."""
    item = Item.of(target)
    group = item.group
    refusal = flag_refusal(user, papers_permissions.membership_for(user, group), target)
    if refusal is not None:
        raise refusal
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": f"The reason is one of {', '.join(Flag.Reason.values)}."})
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise ValidationError({"note": f"A note is at most {MAX_REASON:,} characters long."})
    flag = Flag(
        group=group,
        paper_id=target.paper_id,
        reason=reason,
        note=note,
        flagger=user,
        **{item.type: target},
    )
    try:
        with transaction.atomic():
            flag.save()
            transaction.on_commit(lambda: _notify_moderators(flag))
    except IntegrityError as error:
        raise ValidationError({"target": "You have already flagged this."}) from error
    return flag


def _notify_moderators(flag: Flag) -> None:
    """E-mail the group's moderators who asked for it (never the flagger, never the author).
    The mail names the reason and links the queue; not the flagger."""
    group = flag.group
    recipients = list(
        Membership.objects.moderating()
        .filter(group=group, notify_flags=True)
        .exclude(user_id=flag.flagger_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    queue = reverse("annotations:moderation_queue") + f"?group={group.slug}"
    site = settings.MARGINALIA_SITE_URL
    # A mail that cannot be sent must not undo the flag (this runs after the commit): logged.
    try:
        send_mail(
            subject=f"[Marginalia] A {flag.target_type} was flagged in {group.name}",
            message=(
                f"A {flag.target_type} on “{flag.paper.title}” was flagged as "
                f"{flag.get_reason_display().lower()}.\n\n"
                f"Open the moderation queue: {site}{queue}\n\n"
                "You get this because you asked for e-mails about new flags in this group; "
                "the queue page turns them off."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Could not e-mail the moderators of %s about flag %s", group.slug, flag.pk)


# Actions

_REFUSED = {
    AuditEntry.Action.HIDE: "This is already hidden.",
    AuditEntry.Action.UNHIDE: "Only a hidden post can be unhidden.",
    AuditEntry.Action.APPROVE: "Only a pending or flagged post can be approved.",
    AuditEntry.Action.REJECT: "Only a pending post can be rejected.",
}


def moderate(*, actor, target: Annotation | Comment, action: str, reason: str = "") -> AuditEntry:
    """Hide, unhide, approve or reject an item (module docstring); closes its open flags and
    writes the audit entry, in one transaction. The caller found `target` among what `actor`
    may see (a private annotation is nobody's to moderate)."""
    item = Item.of(target)
    group = item.group
    refusal = moderation_refusal(papers_permissions.membership_for(actor, group), target)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    if action not in ACTIONS:
        raise ValidationError(
            {"action": f"The action is one of {', '.join(ACTIONS)}, ban or unban."}
        )
    reason = clean_reason(reason)
    if refusal is not None:
        raise refusal
    sources, result = ACTIONS[action]
    now = timezone.now()
    with transaction.atomic():
        open_flags = Flag.objects.open().filter(**{item.type: target})
        if not action_applies(action, target):
            raise ValidationError({"action": _REFUSED[action]})
        if target.status != result:
            # Conditional on the status read: of two moderators acting at once, one applies.
            changed = (
                item.model.objects.filter(pk=target.pk, status__in=sources)
                .exclude(status=result)
                .update(status=result, updated=now, version=F("version") + 1)
            )
            if not changed:
                raise ValidationError({"action": _REFUSED[action]})
            target.status = result
            target.updated = now
            target.version += 1
        open_flags.update(resolved=now, resolved_by=actor, resolution=action)
        notify.post_moderated(target, actor=actor, action=action, reason=reason)
        return AuditEntry.objects.create(
            group=group,
            actor=actor,
            actor_name=actor.get_username(),
            action=action,
            target_type=item.type,
            target_id=target.pk,
            subject_name=target.author.get_username() if target.author_id else "",
            summary=item.summary(),
            reason=reason,
        )


def moderate_many(
    *, actor, targets: list[Annotation | Comment], action: str, reason: str = ""
) -> list[AuditEntry]:
    """The same action on several items, all or nothing: one refused item refuses the lot, with
    a message naming it."""
    entries = []
    with transaction.atomic():
        for target in targets:
            try:
                entries.append(moderate(actor=actor, target=target, action=action, reason=reason))
            except ValidationError as error:
                label = f"{Item.of(target).type} {target.pk}"
                raise ValidationError(f"{label}: {' '.join(error.messages)}") from error
    return entries


def flag_emails_set(*, user, group: ReadingGroup, notify: bool) -> None:
    """A moderator's choice of an e-mail for each new flag in the group."""
    rows = Membership.objects.moderating().filter(user=user, group=group)
    if not rows.update(notify_flags=notify):
        raise PermissionDenied(NOT_A_MODERATOR)
