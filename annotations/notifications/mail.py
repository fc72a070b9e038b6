"""E-mail for notifications: single mails sent in the background, the daily digest, and the
signed unsubscribe links every mail carries (docs/notifications.md, "E-mail").

A notification's `mail` state says where its mail is (models.Mail). The core sets DUE or DIGEST
when it makes one (choices.mail_states) and calls `schedule` after the commit for the DUE ones
(and again when a pending post is approved). From there:

- `send_due` (the task, tasks.py) mails each DUE notification that `shown_to(recipient)` shows
  now, one mail each, and marks it SENT. One that does not show (a pending post, a post hidden
  before the task ran, a group left) stays DUE: a pending post is mailed once approved.
- A send that fails is logged, counts an attempt and stays DUE: retried by a deferred task when
  the task backend can defer, and by `send_digests` in any case; after MAX_ATTEMPTS it is FAILED.
- `send_digests` (the command, daily from cron) mails each recipient one digest of their DIGEST
  notifications that show, retries the DUE ones, and gives up (NONE, never sent) on DUE and
  DIGEST notifications that have not shown for EXPIRY.
- Every mail is read from `shown_to` and `describe` when it is sent, never from a copy made
  earlier: a post hidden after the fact is in no mail.

Sending twice is avoided by locking the rows being mailed (SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL) and asking for the state again under the lock: a task and the command that meet on
one notification mail it once. SQLite has no row locks; there, a single host, the worst case is
one mail twice.
"""

import email.policy
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from papers.models import ReadingGroup

from . import describe, tasks
from .models import Kind, Mail, Notification
from .shown import shown_to

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A DUE or DIGEST notification that has not shown for this long is given up (NONE).
EXPIRY = timedelta(days=7)
# After the n-th failed attempt, the deferred retry waits RETRY_DELAYS[n - 1].
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 10, 60, 240))

SUBJECT_PREFIX = "[Marginalia] "
UNSUBSCRIBE_SALT = "annotations.notifications.unsubscribe"
EVERY_KIND = "*"  # an unsubscribe token's kind that stops every kind (the digests' links)


# Scheduling


def schedule(notification_ids: list[int]) -> None:
    """Send the due mails of these notifications in the background (after the commit). Never
    fails the request: a task that cannot be queued is logged, and `send_digests` mails what
    stayed DUE."""
    try:
        tasks.send_mails_task.enqueue(list(notification_ids))
    except Exception:
        logger.exception("Could not queue the mails of notifications %s", notification_ids)


def _retry_later(notification_ids: list[int], attempts: int) -> None:
    """Queue another try after a delay, when the task backend can defer (the database one);
    otherwise the next `send_digests` retries."""
    task = tasks.send_mails_task
    if not notification_ids or not task.get_backend().supports_defer:
        return
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    try:
        task.using(run_after=timezone.now() + delay).enqueue(notification_ids)
    except Exception:
        logger.exception("Could not queue a retry of notifications %s", notification_ids)


# Unsubscribe links


@dataclass(frozen=True)
class Unsubscribe:
    """What an unsubscribe link stops: one kind (or EVERY_KIND) of mail from some groups."""

    user_id: int
    group_ids: tuple[int, ...]
    kind: str

    def token(self) -> str:
        return signing.dumps([self.user_id, list(self.group_ids), self.kind], salt=UNSUBSCRIBE_SALT)

    def url(self) -> str:
        return _site(reverse("annotations:mail_unsubscribe", kwargs={"token": self.token()}))

    @classmethod
    def read(cls, token: str) -> "Unsubscribe":
        """The link's content; signing.BadSignature when it was not made here or was changed,
        ValueError when it is signed but not of this shape."""
        user_id, group_ids, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        if not (
            isinstance(user_id, int)
            and isinstance(group_ids, list)
            and group_ids
            and all(isinstance(g, int) for g in group_ids)
            and (kind == EVERY_KIND or kind in Kind.values)
        ):
            raise ValueError("not an unsubscribe token")
        return cls(user_id, tuple(group_ids), kind)


# The mails


def _line(text: str, limit: int = 180) -> str:
    """One line (a subject may hold no line break: the title of a paper might)."""
    return Truncator(" ".join(text.split())).chars(limit)


def _site(path: str) -> str:
    return settings.MARGINALIA_SITE_URL + path


def _account_url() -> str:
    return _site(reverse("accounts:account")) + "#mail"


