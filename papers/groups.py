"""Reading groups, their members and invite links: the writes.

Each function is keyword-only, owns its transaction and raises ValidationError (bad input, or a
rule of the group such as "at least one active owner") or PermissionDenied (the actor may not) with
a message a person can act on. Who may do what is asked of `papers.permissions`; nothing here
decides it. Every change of a group's memberships first locks the group's row, so two owners
leaving at once cannot leave the group without one.

Invariants kept here:
- every group has at least one active owner;
- a banned member keeps their Membership row (status banned), so no invite lets them back in;
- a personal group ("My papers") is private, has no other members and no invite links, and is
  not deleted.

Bans: `member_ban` and `member_unban` are the one ban and the one unban, whatever asks for them
(the members page and API, the moderation queue and actions). Banning someone already banned, or
unbanning someone who is not, is refused with a ValidationError ("amina is already banned."),
never passed over. What a ban does beyond the membership (the annotations app hides a banned
member's posts when the group chose so) is called explicitly, inside the ban's transaction, by
dotted path from the setting `MARGINALIA_BAN_CONSEQUENCES` (`{"ban": …, "unban": …}`), which
config/settings.py wires: papers never imports the apps built on it (docs/architecture.md), and
an empty setting calls nothing, so papers works alone. What a consequence returns (a dict) is
merged into the audit entry's `detail`: the ban's entry lists the posts it hid, and the unban's
consequence reads them back from the ban's entry.
"""

import secrets
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from . import permissions
from .hooks import hook
from .models import AuditEntry, Invite, Membership, Paper, ReadingGroup

__all__ = [
    "InviteUnusable",
    "clean_reason",
    "group_create",
    "group_delete",
    "group_update",
    "invite_accept",
    "invite_create",
    "invite_revoke",
    "member_add",
    "member_ban",
    "member_leave",
    "member_remove",
    "member_set_role",
    "member_unban",
    "unique_group_slug",
]

# Room left in a slug for a "-<suffix>" that makes it unique.
_SLUG_BASE_MAX = 60
# Paths under /groups/ that are pages, not groups.
RESERVED_SLUGS = frozenset({"new"})
# With pre-moderation of new members: how many of their first posts may wait, at least and most.
PREMODERATION_ITEMS = (1, 50)

LAST_OWNER_LEAVES = "Hand the group to another owner before you leave."
LAST_OWNER_CHANGES = "A group needs an active owner: make someone else an owner first."
BANNED_CANNOT_JOIN = "You are banned from this group, so you cannot join it."
PERSONAL_NOT_SHARED = (
    "Your personal group is yours alone: it has no invite links and no other members. "
    "Create a group to read with others."
)


class InviteUnusable(ValidationError):
    """The invite was revoked, has expired or is used up (`state` says which; HTTP 410)."""

    def __init__(self, message: str, *, state: str):
        super().__init__(message, code=state)
        self.state = state


# Groups


def unique_group_slug(name: str, *, hint: str = "") -> str:
    """A slug made from the name that no group uses yet.

    The plain slug first; when taken, the slug with `hint` (e.g. the owner's username); then with a
    short random suffix. A race with another insert is caught by the unique constraint
    (`group_create` tries again).
    """
    base = slugify(name)[:_SLUG_BASE_MAX].strip("-") or "group"
    candidates = [base] if base not in RESERVED_SLUGS else []
    if hint_slug := slugify(hint)[:16].strip("-"):
        candidates.append(f"{base}-{hint_slug}")
    taken = set(ReadingGroup.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    while True:
        candidate = f"{base}-{secrets.token_hex(3)}"
        if not ReadingGroup.objects.filter(slug=candidate).exists():
            return candidate


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "A group needs a name."})
    return name


def group_create(
    *,
    owner,
    name: str,
    description: str = "",
    visibility: str = ReadingGroup.Visibility.PRIVATE,
    personal: bool = False,
) -> ReadingGroup:
    """Create a group with a unique slug made from its name; `owner` becomes its active owner.

    A personal group ("My papers") is always private.
    """
    name = _clean_name(name)
    if personal and visibility != ReadingGroup.Visibility.PRIVATE:
        raise ValidationError({"visibility": "A personal group is always private."})
    for _attempt in range(5):
        group = ReadingGroup(
            name=name,
            slug=unique_group_slug(name, hint=getattr(owner, "username", "")),
            description=(description or "").strip(),
            visibility=visibility,
            personal=personal,
        )
        group.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                group.save()
                Membership.objects.create(
                    group=group,
                    user=owner,
                    role=Membership.Role.OWNER,
                    status=Membership.Status.ACTIVE,
                )
        except IntegrityError:
            # Another group took the slug between the check and the insert: pick again.
            if ReadingGroup.objects.filter(slug=group.slug).exists():
                continue
            raise
        return group
    raise ValidationError({"name": "Could not find a free address for this group; try again."})


