"""/healthz: GET and HEAD for anyone, no session, one query; 503 with Retry-After without a
database."""

import pytest
from django.test import Client


@pytest.fixture
def anyone():
    # CSRF checks on, as a load balancer's client would meet them.
    return Client(enforce_csrf_checks=True)


def test_it_answers_ok_with_one_query(db, anyone, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = anyone.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_it_sets_no_cookie_and_reads_no_session(db, anyone, member):
    anyone.force_login(member)  # a session cookie sent along is not read
    response = anyone.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_head_answers_like_get_without_a_body(db, anyone):
    response = anyone.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_refused(db, anyone, method):
    assert getattr(anyone, method)("/healthz").status_code == 405


def test_it_answers_503_while_the_database_is_down(database_down, anyone):
    response = anyone.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == "unavailable"
    assert anyone.head("/healthz").status_code == 503
    database_down.up()
    assert anyone.get("/healthz").status_code == 200


def test_retry_after_is_configurable(database_down, anyone, settings):
    settings.MARGINALIA_RETRY_AFTER = 30
    assert anyone.get("/healthz")["Retry-After"] == "30"


def test_https_redirect_leaves_it_alone(db, anyone, settings):
    """A load balancer checks over plain HTTP: no redirect to https for /healthz."""
    settings.SECURE_SSL_REDIRECT = True
    assert anyone.get("/").status_code == 301
    assert anyone.get("/healthz").status_code == 200
