"""Single notification mails (annotations.notifications.mail): sent by the task after the commit,
per the member's choices (replies and mentions by default), never with what the recipient may not
see now (hidden, pending, blind mode), retried when the send fails."""

import email.policy
import logging

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from annotations.moderation import services as moderation
from annotations.notifications import mail as notification_mail
from annotations.notifications import services as notify
from annotations.notifications.choices import mail_choice_set
from annotations.notifications.models import Kind, Mail, Notification
from annotations.services import comment_update
from papers.groups import invite_accept, invite_create
from papers.models import Membership
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

from ..conftest import make_annotation, make_comment, premoderated
from .mailing import header_link, mail_state, mails_to


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the code left for after the commit (the mails' task, immediate in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def annotated(member, paragraph):
    """The member's annotation, which the owner then answers."""
    return make_annotation(member, paragraph, note="Readers disagree **often**.")


def test_a_reply_is_mailed_by_default(committed, annotated, member, owner, settings):
    settings.MARGINALIA_SITE_URL = "https://reading.example.org"
    with committed():
        make_comment(owner, annotation=annotated, body="Not *that* often.")
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Marginalia] olive replied to you on “On Reading Together”"
    assert "> Not that often." in message.body  # the post's words, as plain text
    link = f"https://reading.example.org/papers/{annotated.paper_id}/?panel=1#"
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header_link(message).startswith("/notifications/unsubscribe/")
    assert mail_state(member) == [Mail.SENT]
    # As the SMTP backend writes it: the link whole, not folded into encoded words.
    raw = message.message(policy=email.policy.SMTP).as_bytes().decode()
    assert f"\r\nList-Unsubscribe: <{message.extra_headers['List-Unsubscribe'][1:]}\r\n" in raw


def test_a_mention_is_mailed_by_default(committed, member, owner, paragraph):
    with committed():
        make_comment(owner, paragraph=paragraph, body="Ask @amina.")
    (message,) = mails_to(member)
    assert "olive mentioned you in a comment" in message.subject
    assert "> Ask @amina." in message.body


def test_user_text_is_never_a_header(committed, annotated, member, owner, paper):
    paper.title = "Two\nlines\r\nBcc: someone@example.org"
    paper.save()
    with committed():
        make_comment(owner, annotation=annotated, body="Yes.")
    (message,) = mail.outbox
    assert message.subject == (
        "[Marginalia] olive replied to you on “Two lines Bcc: someone@example.org”"
    )
    assert message.recipients() == [member.email]


@pytest.fixture
def follower(member, paragraph):
    notify.follow_set(user=member, paragraph=paragraph, follow=True)
    return member


def test_threads_are_not_mailed_by_default(committed, follower, owner, paragraph):
    with committed():
        make_comment(owner, paragraph=paragraph, body="A thought.")
    assert mail.outbox == []
    assert mail_state(follower) == [Mail.NONE]


def test_threads_are_mailed_once_chosen(committed, follower, owner, group, paragraph):
    mail_choice_set(user=follower, group=group, kinds=["thread"], digest=False)
    with committed():
        make_comment(owner, paragraph=paragraph, body="A thought.")
    (message,) = mails_to(follower)
    assert "commented in a discussion you follow" in message.subject


def test_new_papers_are_mailed_only_once_chosen(committed, group, owner, member, moderator):
    mail_choice_set(user=member, group=group, kinds=["paper", "joined"], digest=False)
    with committed():
        notify.paper_added(make_paper(group, user=owner, title="Fresh"))
    (message,) = mail.outbox  # the moderator kept the defaults: nothing
    assert message.to == [member.email]
    assert message.subject == "[Marginalia] olive added “Fresh” to Seminar"
    assert mail_state(moderator) == [Mail.NONE]


@pytest.mark.parametrize("chosen", [False, True])
def test_joins_through_an_invite_are_mailed_only_once_chosen(committed, group, owner, chosen):
    if chosen:
        mail_choice_set(user=owner, group=group, kinds=["joined"], digest=False)
    invite = invite_create(actor=owner, group=group)
    with committed():
        invite_accept(user=make_user("newcomer"), invite=invite)
    assert [m.subject for m in mails_to(owner)] == (
        ["[Marginalia] newcomer joined Seminar through your invite link"] if chosen else []
    )


def test_no_address_no_mail(committed, annotated, member, owner):
    member.email = ""
    member.save()
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
    assert mail.outbox == []
    assert mail_state(member) == [Mail.NONE]


# Never a leak


def test_a_post_hidden_before_the_task_runs_is_not_mailed(
    committed, annotated, member, owner, moderator
):
    with committed() as callbacks:
        comment = make_comment(owner, annotation=annotated, body="Rude words.")
        moderation.moderate(actor=moderator, target=comment, action="hide", reason="Rude")
    assert len(callbacks) == 1  # the task ran after the hiding
    assert mail.outbox == []
    assert mail_state(member) == [Mail.DUE]  # were it unhidden, it would go out with the digest run


def test_a_pending_post_is_mailed_once_approved(committed, annotated, member, group, moderator):
    ben = make_user("ben")
    join(group, ben)
    with committed():
        comment = premoderated(
            group, lambda: make_comment(ben, annotation=annotated, body="Waiting.")
        )
    assert comment.status == "pending"
    assert mail.outbox == []
    assert mail_state(member) == [Mail.DUE]
    with committed():
        moderation.moderate(actor=moderator, target=comment, action="approve")
    (message,) = mails_to(member)
    assert "> Waiting." in message.body
    assert Notification.objects.get(recipient=member, comment=comment).mail == Mail.SENT