def group_update(
    *,
    actor,
    group: ReadingGroup,
    name: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    premoderation: str | None = None,
    premoderation_items: int | None = None,
    hide_banned_posts: bool | None = None,
) -> ReadingGroup:
    """Change what is given (None: unchanged). The slug stays: links to the group keep working."""
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied("Only the group's owners may change its settings.")
    changed = []
    if name is not None:
        group.name = _clean_name(name)
        changed.append("name")
    if description is not None:
        group.description = description.strip()
        changed.append("description")
    if visibility is not None:
        if group.personal and visibility != ReadingGroup.Visibility.PRIVATE:
            raise ValidationError({"visibility": "A personal group is always private."})
        group.visibility = visibility
        changed.append("visibility")
    if premoderation is not None:
        group.premoderation = premoderation
        changed.append("premoderation")
    if premoderation_items is not None:
        if not PREMODERATION_ITEMS[0] <= premoderation_items <= PREMODERATION_ITEMS[1]:
            low, high = PREMODERATION_ITEMS
            raise ValidationError(
                {"premoderation_items": f"Between {low} and {high} of a new member's posts wait."}
            )
        group.premoderation_items = premoderation_items
        changed.append("premoderation_items")
    if hide_banned_posts is not None:
        group.hide_banned_posts = hide_banned_posts
        changed.append("hide_banned_posts")
    if changed:
        group.full_clean(exclude=["slug"], validate_unique=False)
        group.save(update_fields=changed)
    return group


def group_delete(*, actor, group: ReadingGroup) -> None:
    """Delete the group with its papers, memberships and invites; stored uploads that no other
    paper shares go too. The confirmation (typing the name) is the page's business."""
    if not permissions.can_manage_group(actor, group):
        raise PermissionDenied("Only the group's owners may delete it.")
    if group.personal:
        raise ValidationError("Your personal group cannot be deleted.")
    with transaction.atomic():
        sources = set(group.papers.exclude(source_file="").values_list("source_file", flat=True))
        group.delete()
        still_used = set(
            Paper.objects.filter(source_file__in=sources).values_list("source_file", flat=True)
        )
        storage = Paper._meta.get_field("source_file").storage
        for source in sorted(sources - still_used):
            transaction.on_commit(partial(storage.delete, source))


# Members


def _lock(group: ReadingGroup) -> None:
    """Serialise membership changes of one group (PostgreSQL; SQLite serialises all writes)."""
    ReadingGroup.objects.select_for_update().filter(pk=group.pk).first()
    permissions.forget_memberships(group)


def _other_active_owners(membership: Membership) -> bool:
    return (
        Membership.objects.active()
        .filter(group_id=membership.group_id, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def _keep_an_owner(membership: Membership, message: str = LAST_OWNER_CHANGES) -> None:
    """Refuse a change that would leave the group without an active owner."""
    is_active_owner = membership.is_active and membership.role == Membership.Role.OWNER
    if is_active_owner and not _other_active_owners(membership):
        raise ValidationError(message)


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"The role must be one of {', '.join(Membership.Role)}."})


def _name(membership: Membership) -> str:
    return membership.user.get_username()


def member_add(
    *, actor, group: ReadingGroup, user, role: str = Membership.Role.MEMBER
) -> Membership:
    """Add an existing user straight away (invite links are the usual way in)."""
    _check_role(role)
    if role == Membership.Role.OWNER:
        raise ValidationError(
            {"role": "Add them as a member or moderator, then make them an owner."}
        )
    if group.personal:
        raise ValidationError(PERSONAL_NOT_SHARED)
    if not permissions.can_invite(actor, group, role):
        if role == Membership.Role.MODERATOR and permissions.can_invite(actor, group):
            raise PermissionDenied("Only the group's owners may add moderators.")
        raise PermissionDenied("Only the group's owners and moderators may add members.")
    with transaction.atomic():
        _lock(group)
        existing = Membership.objects.filter(group=group, user=user).first()
        if existing is not None:
            if existing.is_active:
                raise ValidationError(f"{user.get_username()} is already a member.")
            raise ValidationError(
                f"{user.get_username()} is banned from this group; unban them first."
            )
        return Membership.objects.create(group=group, user=user, role=role)