def _about(n: Notification) -> list[str]:
    """A notification's lines: what happened, the post's words (quoted), the reason, the link."""
    lines = [describe.sentence(n)]
    words = describe.text(n)
    if words:
        lines.append(f"> {words}")
    reason = describe.reason(n)
    if reason:
        lines.append(f"Reason: {reason}")
    lines.append(_site(describe.url(n)))
    return lines


class _Mail(EmailMessage):
    """A mail whose headers are never folded into RFC 2047 encoded words. Python folds a header
    past 78 characters, and one long word (the List-Unsubscribe link) it can only fold by
    encoding it, which no mail client reads as a link. RFC 5322 allows lines of 998."""

    if django.VERSION >= (6, 1):  # 5.2's message() takes no policy, and folds at spaces only

        def message(self, *, policy=email.policy.default):
            return super().message(policy=policy.clone(max_line_length=998))


def _message(recipient, subject: str, body: str, unsubscribe: Unsubscribe) -> EmailMessage:
    link = unsubscribe.url()
    return _Mail(
        subject=SUBJECT_PREFIX + _line(subject),
        body=body,
        to=[recipient.email],
        headers={
            # RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one click.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no vacation replies to a machine.
            "Auto-Submitted": "auto-generated",
        },
    )


def single_message(n: Notification) -> EmailMessage:
    """One notification's mail (the row read with describe.with_related)."""
    stop = Unsubscribe(n.recipient_id, (n.group_id,), n.kind)
    body = "\n\n".join(
        [
            "\n\n".join(_about(n)),
            "—",
            f"You get this mail because you chose e-mail about “{Kind(n.kind).label.lower()}” "
            f"in {n.group.name}.\n"
            f"Stop these mails: {stop.url()}\n"
            f"Change your e-mail choices: {_account_url()}",
        ]
    )
    return _message(n.recipient, describe.sentence(n), body, stop)


def digest_message(recipient, rows: list[Notification]) -> EmailMessage:
    """One recipient's digest: the notifications by group, each group with its own link to
    stop its mail (every kind: the digest is all the group's mail); the List-Unsubscribe header
    stops every group in the digest."""
    by_group: dict[int, list[Notification]] = defaultdict(list)
    for n in rows:
        by_group[n.group_id].append(n)
    parts = []
    for group_id, items in by_group.items():
        group = items[0].group
        heading = f"{group.name} ({len(items)})"
        entries = ["\n".join(_about(n)) for n in items]
        stop = Unsubscribe(recipient.pk, (group_id,), EVERY_KIND)
        footer = f"Stop e-mail from {group.name}: {stop.url()}"
        parts.append("\n\n".join([heading, "=" * len(heading), *entries, footer]))
    count = len(rows)
    summary = f"{count} new notification{'s' if count != 1 else ''} in your reading groups"
    body = "\n\n\n".join(
        [
            f"{summary}.",
            *parts,
            f"—\nYou get one mail a day because you chose a daily digest.\n"
            f"Change your e-mail choices: {_account_url()}",
        ]
    )
    everything = Unsubscribe(recipient.pk, tuple(by_group), EVERY_KIND)
    return _message(recipient, summary, body, everything)


# Sending


@dataclass
class Outcome:
    """What a run mailed: `sent` mails (digests count one each), `failed` sends."""

    sent: int = 0
    failed: int = 0


def _locked(recipient, **where) -> list[Notification]:
    """The recipient's notifications that show and match `where`, with what describe reads,
    locked for this transaction (others' locks skipped: someone is mailing those). `where` is
    on the locked rows themselves, so PostgreSQL asks it again of a row changed meanwhile (a
    state just set SENT by someone else). One query."""
    shown = shown_to(recipient).filter(**where)
    return list(
        describe.with_related(shown)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("group__name", "group_id", "-created", "-id")
    )


def _failed(rows: list[Notification], error_note: str) -> list[int]:
    """Count an attempt on each; those at MAX_ATTEMPTS are FAILED for good (logged). Returns
    the ids still to retry."""
    ids = [n.pk for n in rows]
    Notification.objects.filter(pk__in=ids).update(mail_attempts=F("mail_attempts") + 1)
    given_up = [n.pk for n in rows if n.mail_attempts + 1 >= MAX_ATTEMPTS]
    if given_up:
        Notification.objects.filter(pk__in=given_up).update(mail=Mail.FAILED)
        logger.error("Gave up mailing notifications %s (%s)", given_up, error_note)
    return [i for i in ids if i not in given_up]


