"""Accounts through django-allauth: sign-up (with the "My papers" group), login by username or
e-mail, rate limits, password reset, e-mail confirmation, logout, and the account page with the
API token."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from papers.models import ReadingGroup
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"
NEW_PASSWORD = "another-pass-5678"


def signup(client, username="nadia", email="nadia@example.org", next_url=None):
    data = {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD}
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def login(client, login, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def link_in(message) -> str:
    """The path of the first link in a mail (the links are absolute)."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def token_for(username, password=PASSWORD, login=None, **extra):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": login or username, "password": password},
        format="json",
        **extra,
    )


# Sign up


def test_signing_up_makes_the_user_and_their_private_my_papers_group(client):
    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("papers:home")
    user = get_user_model().objects.get(username="nadia")
    assert user.email == "nadia@example.org"
    group = ReadingGroup.objects.get(memberships__user=user)
    assert group.name == "My papers"
    assert group.personal
    assert group.visibility == ReadingGroup.Visibility.PRIVATE
    membership = group.memberships.get()
    assert (membership.user, membership.role, membership.status) == (user, "owner", "active")
    # Signed in at once (confirmation is optional by default), and the group is on the home page.
    home = client.get(reverse("papers:home"))
    assert home.wsgi_request.user == user
    assert "My papers" in home.text


def test_signing_up_goes_on_to_the_next_page(client):
    response = signup(client, next_url="/groups/somewhere/")
    assert response["Location"] == "/groups/somewhere/"


def test_the_signup_page_has_labelled_fields(client):
    html = client.get(reverse("account_signup")).text
    for name, label in [
        ("email", "E-mail address"),
        ("username", "Username"),
        ("password1", "Password"),
        ("password2", "Password again"),
    ]:
        assert re.search(rf'<label for="id_{name}"[^>]*>{label}', html), name
        assert f'name="{name}"' in html
    assert 'autocomplete="new-password"' in html


def test_signing_up_with_a_taken_username_or_address_says_so(client):
    make_user("nadia")
    response = signup(client, username="nadia", email="other@example.org")
    assert response.status_code == 200
    assert "already exists" in response.text
    assert 'aria-invalid="true"' in response.text
    response = signup(client, username="someone", email="nadia@example.org")
    assert "already registered with this email" in response.text
    assert get_user_model().objects.count() == 1


