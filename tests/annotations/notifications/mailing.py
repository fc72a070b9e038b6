"""Helpers of the e-mail tests: who got which mail (Django's test outbox), and the unsubscribe
link a mail carries."""

import re

from django.core import mail

from annotations.notifications.models import Notification


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def link_in(message, text: str) -> str:
    """The site-relative path of the link on the line that starts with `text`."""
    match = re.search(rf"^{re.escape(text)}.*?https?://[^/\s]+(/\S*)", message.body, re.M)
    assert match, message.body
    return match.group(1)


def header_link(message) -> str:
    """The path of the List-Unsubscribe header's link."""
    return re.match(r"<https?://[^/]+(/\S*)>", message.extra_headers["List-Unsubscribe"]).group(1)


def mail_state(user) -> list[str]:
    """The mail states of the user's notifications, oldest first."""
    rows = Notification.objects.filter(recipient=user).order_by("created", "id")
    return list(rows.values_list("mail", flat=True))
