"""What every page's template gets from the notifications: the navigation's bell.

`bell` for a signed-in user (nothing for anyone else): its `unread` count is asked when the
template first reads it (one query, `shown.unread_count`, the rule every surface goes through),
so a page that does not draw the navigation pays nothing; `url`, `api` and `poll` are what
static/notifications/bell.js needs to keep the number live without a reload.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property

from .shown import unread_count


class Bell:
    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)

    @property
    def url(self) -> str:
        return reverse("annotations:notifications")

    @property
    def api(self) -> str:
        return reverse("notification-list")

    @property
    def poll(self) -> int:
        return settings.MARGINALIA_BELL_POLL_MS


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
