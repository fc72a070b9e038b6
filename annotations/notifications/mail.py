"""E-mail for notifications (placeholder until the mail part lands: nothing is sent)."""


def schedule(notification_ids: list[int]) -> None:
    """Send the due mails of these notifications in the background (after the commit)."""
