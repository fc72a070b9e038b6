"""Signals papers sends for the apps built on it (papers never imports them).

`member_banned(sender=Membership, membership, actor)` and `member_unbanned(sender=Membership,
membership, actor, ban)` are sent inside the ban's transaction, after the membership changed.
A receiver may return a dict: it is merged into the audit entry's `detail` (the annotations app
records there which posts a ban hid, and reads it back from `ban.detail` on unban).
"""

from django.dispatch import Signal

member_banned = Signal()
member_unbanned = Signal()
