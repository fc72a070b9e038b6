"""What papers calls in the apps built on it, without importing them: a setting names a
function by its dotted path and config wires the two (docs/architecture.md). papers never
imports annotations.

The settings: `MARGINALIA_BAN_CONSEQUENCES` (`{"ban": …, "unban": …}`, papers.groups),
`MARGINALIA_PAPER_TEXT_SAVED` and `MARGINALIA_PAPER_ADDED` (papers.saving),
`MARGINALIA_MEMBER_JOINED` (papers.groups: someone joined through an invite link),
`MARGINALIA_PAPER_OVERVIEWS` and
`MARGINALIA_GROUP_ACTIVITY` (the group page, papers.views), `MARGINALIA_ACCOUNT_MAIL` (the
account page's e-mail section, papers.accounts.views). An empty setting (or key): nothing.
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _imported(path: str) -> Callable:
    return import_string(path)


def hook(setting: str, key: str | None = None) -> Callable | None:
    """The function the setting names (with `key`, the one its dict names under that key), or
    None when it names none. Read at each call, so that tests may override the setting."""
    path = getattr(settings, setting, None) or ("" if key is None else {})
    if key is not None:
        path = path.get(key)
    return _imported(path) if path else None
