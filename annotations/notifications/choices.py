"""A member's e-mail choices per group (`MailChoice`; no row: `DEFAULT_MAIL_KINDS`, one mail
each), read when a notification is made: each gets its `mail` state from them. Changed on the
account page (`mail_choice_set`) and by an unsubscribe link (`mail_unsubscribe`); either one
also takes back the mail still waiting for a kind turned off."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from papers.models import Membership, ReadingGroup
from papers.permissions import membership_for

from .models import DEFAULT_MAIL_KINDS, Kind, Mail, MailChoice, Notification


def _chosen(choice: MailChoice | None) -> tuple[tuple[str, ...], bool]:
    """The kinds mailed and whether as a digest: the member's MailChoice, or the defaults."""
    if choice is None:
        return DEFAULT_MAIL_KINDS, False
    return tuple(choice.kinds), choice.digest


def mail_states(kinds: dict[int, str], group: ReadingGroup) -> dict[int, str]:
    """For each user (`kinds`: user id → the notification's kind), how their notification in
    `group` is mailed: at once (DUE), in the next digest (DIGEST) or not (NONE). One query."""
    chosen = {c.user_id: c for c in MailChoice.objects.filter(group=group, user_id__in=kinds)}
    states = {}
    for user_id, kind in kinds.items():
        mailed, digest = _chosen(chosen.get(user_id))
        if kind not in mailed:
            states[user_id] = Mail.NONE
        else:
            states[user_id] = Mail.DIGEST if digest else Mail.DUE
    return states


@dataclass(frozen=True)
class Choice:
    """What a member gets by e-mail from one group (their MailChoice, or the defaults)."""

    group: ReadingGroup
    kinds: tuple[str, ...]
    digest: bool


def mail_choices(user) -> list[Choice]:
    """The user's choices for each group they are an active member of, by group name (the
    account page). Two queries, whatever the number of groups."""
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("group")
        .order_by("group__name", "group_id")
    )
    groups = [m.group for m in memberships]
    chosen = {
        c.group_id: c
        for c in MailChoice.objects.filter(user=user, group_id__in=[g.pk for g in groups])
    }
    choices = []
    for group in groups:
        choices.append(Choice(group, *_chosen(chosen.get(group.pk))))
    return choices


def _withdraw(user_id: int, group_ids: Iterable[int], kinds: list[str]) -> None:
    """Mail still waiting (DUE, DIGEST) in these groups for kinds no longer chosen: NONE."""
    Notification.objects.filter(
        recipient_id=user_id, group_id__in=group_ids, mail__in=[Mail.DUE, Mail.DIGEST]
    ).exclude(kind__in=kinds).update(mail=Mail.NONE)


def mail_choice_set(*, user, group: ReadingGroup, kinds: Iterable[str], digest: bool) -> MailChoice:
    """Choose which kinds of notification in the group come by e-mail, and whether one mail
    each or a daily digest. An active member of the group only."""
    if membership_for(user, group) is None:
        raise PermissionDenied("Only active members of this group choose its e-mail.")
    kinds = set(kinds)
    unknown = kinds - set(Kind.values)
    if unknown:
        raise ValidationError(
            {"kinds": f"Unknown kinds: {', '.join(sorted(unknown))}. "
             f"The kinds are {', '.join(Kind.values)}."}
        )  # fmt: skip
    ordered = [k for k in Kind.values if k in kinds]  # in Kind's order, once each
    with transaction.atomic():
        choice, _ = MailChoice.objects.update_or_create(
            user=user, group=group, defaults={"kinds": ordered, "digest": bool(digest)}
        )
        _withdraw(user.pk, [group.pk], ordered)
    return choice


def mail_unsubscribe(*, user_id: int, group_ids: Iterable[int], kind: str | None) -> list[int]:
    """Stop one kind of mail (`kind`; None: every kind) from these groups, for an unsubscribe
    link: no membership asked (stopping mail is always allowed, also after leaving), missing
    groups skipped. Returns the ids of the groups changed."""
    with transaction.atomic():
        groups = list(ReadingGroup.objects.filter(pk__in=group_ids).values_list("pk", flat=True))
        chosen = {
            c.group_id: c
            for c in MailChoice.objects.select_for_update().filter(
                user_id=user_id, group_id__in=groups
            )
        }
        for group_id in groups:
            choice = chosen.get(group_id) or MailChoice(
                user_id=user_id, group_id=group_id, kinds=list(DEFAULT_MAIL_KINDS)
            )
            choice.kinds = [k for k in choice.kinds if kind is not None and k != kind]
            choice.save()
            _withdraw(user_id, [group_id], choice.kinds)
    return groups
