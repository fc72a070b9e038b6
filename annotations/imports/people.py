"""Who an imported post is credited to, and what is kept of who wrote it.

An import never speaks for anyone else. Every annotation, comment and link it creates is the
importer's own (`author`), whatever name the file gives: a member could otherwise publish a post
as the group's owner, or as a stranger. What the file says about the post's origin is kept as
its attribution (annotations.models.Attributed): the author's name as the source spelled it,
the date the source gives, the source ("Hypothesis", "Marginalia export") and its address. The
name is only text: it is never looked up as an account here, no account is created for it, and
it reserves nothing (docs/imports.md, "Attribution").
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model

from .checks import at, get, refuse

HYPOTHESIS = "Hypothesis"
NATIVE = "Marginalia export"


def username(row: dict, key: str, path: str) -> str | None:
    """An author's name from the file (null: the account was gone there), checked as a username
    of this site would be: it is shown beside the post."""
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


def attribution(
    *, author: str | None, created: datetime | None, source: str, url: str | None = None
) -> dict:
    """The Attributed fields of one imported post. The author's name is kept even when it is
    the importer's (a later export and import elsewhere still says who wrote it); the pages
    leave it out when it names the post's author."""
    return {
        "source_author": author or "",
        "source_created": created,
        "source_name": source,
        "source_url": url or "",
    }


def attributed_names(names: Iterable[str | None], *, importer) -> list[str]:
    """The report's `attributed`: the names kept as attribution that are not the importer's
    (compared without regard to case, as logins are), sorted, once each."""
    own = importer.get_username().lower()
    found: dict[str, str] = {}
    for name in names:
        if name and name.lower() != own:
            found.setdefault(name.lower(), name)
    return sorted(found.values(), key=str.lower)