def test_an_edit_after_the_fact_is_what_the_mail_says(committed, annotated, member, owner):
    with committed() as callbacks:
        comment = make_comment(owner, annotation=annotated, body="First words.")
        comment_update(comment=comment, user=owner, body="Second words.")
    assert callbacks
    (message,) = mail.outbox
    assert "> Second words." in message.body and "First" not in message.body


def test_blind_mode_withholds_the_mail(committed, follower, owner, group, paragraph):
    """A blind member following a paragraph is not mailed another's comment on an annotation
    they have not seen (they have not tagged the paragraph yet)."""
    Membership.objects.filter(user=follower, group=group).update(blind=True)
    mail_choice_set(user=follower, group=group, kinds=["thread"], digest=False)
    theirs = make_annotation(owner, paragraph, note="The owner's reading.")
    with committed():
        make_comment(owner, annotation=theirs, body="About my reading.")
    assert mail.outbox == []
    assert mail_state(follower) == [Mail.DUE]


def test_a_recipient_who_left_before_the_task_is_not_mailed(committed, annotated, member, owner):
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
        Membership.objects.filter(user=member).update(status=Membership.Status.BANNED)
    assert mail.outbox == []


# Failures


@pytest.fixture
def broken_mail(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def test_a_failed_send_is_logged_and_kept_for_a_retry(
    committed, annotated, member, owner, broken_mail, caplog
):
    with caplog.at_level(logging.ERROR, logger="annotations.notifications.mail"):
        with committed():
            make_comment(owner, annotation=annotated, body="Reply.")  # the request is not failed
    assert "Could not mail notification" in caplog.text
    row = Notification.objects.get(recipient=member)
    assert (row.mail, row.mail_attempts) == (Mail.DUE, 1)
    broken_mail.undo()
    run = notification_mail.send_digests()
    assert (run.retried, run.failed) == (1, 0)
    assert len(mails_to(member)) == 1
    row.refresh_from_db()
    assert row.mail == Mail.SENT


def test_a_send_that_keeps_failing_is_failed_after_five_attempts(
    committed, annotated, member, owner, broken_mail, caplog
):
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
    for _ in range(4):
        notification_mail.send_digests()
    row = Notification.objects.get(recipient=member)
    assert (row.mail, row.mail_attempts) == (Mail.FAILED, 5)
    assert "Gave up mailing notifications" in caplog.text
    assert notification_mail.send_digests().failed == 0  # given up: not tried again


class FakeTask:
    """Stands for the mails' task: runs at once (as the immediate backend) or refuses, and
    records the deferred retries asked of a backend that can defer."""

    def __init__(self, *, refuse=False, defers=False):
        self.refuse, self.deferred = refuse, []
        self.backend = type("Backend", (), {"supports_defer": defers})()

    def get_backend(self):
        return self.backend

    def using(self, **options):
        self.deferred.append(options)
        return type("Deferred", (), {"enqueue": lambda _, ids: None})()

    def enqueue(self, ids):
        if self.refuse:
            raise RuntimeError("the queue is down")
        notification_mail.send_due(ids)


def test_a_queue_that_cannot_take_the_task_fails_nothing(
    committed, annotated, member, owner, monkeypatch, caplog
):
    monkeypatch.setattr(notification_mail.tasks, "send_mails_task", FakeTask(refuse=True))
    with committed():
        comment = make_comment(owner, annotation=annotated, body="Reply.")
    assert comment.pk and "Could not queue the mails" in caplog.text
    assert mail_state(member) == [Mail.DUE]
    assert notification_mail.send_digests().retried == 1


def test_a_failure_is_retried_later_when_the_backend_can_defer(
    committed, annotated, member, owner, broken_mail, monkeypatch
):
    task = FakeTask(defers=True)
    monkeypatch.setattr(notification_mail.tasks, "send_mails_task", task)
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
    (options,) = task.deferred
    assert options["run_after"] > Notification.objects.get(recipient=member).created


def test_the_database_backend_queues_the_mail_and_a_deferred_retry(
    committed, annotated, member, owner, broken_mail, settings
):
    """With the production backend (django-tasks-db): the request only queues the task; the
    worker's run that fails queues a retry for later."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "annotations.notifications.tasks.send_mails_task"
    assert mail.outbox == [] and mail_state(member) == [Mail.DUE]
    queued.task.call(*queued.args_kwargs["args"])  # as db_worker runs it
    assert mail_state(member) == [Mail.DUE]
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"] == queued.args_kwargs["args"]


def test_no_deferred_retry_without_a_backend_that_defers(
    committed, annotated, owner, broken_mail, monkeypatch
):
    task = FakeTask(defers=False)
    monkeypatch.setattr(notification_mail.tasks, "send_mails_task", task)
    with committed():
        make_comment(owner, annotation=annotated, body="Reply.")
    assert task.deferred == []  # send_digests retries


def test_the_states_each_kind_starts_in(committed, member, owner, group, paragraph):
    """Kinds off by default are NONE, a digest chooser's are DIGEST, the defaults' are DUE."""
    mail_choice_set(user=owner, group=group, kinds=list(Kind.values), digest=True)
    annotation = make_annotation(owner, paragraph)
    with committed():
        make_comment(member, annotation=annotation, body="Hello.")
    assert mail_state(owner) == [Mail.DIGEST]
    assert mail.outbox == []