def _no_address(recipient) -> bool:
    """A recipient without an address (or a deactivated account) gets no mail: their DUE and
    DIGEST notifications become NONE, there being nowhere to send them."""
    if recipient.email and recipient.is_active:
        return False
    Notification.objects.filter(recipient=recipient, mail__in=[Mail.DUE, Mail.DIGEST]).update(
        mail=Mail.NONE
    )
    return True


def send_singles(recipient, ids: list[int] | None = None) -> Outcome:
    """Mail each of the recipient's DUE notifications that shows (among `ids`; None: all of
    them), one mail each."""
    outcome = Outcome()
    if _no_address(recipient):
        return outcome
    retry: list[int] = []
    attempts = 0
    with transaction.atomic():
        among = {} if ids is None else {"pk__in": ids}
        due = _locked(recipient, mail=Mail.DUE, **among)
        sent = []
        for n in due:
            try:
                single_message(n).send()
            except Exception:
                logger.exception("Could not mail notification %s to user %s", n.pk, recipient.pk)
                outcome.failed += 1
                retry += _failed([n], "single mail")
                attempts = max(attempts, n.mail_attempts + 1)
            else:
                sent.append(n.pk)
        Notification.objects.filter(pk__in=sent).update(mail=Mail.SENT)
        outcome.sent = len(sent)
    _retry_later(retry, attempts)
    return outcome


def send_due(notification_ids: list[int]) -> Outcome:
    """The task: mail the DUE notifications among these ids (module docstring). Queries: one,
    then a few per recipient."""
    outcome = Outcome()
    rows = Notification.objects.filter(pk__in=notification_ids, mail=Mail.DUE)
    recipients = get_user_model().objects.filter(pk__in=rows.values("recipient_id"))
    for recipient in recipients:
        done = send_singles(recipient, notification_ids)
        outcome.sent += done.sent
        outcome.failed += done.failed
    return outcome


def send_digest(recipient) -> Outcome:
    """Mail the recipient one digest of their DIGEST notifications that show (none: no mail)."""
    outcome = Outcome()
    if _no_address(recipient):
        return outcome
    with transaction.atomic():
        rows = _locked(recipient, mail=Mail.DIGEST)
        if not rows:
            return outcome
        try:
            digest_message(recipient, rows).send()
        except Exception:
            logger.exception("Could not mail a digest to user %s", recipient.pk)
            outcome.failed = 1
            _failed(rows, "digest")  # stays DIGEST: the next run tries again
        else:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(mail=Mail.SENT)
            outcome.sent = 1
    return outcome


def expire(recipient) -> int:
    """Give up the recipient's DUE and DIGEST notifications older than EXPIRY that still do not
    show (NONE: never mailed). One query."""
    old = Notification.objects.filter(
        recipient=recipient,
        mail__in=[Mail.DUE, Mail.DIGEST],
        created__lt=timezone.now() - EXPIRY,
    )
    return old.exclude(pk__in=shown_to(recipient).values("pk")).update(mail=Mail.NONE)


@dataclass
class DigestRun:
    digests: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0

    def __str__(self) -> str:
        return (
            f"{self.digests} digest{'s' if self.digests != 1 else ''} sent, "
            f"{self.retried} retried, {self.failed} failed"
            + (f", {self.expired} given up unseen" if self.expired else "")
        )


def send_digests() -> DigestRun:
    """The daily run (`manage.py send_digests`): for each recipient with mail waiting, give up
    what has not shown for EXPIRY, mail the DUE ones a task has not (failed, or never ran), and
    one digest. A handful of queries per recipient, whatever the number of notifications."""
    run = DigestRun()
    waiting = Notification.objects.filter(mail__in=[Mail.DUE, Mail.DIGEST])
    recipients = (
        get_user_model().objects.filter(pk__in=waiting.values("recipient_id")).order_by("pk")
    )
    for recipient in recipients:
        run.expired += expire(recipient)
        singles = send_singles(recipient)
        digest = send_digest(recipient)
        run.retried += singles.sent
        run.digests += digest.sent
        run.failed += singles.failed + digest.failed
    return run


def groups_named(group_ids) -> list[ReadingGroup]:
    """The groups an unsubscribe link names that still exist, by name."""
    return list(ReadingGroup.objects.filter(pk__in=group_ids).order_by("name"))
