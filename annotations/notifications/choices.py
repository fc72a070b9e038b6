"""A member's e-mail choices per group (`MailChoice`; no row: `DEFAULT_MAIL_KINDS`, one mail
each), read when a notification is made: each gets its `mail` state from them."""

from papers.models import ReadingGroup

from .models import DEFAULT_MAIL_KINDS, Mail, MailChoice


def mail_states(kinds: dict[int, str], group: ReadingGroup) -> dict[int, str]:
    """For each user (`kinds`: user id → the notification's kind), how their notification in
    `group` is mailed: at once (DUE), in the next digest (DIGEST) or not (NONE). One query."""
    chosen = {c.user_id: c for c in MailChoice.objects.filter(group=group, user_id__in=kinds)}
    states = {}
    for user_id, kind in kinds.items():
        choice = chosen.get(user_id)
        kinds = choice.kinds if choice else DEFAULT_MAIL_KINDS
        if kind not in kinds:
            states[user_id] = Mail.NONE
        else:
            states[user_id] = Mail.DIGEST if choice and choice.digest else Mail.DUE
    return states