def member_set_role(*, actor, membership: Membership, role: str) -> Membership:
    """Promote or demote. Owners change anyone's role, their own too, while another owner stays."""
    _check_role(role)
    if not permissions.can_change_role(actor, membership):
        raise PermissionDenied("Only the group's owners may change roles.")
    if not membership.is_active:
        raise ValidationError(f"{_name(membership)} is banned; unban them before changing roles.")
    if membership.role == role:
        return membership
    with transaction.atomic():
        _lock(membership.group)
        membership.refresh_from_db(fields=["role", "status"])
        if role != Membership.Role.OWNER:
            _keep_an_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _check_change(actor, membership: Membership, verb: str) -> None:
    if membership.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(f"You cannot {verb} yourself; leave the group instead.")
    if not permissions.can_change_member(actor, membership):
        if permissions.can_manage_members(actor, membership.group):
            raise PermissionDenied(f"Only the group's owners may {verb} owners and moderators.")
        raise PermissionDenied(f"Only the group's owners and moderators may {verb} members.")


def member_remove(*, actor, membership: Membership) -> None:
    """Take an active member out of the group (they may come back through an invite)."""
    _check_change(actor, membership, "remove")
    if not membership.is_active:
        raise ValidationError(
            f"{_name(membership)} is banned and stays on the list so that they cannot rejoin; "
            "unban them first."
        )
    with transaction.atomic():
        _lock(membership.group)
        _keep_an_owner(membership)
        membership.delete()


def _audit_member(*, actor, membership: Membership, action: str, reason: str, detail: dict):
    return AuditEntry.objects.create(
        group=membership.group,
        actor=actor,
        actor_name=actor.get_username(),
        action=action,
        target_type=AuditEntry.TargetType.MEMBER,
        target_id=membership.user_id,
        subject_name=_name(membership),
        reason=reason,
        detail=detail,
    )


def clean_reason(reason: str | None) -> str:
    """The reason an audited action keeps: stripped, at most `AuditEntry.MAX_REASON` characters
    (bans here, moderation's actions in annotations.moderation.services)."""
    reason = (reason or "").strip()
    if len(reason) > AuditEntry.MAX_REASON:
        limit = f"{AuditEntry.MAX_REASON:,}"
        raise ValidationError({"reason": f"A reason is at most {limit} characters long."})
    return reason


def _consequence(action: str, **kwargs) -> dict:
    """Call what `MARGINALIA_BAN_CONSEQUENCES[action]` names (module docstring), if anything;
    answer the dict it returns for the audit entry's `detail`."""
    consequence = hook("MARGINALIA_BAN_CONSEQUENCES", action)
    return (consequence(**kwargs) or {}) if consequence else {}


def member_ban(*, actor, membership: Membership, reason: str = "") -> Membership:
    """Ban: the row stays (status banned), so the person sees nothing private and cannot rejoin.
    Their posts stay, or are hidden when the group chose so (the ban's consequence, module
    docstring). Recorded in the audit log (the entry is left on `membership.audit_entry`).
    Someone already banned is refused."""
    _check_change(actor, membership, "ban")
    reason = clean_reason(reason)
    with transaction.atomic():
        _lock(membership.group)
        membership.refresh_from_db(fields=["role", "status"])
        if not membership.is_active:
            raise ValidationError(f"{_name(membership)} is already banned.")
        _keep_an_owner(membership)
        membership.status = Membership.Status.BANNED
        membership.save(update_fields=["status"])
        detail = _consequence("ban", membership=membership, actor=actor)
        membership.audit_entry = _audit_member(
            actor=actor,
            membership=membership,
            action=AuditEntry.Action.BAN,
            reason=reason,
            detail=detail,
        )
    return membership


