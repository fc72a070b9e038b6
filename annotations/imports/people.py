"""Authors of imported items, mapped by username.

An account with that username (compared without regard to case, as logins are) is the author
when it is the importer's own or belongs to someone in the target group (a member, banned ones
included): people who are in the group. Anyone else's real account is never credited with what a
file says: a member could otherwise put words in a stranger's mouth. Their items, and those of
unknown usernames, go to placeholder accounts: inactive, with an unusable password and no e-mail
address, so that nobody can log in or get an API token as one (Django's and allauth's backends
and DRF's TokenAuthentication all refuse inactive users). A placeholder takes the username when
it is free, else `<name>-imported` (a number added while that is taken by someone real); an
existing placeholder is used again. Placeholders are not members of any group: they only carry a
name. Nobody is made a member by an import.
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


def _free_placeholder_name(name: str) -> str:
    """`<name>-imported`, or with a number while that is someone real's (one query a try; only
    for names of real accounts outside the group, a handful per file)."""
    User = get_user_model()
    limit = User._meta.get_field("username").max_length
    for n in range(1, 1000):
        suffix = "-imported" if n == 1 else f"-imported-{n}"
        candidate = name[: limit - len(suffix)] + suffix
        holder = User.objects.filter(username__iexact=candidate).first()
        if holder is None or is_placeholder(holder):
            return candidate
    refuse("author", f"no free placeholder name for {name!r}")  # pragma: no cover


def authors_for(names: Iterable[str], *, group, importer) -> tuple[dict, list[str]]:
    """{username in the file: user} for every name, and the placeholder names made or used.

    A few queries and one insert whatever the number of names. A name made at the same moment by
    another import (or a sign-up) is taken as found (`ignore_conflicts`, then read back).
    """
    User = get_user_model()
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return {}, []

    def accounts(lowered_names) -> dict:
        rows = User.objects.annotate(lowered=Lower("username")).filter(
            lowered__in=list(lowered_names)
        )
        return {user.lowered: user for user in rows}

    found = accounts(wanted)
    in_group = set(
        group.memberships.filter(user__in=list(found.values())).values_list("user_id", flat=True)
    )
    in_group.add(importer.pk)
    stand_in: dict[str, str | None] = {}  # lowered name in the file -> placeholder username
    for lowered, name in wanted.items():
        user = found.get(lowered)
        if user is None or is_placeholder(user):
            stand_in[lowered] = name
        elif user.pk not in in_group:
            stand_in[lowered] = None  # named below
    for lowered, value in stand_in.items():
        if value is None:
            stand_in[lowered] = _free_placeholder_name(wanted[lowered])
    placeholders = sorted(set(stand_in.values()))
    made = accounts(n.lower() for n in placeholders)
    missing = [n for n in placeholders if n.lower() not in made]
    if missing:
        User.objects.bulk_create([placeholder(n) for n in missing], ignore_conflicts=True)
        made = accounts(n.lower() for n in placeholders)
    users = {}
    for lowered, name in wanted.items():
        if lowered in stand_in:
            users[name] = made[stand_in[lowered].lower()]
        else:
            users[name] = found[lowered]
    return users, placeholders
