"""A database that cannot be reached: pages answer a plain 503 page, the API a JSON 503, both
with Retry-After; the outage is logged once (then at most once a minute) and its end once; the
app comes back by itself."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection

from papers.web import outage as outage_module

LOGGER = "marginalia.outage"


def outage_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_page_answers_503_with_a_plain_page(database_down, client):
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert b"Unavailable for a moment" in response.content
    assert b"try again in a few seconds" in response.content
    assert response.templates[0].name == "503.html"


def test_the_api_answers_503_in_json(database_down, client):
    response = client.get("/api/v1/groups/?public=1")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": outage_module.MESSAGE}


def test_a_signed_in_member_gets_the_503_too(transactional_db, outage, member, client):
    # The session is read from the database too: signed in before the outage, then down.
    client.force_login(member)
    connection.close()
    saved = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")
    else:
        connection.settings_dict.update(NAME="/nonexistent/marginalia/db.sqlite3")
    try:
        page = client.get("/")
        api = client.post("/api/v1/groups/", {"name": "New"}, content_type="application/json")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert page.status_code == 503 and api.status_code == 503
    assert api.json() == {"detail": outage_module.MESSAGE}


def test_the_outage_is_logged_once_and_its_end_once(database_down, client, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(3):
        assert client.get("/").status_code == 503
    assert client.get("/api/v1/groups/?public=1").status_code == 503
    lines = outage_lines(caplog)
    assert len(lines) == 1 and lines[0].startswith("The database is unavailable (OperationalError")
    # Django's own "Service Unavailable: /" line per request is not written either.
    assert not [r for r in caplog.records if r.name == "django.request"]

    database_down.up()
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    lines = outage_lines(caplog)
    assert len(lines) == 2
    assert lines[1].startswith("The database is available again after")
    assert lines[1].endswith("; 4 requests answered 503")


def test_a_request_without_the_database_does_not_end_the_outage(outage, transactional_db, client):
    outage.failed(OperationalError("connection refused"))
    connection.close()
    assert client.get("/static/css/base.css").status_code == 200  # WhiteNoise, no query
    assert outage.since is not None
    assert client.get("/healthz").status_code == 200
    assert outage.since is None


def test_a_long_outage_is_recalled_once_a_minute(outage, caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(outage_module.time, "monotonic", lambda: clock[0])
    error = OperationalError("connection refused")
    outage.failed(error)
    clock[0] += 30
    outage.failed(error)
    assert len(outage_lines(caplog)) == 1
    clock[0] += 31
    outage.failed(error)
    clock[0] += 10
    outage.failed(error)
    lines = outage_lines(caplog)
    assert len(lines) == 2
    assert lines[1].startswith("The database is still unavailable after 61 s; 3 requests")
    outage.succeeded()
    assert outage_lines(caplog)[-1] == (
        "The database is available again after 71 s; 4 requests answered 503"
    )


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_connection_lost_mid_request_answers_503(db, outage, client, error):
    """The server closed the connection under a query (not at connect): the same answer."""
    from django import db as django_db

    def broken(*args, **kwargs):
        raise getattr(django_db, error)("server closed the connection unexpectedly")

    with mock.patch.object(connection, "cursor", broken):
        response = client.get("/api/v1/groups/?public=1")
    assert response.status_code == 503
    assert response.json() == {"detail": outage_module.MESSAGE}


def test_other_errors_stay_500(db, outage, client):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    client.raise_request_exception = False
    with mock.patch.object(connection, "cursor", broken):
        assert client.get("/api/v1/groups/?public=1").status_code == 500
    assert outage.since is None
