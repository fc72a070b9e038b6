"""Failed logins from one address (papers/accounts/lockout.py): past the address's limit, the
accounts that have signed in from it before still get in with the right password; the failing
account stays limited by its own limit; an account new to the address is refused. On the login
page and the API's token endpoint alike."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"
OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def login(client, name, password=PASSWORD, address=OFFICE):
    return client.post(
        reverse("account_login"), {"login": name, "password": password}, REMOTE_ADDR=address
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def token(name, password=PASSWORD, address=OFFICE):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": name, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


@pytest.fixture
def office(client):
    """Two colleagues who have signed in from the office before, and a burst of failures from
    there on the first one's account (more than the address and the account allow)."""
    alice, bob = make_user("alice"), make_user("bob")
    for name in ("alice", "bob"):
        assert signed_in(login(client, name))
        client.logout()
    for _ in range(11):
        login(client, "alice", "stale password")
    return alice, bob


def test_the_defaults_are_per_account_and_per_address(settings):
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] == "5/5m/key"
    assert limits["login_failed_address"] == "10/m/ip"


def test_a_colleague_still_logs_in_from_the_same_address(client, office):
    assert signed_in(login(client, "bob"))


def test_the_failing_account_stays_limited_even_with_its_password(client, office):
    response = login(client, "alice")
    assert not signed_in(response)
    assert "Too many failed login attempts" in response.text
    # From anywhere: the account's own limit.
    assert "Too many failed" in login(client, "alice", address=ELSEWHERE).text


def test_an_account_new_to_the_address_is_refused_until_the_window_passes(client, office):
    make_user("carol")
    response = login(client, "carol")
    assert not signed_in(response)
    assert "Too many failed login attempts" in response.text
    # Elsewhere carol is fine.
    assert signed_in(login(client, "carol", address=ELSEWHERE))


def test_wrong_passwords_from_the_address_stay_refused_as_too_many(client, office):
    response = login(client, "bob", "guess")
    assert "Too many failed login attempts" in response.text


def test_below_the_address_limit_nobody_is_refused(client):
    make_user("alice"), make_user("carol")
    for _ in range(4):
        login(client, "alice", "stale password")
    assert signed_in(login(client, "carol"))


def test_the_token_endpoint_follows_the_same_rule(client, office):
    assert token("bob").status_code == 200
    assert token("alice").status_code == 429
    make_user("carol")
    assert token("carol").status_code == 429
    assert token("carol", address=ELSEWHERE).status_code == 200


def test_a_token_obtained_vouches_for_the_address_on_the_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_address": "2/m/ip",
    }
    make_user("alice"), make_user("dan")
    assert token("dan").status_code == 200
    login(client, "alice", "x")
    login(client, "alice", "x")
    assert signed_in(login(client, "dan"))
