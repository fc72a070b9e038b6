"""Limits hold across processes when they count in Redis (REDIS_URL): part of an allowance is
used here, part in a second process (tests/papers/limits_child.py, same settings, cache and test
database), and the next request here is refused. Skipped without REDIS_URL; `.ci/run` runs them
once against a Redis database of their own (`pytest -m redis`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import make_user

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "pass-1234-word"
ADDRESS = "192.0.2.44"

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is not set: these tests check limits shared across processes through "
        "Redis (.ci/run runs them with a Redis database of their own)",
    ),
    pytest.mark.django_db(transaction=True),  # the second process must see the test's users
]


def in_second_process(requests: list[dict]) -> list[int]:
    spec = {"db": connection.settings_dict["NAME"], "requests": requests}
    done = subprocess.run(
        [sys.executable, "-m", "tests.papers.limits_child", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a hung child, not a measure
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def token_request(username: str, password: str = PASSWORD) -> dict:
    return {
        "path": "/api/v1/auth/token/",
        "data": {"username": username, "password": password},
        "address": ADDRESS,
        "json": True,
    }


def login_request(login: str, password: str, address: str = ADDRESS) -> dict:
    return {
        "path": reverse("account_login"),
        "data": {"login": login, "password": password},
        "address": address,
    }


def token_here(username: str, password: str = PASSWORD):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ADDRESS,
    )


def login_here(login: str, password: str = PASSWORD, address: str = ADDRESS):
    return Client().post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address
    )


def test_the_cache_is_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_the_token_throttle_counts_both_processes_together():
    # MARGINALIA_THROTTLE_AUTH_TOKEN: 10 a minute per address.
    make_user("amina")
    for _ in range(6):
        assert token_here("amina").status_code == 200
    assert in_second_process([token_request("amina")] * 4) == [200] * 4
    refused = token_here("amina")
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_the_failed_login_limit_of_an_account_counts_both_processes_together():
    # login_failed: 5 in 5 minutes per account; the failures from several addresses.
    make_user("amina")
    for i in range(3):
        assert "not correct" in login_here("amina", "nope", address=f"192.0.2.{i}").text
    codes = in_second_process(
        [login_request("amina", "nope", f"192.0.2.{10 + i}") for i in range(2)]
    )
    assert codes == [200, 200]  # the form again, with the error
    refused = login_here("amina")
    assert "Too many failed login attempts" in refused.text
    assert not refused.wsgi_request.user.is_authenticated


def test_the_failed_login_limit_of_an_address_counts_both_processes_together():
    # login_failed_address: 10 a minute; failures on as many accounts (none locked by its own).
    make_user("carol")
    for i in range(6):
        login_here(f"nobody{i}", "nope")
    in_second_process([login_request(f"someone{i}", "nope") for i in range(4)])
    # carol has never signed in from this address: refused, as the eleventh attempt.
    assert "Too many failed login attempts" in login_here("carol").text
    # From another address she is fine.
    assert login_here("carol", address="198.51.100.1").status_code == 302
