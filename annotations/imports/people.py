"""Authors of imported items, mapped by username.

An account with that username (compared without regard to case, as logins are) is used as it
is, and is not made a member of the group. An unknown username becomes a placeholder account:
inactive, with an unusable password and no e-mail address, so that nobody can log in or get an
API token as it (Django's and allauth's backends and DRF's TokenAuthentication all refuse inactive
users). Placeholders are not members of any group either: they only carry a name.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower

from .checks import at, get, refuse


def username(row: dict, key: str, path: str) -> str | None:
    """An author's username from the file (null: the account was gone), checked as a username
    of this site would be."""
    value = get(row, key, path, None)
    if value is None:
        return None
    User = get_user_model()
    limit = User._meta.get_field(User.USERNAME_FIELD).max_length
    if not isinstance(value, str) or not value or len(value) > limit:
        refuse(at(path, key), f"{value!r} is not a username (1 to {limit} characters)")
    try:
        User.username_validator(value)
    except Exception:  # a ValidationError naming the allowed characters: say it our way
        refuse(
            at(path, key),
            f"{value!r} is not a username: letters, digits and @ . + - _ only",
        )
    return value


def placeholder(name: str):
    """An unsaved account that cannot log in (module docstring)."""
    user = get_user_model()(username=name, is_active=False)
    user.set_unusable_password()
    return user


def is_placeholder(user) -> bool:
    return not user.is_active and not user.has_usable_password()


def authors_for(names: Iterable[str]) -> tuple[dict, list[str]]:
    """{username: user} for every name, and the names for which a placeholder was made.

    Two queries and one insert whatever the number of names. A name made at the same moment by
    another import (or a sign-up) is taken as found (`ignore_conflicts`, then read back).
    """
    User = get_user_model()
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return {}, []

    def existing() -> dict:
        rows = User.objects.annotate(lowered=Lower("username")).filter(lowered__in=wanted)
        return {user.lowered: user for user in rows}

    found = existing()
    missing = sorted(name for lowered, name in wanted.items() if lowered not in found)
    if missing:
        User.objects.bulk_create([placeholder(name) for name in missing], ignore_conflicts=True)
        found = existing()
    users = {name: found[lowered] for lowered, name in wanted.items()}
    return users, missing
