"""E-mail choices and an unsubscribe link in a real Chromium, without JavaScript of their own:
the account page's section (per group, saved by a plain form) and the link's page, not logged
in. Screenshots in tests/artifacts/."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from annotations.notifications.mail import Unsubscribe
from annotations.notifications.models import MailChoice
from tests.browser import shot
from tests.conftest import join, make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_chooses_a_digest_and_unsubscribes_from_a_mail(person, live_server, member, group):
    join(make_group("Book Club"), member)
    page = person(member)
    page.goto(live_server.url + "/accounts/#mail")
    seminar = page.get_by_role("form", name="Seminar")
    expect(seminar.get_by_label("Replies to your comments and annotations")).to_be_checked()
    expect(seminar.get_by_label("New papers in the group")).not_to_be_checked()
    seminar.get_by_label("New papers in the group").check()
    seminar.get_by_label("A daily digest").check()
    shot(page, "mail-account-choices", full_page=True)
    seminar.get_by_role("button", name="Save for Seminar").click()
    expect(page.locator(".messages")).to_contain_text("e-mail choices for Seminar are saved")
    choice = MailChoice.objects.get(user=member, group=group)
    assert (choice.kinds, choice.digest) == (["reply", "mention", "paper"], True)
    assert page.errors == []

    stranger = page.context.browser.new_page()  # a browser context of its own: no session
    link = urlsplit(Unsubscribe(member.pk, (group.pk,), "paper").url()).path
    stranger.goto(live_server.url + link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Stop e-mail?")
    shot(stranger, "mail-unsubscribe")
    stranger.get_by_role("button", name="Stop these e-mails").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("E-mail stopped")
    shot(stranger, "mail-unsubscribed")
    assert MailChoice.objects.get(user=member, group=group).kinds == ["reply", "mention"]
    stranger.close()
