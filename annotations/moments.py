"""How long ago something happened, in words, the same on every page that says it (the group's
activity and its papers' last activity, a member's page, the notifications)."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.timesince import timesince


def ago(moment: datetime, now: datetime | None = None) -> str:
    """In the largest unit ("3 hours ago"); "just now" under a minute (where Django's
    timesince says "0 minutes")."""
    now = now or timezone.now()
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"
