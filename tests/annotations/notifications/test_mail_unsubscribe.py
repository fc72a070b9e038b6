"""The unsubscribe link of every mail: no login (the signed token is the proof), GET says what
it stops and changes nothing, POST (the page's button, or the mail client's RFC 8058 one-click
POST, no CSRF token) stops that kind from that group only; a changed token is a clear 400."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from annotations.notifications.choices import mail_choice_set, mail_choices
from annotations.notifications.mail import EVERY_KIND, UNSUBSCRIBE_SALT, Unsubscribe
from annotations.notifications.models import Mail, MailChoice, Notification
from tests.conftest import join, make_group

from ..conftest import make_annotation, make_comment
from .mailing import header_link, link_in, mails_to


@pytest.fixture
def reply_mail(member, owner, paragraph, django_capture_on_commit_callbacks):
    """A real reply mail to the member, from the outbox."""
    annotation = make_annotation(member, paragraph)
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(owner, annotation=annotation, body="An answer.")
    (message,) = mails_to(member)
    return message


@pytest.fixture
def other_group(member):
    other = make_group("Book Club")
    join(other, member)
    return other


def path_of(stop: Unsubscribe) -> str:
    return urlsplit(stop.url()).path


def choices(user) -> dict:
    return {c.group.name: (set(c.kinds), c.digest) for c in mail_choices(user)}


def csrf_checking_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_page_says_what_it_stops_and_changes_nothing(reply_mail, member, other_group):
    url = link_in(reply_mail, "Stop these mails")
    assert url == header_link(reply_mail)
    response = Client().get(url)  # not logged in
    assert response.status_code == 200
    page = response.content.decode()
    assert "replies to your comments and annotations" in page and "Seminar" in page
    assert '<form method="post"' in page
    assert response["Cache-Control"] == "no-store"
    assert MailChoice.objects.count() == 0


def test_the_button_stops_that_kind_in_that_group_only(reply_mail, member, other_group):
    url = link_in(reply_mail, "Stop these mails")
    response = csrf_checking_client().post(url)
    assert response.status_code == 200
    assert "E-mail stopped" in response.content.decode()
    assert choices(member) == {"Book Club": ({"mention", "reply"}, False),
                               "Seminar": ({"mention"}, False)}  # fmt: skip
    assert "/accounts/#mail" in response.content.decode()


def test_the_one_click_post_of_a_mail_client(reply_mail, member):
    response = csrf_checking_client().post(
        header_link(reply_mail), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 200
    assert choices(member)["Seminar"] == ({"mention"}, False)


def test_stopping_twice_is_harmless(reply_mail, member):
    url = link_in(reply_mail, "Stop these mails")
    Client().post(url)
    assert Client().post(url).status_code == 200
    assert choices(member)["Seminar"] == ({"mention"}, False)


def test_waiting_mail_of_the_kind_is_withdrawn(member, group, owner, paragraph):
    mail_choice_set(user=member, group=group, kinds=["reply", "thread"], digest=True)
    annotation = make_annotation(member, paragraph)
    make_comment(owner, annotation=annotation, body="Waits for the digest.")
    stop = Unsubscribe(member.pk, (group.pk,), "reply")
    Client().post(path_of(stop))
    assert Notification.objects.get(recipient=member).mail == Mail.NONE
    assert choices(member)["Seminar"] == ({"thread"}, True)


def test_a_digest_link_stops_every_kind_from_its_group(member, group, other_group):
    stop = Unsubscribe(member.pk, (group.pk,), EVERY_KIND)
    response = Client().get(path_of(stop))
    assert "all e-mail" in response.content.decode()
    Client().post(path_of(stop))
    assert choices(member) == {"Book Club": ({"mention", "reply"}, False),
                               "Seminar": (set(), False)}  # fmt: skip
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_changed_token_is_a_clear_400(reply_mail, member, method):
    url = link_in(reply_mail, "Stop these mails")
    token = url.split("/")[-2]
    tampered = url.replace(token, token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
    response = getattr(Client(), method)(tampered)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert MailChoice.objects.count() == 0


def test_a_token_signed_for_something_else_is_refused(member, group):
    from django.core import signing

    other_salt = signing.dumps([member.pk, [group.pk], "reply"], salt="something.else")
    assert Client().post(f"/notifications/unsubscribe/{other_salt}/").status_code == 400
    unknown_kind = signing.dumps([member.pk, [group.pk], "everything"], salt=UNSUBSCRIBE_SALT)
    assert Client().get(f"/notifications/unsubscribe/{unknown_kind}/").status_code == 400


def test_a_token_of_a_group_since_deleted_is_400(member, group):
    stop = Unsubscribe(member.pk, (group.pk,), "reply")
    group.delete()
    response = Client().post(path_of(stop))
    assert response.status_code == 400


def test_other_methods_are_refused(reply_mail):
    url = link_in(reply_mail, "Stop these mails")
    assert Client().put(url).status_code == 405