def test_a_failed_group_setup_leaves_no_user_behind(client, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("papers.accounts.adapter.account_setup", fail)
    client.raise_request_exception = False
    response = signup(client)
    assert response.status_code == 500
    assert not get_user_model().objects.filter(username="nadia").exists()


def test_signing_up_sends_a_confirmation_mail_whose_link_confirms_the_address(client):
    signup(client)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert message.subject == "[Marginalia] Confirm your e-mail address"
    assert "Hello from Marginalia" in message.body
    address = EmailAddress.objects.get(email="nadia@example.org")
    assert not address.verified

    link = link_in(message)
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm your e-mail address" in page.text
    assert not EmailAddress.objects.get(pk=address.pk).verified  # a GET changes nothing
    client.post(link)
    assert EmailAddress.objects.get(pk=address.pk).verified


def test_with_mandatory_confirmation_login_waits_for_the_confirmed_address(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = signup(client)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get(reverse("papers:home")).wsgi_request.user.is_authenticated
    # Personal group is there already, waiting.
    assert ReadingGroup.objects.filter(personal=True, memberships__user__username="nadia")
    # Neither the login page nor the API let the user in yet.
    login(client, "nadia")
    assert not client.get(reverse("papers:home")).wsgi_request.user.is_authenticated
    api = token_for("nadia")
    assert api.status_code == 400
    assert "Confirm your e-mail address" in str(api.json())

    client.post(link_in(mail.outbox[0]))
    assert login(client, "nadia")["Location"] == reverse("papers:home")
    assert client.get(reverse("papers:home")).wsgi_request.user.username == "nadia"
    assert token_for("nadia").status_code == 200


# Log in and out


@pytest.mark.parametrize("identifier", ["amina", "amina@example.org", "AMINA@example.org"])
def test_a_member_logs_in_by_username_or_email(client, member, group, identifier):
    response = login(client, identifier)
    assert response.status_code == 302
    assert response["Location"] == reverse("papers:home")
    assert group.name in client.get(reverse("papers:home")).text


def test_the_login_page_has_labelled_fields_and_a_reset_link(client):
    html = client.get(reverse("login")).text
    assert reverse("login") == reverse("account_login")
    assert re.search(r'<label for="id_login"[^>]*>Username or e-mail address', html)
    assert re.search(r'<label for="id_password"[^>]*>Password', html)
    assert 'autocomplete="current-password"' in html
    assert reverse("account_reset_password") in html
    assert reverse("account_signup") in html


def test_a_wrong_password_says_so_and_logs_nobody_in(client, member):
    response = login(client, "amina", "nope")
    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.text
    assert 'role="alert"' in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_login_goes_on_to_the_next_page(client, member, group):
    response = client.post(
        reverse("account_login") + "?next=/groups/seminar/",
        {"login": "amina", "password": PASSWORD},
    )
    assert response["Location"] == "/groups/seminar/"


def test_login_is_refused_after_too_many_failures_for_the_account(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/m/ip,3/5m/key",
    }
    for _ in range(3):
        assert "not correct" in login(client, "amina", "nope").text
    # Even the right password, even from elsewhere, until the window has passed.
    response = login(client, "amina", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert not response.wsgi_request.user.is_authenticated
    # Other accounts are not locked.
    make_user("zoe")
    assert login(client, "zoe")["Location"] == reverse("papers:home")


def test_login_is_refused_after_too_many_failures_from_one_address(client, settings):
    # To accounts never signed in from there (tests/papers/test_login_lockout.py: the others).
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/5m/key",
        "login_failed_address": "3/m/ip",
    }
    for name in ["a", "b", "c"]:
        make_user(name)
        login(client, name, "nope", REMOTE_ADDR="10.0.0.1")
    make_user("d")
    assert "Too many failed" in login(client, "d", REMOTE_ADDR="10.0.0.1").text
    # Another address is fine.
    assert login(client, "d", REMOTE_ADDR="10.0.0.2")["Location"] == reverse("papers:home")


def test_the_default_limits_lock_an_account_after_five_failures(client, member):
    for _ in range(5):
        login(client, "amina", "nope")
    assert "Too many failed" in login(client, "amina").text


def test_logging_out_takes_a_post(member_client):
    page = member_client.get(reverse("logout"))
    assert page.status_code == 200
    assert "Log out of Marginalia" in page.text
    assert page.wsgi_request.user.is_authenticated  # a GET only asks
    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not member_client.get(reverse("papers:home")).wsgi_request.user.is_authenticated


def test_the_header_offers_log_in_and_sign_up_or_groups_account_and_log_out(client, member):
    html = client.get(reverse("papers:home")).text
    assert f'href="{reverse("account_login")}?next=/"' in html
    assert f'href="{reverse("account_signup")}?next=/"' in html
    assert "Log out" not in html
    client.force_login(member)
    html = client.get(reverse("papers:home")).text
    assert ">Groups</a>" in html
    assert f'href="{reverse("accounts:account")}">Account</a>' in html
    assert f'action="{reverse("account_logout")}"' in html
    assert "Sign up" not in html


def test_the_login_page_keeps_next_on_its_sign_up_link(client):
    html = client.get(reverse("account_login") + "?next=/invites/abc/").text
    assert f'href="{reverse("account_signup")}?next=%2Finvites%2Fabc%2F"' in html


# Password reset


def test_a_password_reset_mail_leads_to_a_new_password(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == "[Marginalia] Reset your password"

    # The link puts its key in the session and goes on to the form.
    form_url = client.get(link_in(message))["Location"]
    assert "Choose a new password" in client.get(form_url).text
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert "not correct" in login(client, "amina", PASSWORD).text
    assert login(client, "amina", NEW_PASSWORD)["Location"] == reverse("papers:home")
    # The link works once.
    assert "does not work" in client.get(link_in(message), follow=True).text


def test_a_reset_for_an_unknown_address_looks_the_same_and_tells_nobody(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    # The mail goes to the address given, saying there is no account; nothing is revealed.
    assert [m.to for m in mail.outbox] == [["nobody@example.org"]]


def test_reset_mails_to_one_address_are_limited(client, member):
    for _ in range(3):
        client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    response = client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert len(mail.outbox) == 3


def test_the_password_change_page_changes_it(member_client):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="amina").check_password(NEW_PASSWORD)


# The account page and the API token


def account_url():
    return reverse("accounts:account")


def regenerate_url():
    return reverse("accounts:token_regenerate")


def test_the_account_page_sends_anonymous_to_login(client):
    for url in (account_url(), regenerate_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert client.post(regenerate_url()).status_code == 302
    assert not Token.objects.exists()


def test_the_account_page_shows_the_owner_their_details_and_token(member_client, member):
    response = member_client.get(account_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = Token.objects.get(user=member)  # made on the first view
    assert token.key in response.text
    assert "amina@example.org" in response.text
    for name in ("account_email", "account_change_password", "account_logout"):
        assert reverse(name) in response.text
    assert regenerate_url() in response.text
    # The same token the next time.
    assert token.key in member_client.get(account_url()).text


def test_the_account_page_never_shows_another_users_token(client, member, outsider):
    client.force_login(member)
    client.get(account_url())
    member_token = Token.objects.get(user=member)
    client.force_login(outsider)
    html = client.get(account_url()).text
    assert member_token.key not in html
    assert Token.objects.get(user=outsider).key in html
    assert "amina" not in html


def test_the_token_from_the_page_is_the_one_the_api_gives(member_client, member):
    member_client.get(account_url())
    assert token_for("amina").json() == {"token": Token.objects.get(user=member).key}


def test_regenerating_asks_first_then_replaces_the_token(member_client, member):
    old = token_for("amina").json()["token"]

    page = member_client.get(regenerate_url())
    assert page.status_code == 200
    assert "stops working" in page.text
    assert Token.objects.get(user=member).key == old  # a GET only asks

    response = member_client.post(regenerate_url())
    assert response["Location"] == account_url()
    new = Token.objects.get(user=member).key
    assert new != old
    page = member_client.get(account_url())
    assert new in page.text
    assert "regenerated" in page.text

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/groups/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api.get("/api/v1/groups/").status_code == 200


def test_the_account_pages_refuse_other_methods(member_client):
    assert member_client.post(account_url()).status_code == 405
    assert member_client.put(regenerate_url()).status_code == 405


def test_regenerating_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(regenerate_url()).status_code == 403


# The API's token endpoint


def test_the_api_gives_a_token_for_a_username_or_an_email(member):
    by_name = token_for("amina")
    assert by_name.status_code == 200
    assert token_for("amina", login="amina@example.org").json() == by_name.json()


def test_the_api_answers_400_with_field_messages(member):
    response = token_for("amina", password="nope")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    response = APIClient().post("/api/v1/auth/token/", {"username": "amina"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_the_api_refuses_an_account_after_too_many_failures(member):
    for _ in range(5):
        assert token_for("amina", password="nope").status_code == 400
    response = token_for("amina")
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["detail"]


def test_failures_on_the_page_count_for_the_api_too(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/m/ip,2/5m/key",
    }
    login(client, "amina", "nope")
    login(client, "amina", "nope")
    assert token_for("amina").status_code == 429


def test_the_token_endpoint_is_throttled_per_address(member, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth-token", "3/minute")
    for _ in range(3):
        assert token_for("amina").status_code == 200
    response = token_for("amina")
    assert response.status_code == 429
    assert "Retry-After" in response
    # Another client address has its own allowance.
    assert token_for("amina", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(member, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth-token", "2/minute")
    for i in range(2):
        token_for("amina", HTTP_X_FORWARDED_FOR=f"10.1.1.{i}")
    assert token_for("amina", HTTP_X_FORWARDED_FOR="10.1.1.99").status_code == 429


def test_the_token_endpoint_takes_only_post(member):
    assert APIClient().get("/api/v1/auth/token/").status_code == 405


# The admin


def test_the_admin_logs_in_through_the_rate_limited_login_page(client, member):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2F"
    client.force_login(member)
    assert client.get("/admin/login/").status_code == 403  # not staff
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    assert client.get("/admin/").status_code == 200
