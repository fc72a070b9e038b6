"""`manage.py send_digests`: one digest a day per member who chose it, of what they may see now,
by group; the single mails that failed, again; what never showed, given up after 7 days. Twice
sends nothing twice; its queries grow with recipients, not with notifications."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.moderation import services as moderation
from annotations.notifications.choices import mail_choice_set
from annotations.notifications.models import Mail, Notification
from papers.groups import member_leave
from papers.models import Membership
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

from ..conftest import make_annotation, make_comment
from .mailing import header_link, link_in, mail_state, mails_to


def send_digests() -> str:
    out = StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def digester(member, group):
    """The member, who chose a daily digest of replies and threads in the group."""
    mail_choice_set(user=member, group=group, kinds=["reply", "thread"], digest=True)
    return member


@pytest.fixture
def answered(digester, owner, paragraph, django_capture_on_commit_callbacks):
    """Two replies to the digester's annotation, by the owner."""
    annotation = make_annotation(digester, paragraph, note="My reading.")
    with django_capture_on_commit_callbacks(execute=True):
        first = make_comment(owner, annotation=annotation, body="First answer.")
        second = make_comment(owner, annotation=annotation, body="Second answer.")
    return first, second


def test_a_digest_instead_of_single_mails(answered, digester):
    assert mail.outbox == []  # nothing at once
    assert send_digests() == "1 digest sent, 0 retried, 0 failed."
    (digest,) = mails_to(digester)
    assert digest.subject == "[Marginalia] 2 new notifications in your reading groups"
    assert "Seminar (2)" in digest.body
    assert "> First answer." in digest.body and "> Second answer." in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail_state(digester) == [Mail.SENT, Mail.SENT]


def test_running_twice_sends_nothing_twice(answered, digester):
    send_digests()
    assert send_digests() == "0 digests sent, 0 retried, 0 failed."
    assert len(mail.outbox) == 1


def test_one_digest_lists_every_group(answered, digester, owner):
    other = make_group("Book Club")
    join(other, digester)
    join(other, owner, Membership.Role.OWNER)
    mail_choice_set(user=digester, group=other, kinds=["paper"], digest=True)
    from annotations.notifications import services as notify

    notify.paper_added(make_paper(other, user=owner, title="Club Reading"))
    send_digests()
    (digest,) = mail.outbox
    assert digest.body.index("Book Club (1)") < digest.body.index("Seminar (2)")
    assert "olive added “Club Reading” to Book Club" in digest.body
    # One link per group, stopping that group's mail; the header's stops both.
    assert link_in(digest, "Stop e-mail from Book Club") != link_in(digest, "Stop e-mail from Se")
    assert header_link(digest) not in {link_in(digest, "Stop e-mail from Book Club")}


def test_a_hidden_post_is_not_in_the_digest(answered, digester, moderator):
    first, _ = answered
    moderation.moderate(actor=moderator, target=first, action="hide", reason="Off topic")
    send_digests()
    (digest,) = mail.outbox
    assert "First answer" not in digest.body and "Second answer" in digest.body
    assert mail_state(digester) == [Mail.DIGEST, Mail.SENT]  # kept, should it be unhidden


@pytest.mark.parametrize("how", ["banned", "left"])
def test_a_member_banned_or_gone_gets_no_digest(answered, digester, group, how):
    if how == "left":
        member_leave(user=digester, group=group)
    else:
        Membership.objects.filter(user=digester).update(status=Membership.Status.BANNED)
    assert send_digests() == "0 digests sent, 0 retried, 0 failed."
    assert mail.outbox == []


def test_what_never_shows_is_given_up_after_seven_days(answered, digester, group, moderator):
    first, _ = answered
    moderation.moderate(actor=moderator, target=first, action="hide", reason="Off topic")
    Notification.objects.filter(recipient=digester).update(
        created=timezone.now() - timedelta(days=8)
    )
    assert send_digests() == "1 digest sent, 0 retried, 0 failed, 1 given up unseen."
    assert mail_state(digester) == [Mail.NONE, Mail.SENT]


def test_a_failed_digest_stays_for_the_next_run(answered, digester, monkeypatch, caplog):
    from django.core.mail import EmailMessage

    def refuse(self, *args, **kwargs):
        raise OSError("no SMTP server")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    assert send_digests() == "0 digests sent, 0 retried, 1 failed."
    assert "Could not mail a digest" in caplog.text
    assert mail_state(digester) == [Mail.DIGEST, Mail.DIGEST]
    monkeypatch.undo()
    assert send_digests() == "1 digest sent, 0 retried, 0 failed."


# Queries: a handful per recipient, whatever the number of notifications


def _scene(group, owner, paragraph, recipients: int, replies: int):
    """`recipients` members who chose digests, each with `replies` replies waiting, in another
    group as well (two groups per digest)."""
    other = make_group(f"Other {recipients}-{replies}")
    other_paper = make_paper(other, user=owner)
    other_paragraph = other_paper.paragraphs.filter(kind="body").first()
    join(other, owner, Membership.Role.OWNER)
    for i in range(recipients):
        reader = make_user(f"reader{recipients}x{replies}x{i}")
        for g, p in ((group, paragraph), (other, other_paragraph)):
            join(g, reader)
            mail_choice_set(user=reader, group=g, kinds=["reply"], digest=True)
            annotation = make_annotation(reader, p)
            for j in range(replies):
                make_comment(owner, annotation=annotation, body=f"Answer {j}.")


def _queries_of_one_run() -> int:
    with CaptureQueriesContext(connection) as queries:
        send_digests()
    return len(queries)


def test_queries_are_constant_per_recipient(group, owner, paragraph):
    _scene(group, owner, paragraph, recipients=1, replies=1)
    one_few = _queries_of_one_run()
    _scene(group, owner, paragraph, recipients=1, replies=6)
    one_many = _queries_of_one_run()
    _scene(group, owner, paragraph, recipients=3, replies=2)
    three = _queries_of_one_run()
    assert one_few == one_many  # not per notification
    per_recipient = three - one_few
    assert per_recipient % 2 == 0 and per_recipient // 2 <= 10  # a few for each new recipient


def test_the_digest_run_stays_within_its_queries(
    group, owner, paragraph, django_assert_max_num_queries
):
    _scene(group, owner, paragraph, recipients=2, replies=5)
    with django_assert_max_num_queries(2 + 2 * 10):
        send_digests()
    assert len(mail.outbox) == 2