def member_unban(*, actor, membership: Membership, reason: str = "") -> Membership:
    """Lift a ban: the person is an active plain member again, whatever their role was; posts
    the ban hid are shown again (the unban's consequence). Recorded in the audit log (the entry
    is left on `membership.audit_entry`). Someone who is not banned is refused."""
    _check_change(actor, membership, "unban")
    reason = clean_reason(reason)
    with transaction.atomic():
        _lock(membership.group)
        membership.refresh_from_db(fields=["role", "status"])
        if membership.is_active:
            raise ValidationError(f"{_name(membership)} is not banned.")
        membership.status = Membership.Status.ACTIVE
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["status", "role"])
        ban = (
            AuditEntry.objects.filter(
                group=membership.group,
                action=AuditEntry.Action.BAN,
                target_type=AuditEntry.TargetType.MEMBER,
                target_id=membership.user_id,
            )
            .order_by("-created", "-id")
            .first()
        )
        detail = _consequence("unban", membership=membership, actor=actor, ban=ban)
        membership.audit_entry = _audit_member(
            actor=actor,
            membership=membership,
            action=AuditEntry.Action.UNBAN,
            reason=reason,
            detail=detail,
        )
    return membership


def member_leave(*, user, group: ReadingGroup) -> None:
    """Leave a group. The last active owner is refused: they hand the group over first."""
    if not permissions.can_leave_group(user, group):
        raise PermissionDenied("You are not a member of this group.")
    with transaction.atomic():
        _lock(group)
        membership = Membership.objects.active().select_for_update().get(group=group, user=user)
        _keep_an_owner(membership, LAST_OWNER_LEAVES)
        membership.delete()


def member_read_blind(*, user, group: ReadingGroup, blind: bool) -> Membership:
    """A member's own choice to read blind in this group (`Membership.blind`). Only the member
    sets it; an outsider or a banned member has none to set."""
    membership = permissions.membership_for(user, group)
    if membership is None:
        raise PermissionDenied("You are not a member of this group.")
    Membership.objects.filter(pk=membership.pk).update(blind=blind)
    membership.blind = blind
    return membership


# Invites


def invite_create(
    *,
    actor,
    group: ReadingGroup,
    role: str = Membership.Role.MEMBER,
    expires: datetime | None = None,
    max_uses: int | None = None,
) -> Invite:
    """A new invite link. `expires` None: never; `max_uses` None: unlimited."""
    if role not in Invite.Role.values:
        raise ValidationError({"role": "An invite makes a member or a moderator."})
    if group.personal:
        raise ValidationError(PERSONAL_NOT_SHARED)
    if not permissions.can_invite(actor, group, role):
        if role == Membership.Role.MODERATOR and permissions.can_invite(actor, group):
            raise PermissionDenied("Only the group's owners may invite moderators.")
        raise PermissionDenied("Only the group's owners and moderators may invite people.")
    if expires is not None:
        if timezone.is_naive(expires):
            raise ValidationError({"expires": "The expiry needs a time zone."})
        if expires <= timezone.now():
            raise ValidationError({"expires": "The expiry must be in the future."})
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": "An invite must allow at least one use."})
    return Invite.objects.create(
        group=group,
        token=secrets.token_urlsafe(24),
        role=role,
        created_by=actor,
        expires=expires,
        max_uses=max_uses,
    )


def invite_revoke(*, actor, invite: Invite) -> Invite:
    """Revoke the link for good (revoking it again changes nothing)."""
    if not permissions.can_revoke_invite(actor, invite):
        raise PermissionDenied("Only the group's owners and moderators may revoke invite links.")
    if invite.revoked is None:
        invite.revoked = timezone.now()
        invite.save(update_fields=["revoked"])
    return invite


def invite_accept(*, user, invite: Invite) -> tuple[Membership, bool]:
    """Join the invite's group: (the membership, whether it is new).

    Someone already a member stays as they are (no use counted, no change of role). A banned
    member is refused (PermissionDenied); a revoked, expired or used-up link raises
    InviteUnusable, each with its own message. A use is counted by one conditional UPDATE, so a
    link limited to n uses admits n people however many accept it at once.
    """
    group = invite.group
    with transaction.atomic():
        _lock(group)
        existing = Membership.objects.filter(group=group, user=user).first()
        if existing is not None and existing.is_active:
            return existing, False
        if existing is not None:
            raise PermissionDenied(BANNED_CANNOT_JOIN)
        counted = Invite.objects.usable().filter(pk=invite.pk).update(uses=F("uses") + 1)
        invite.refresh_from_db(fields=["uses", "revoked", "expires", "max_uses"])
        if not counted:
            raise InviteUnusable(invite.unusable_reason() or "", state=invite.state())
        membership = Membership.objects.create(group=group, user=user, role=invite.role)
        if joined := hook("MARGINALIA_MEMBER_JOINED"):
            joined(membership, invite)  # whoever made the link hears of it (notifications)
    return membership, True
