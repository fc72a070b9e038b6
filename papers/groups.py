"""Reading groups and their members: the writes. Each owns its transaction and raises
ValidationError or PermissionDenied with a message a person can act on.

Who may do what is asked of `papers.permissions`; these functions never decide it themselves.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import Membership, ReadingGroup

__all__ = ["group_create", "unique_group_slug"]

SLUG_MAX = 80
# Room left in a slug for a "-<suffix>" that makes it unique.
_SLUG_BASE_MAX = 60


def unique_group_slug(name: str, *, hint: str = "") -> str:
    """A slug made from the name that no group uses yet.

    The plain slug first; when taken, the slug with `hint` (e.g. the owner's username); then with a
    short random suffix. A race with another insert is caught by the unique constraint
    (`group_create` retries).
    """
    base = slugify(name)[:_SLUG_BASE_MAX].strip("-") or "group"
    candidates = [base]
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
