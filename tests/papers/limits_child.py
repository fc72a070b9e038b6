"""A second process for tests/papers/test_limits_redis.py: sends requests through Django's test
client with the same settings (REDIS_URL, the cache prefix) and the same test database as the
test that starts it, and prints their status codes as JSON.

    python -m tests.papers.limits_child '{"db": "<test database>", "requests": [...]}'

Each request: `{"path", "data", "address", "json"}` (a JSON body when `json` is true, a form
otherwise), sent as a POST from `address`.
"""

import json
import os
import sys

import django


def main(spec: dict) -> list[int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    # The test's database (its users), and the test run's password hasher that made them.
    connections["default"].settings_dict["NAME"] = spec["db"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client's host, as in the test: allauth's account limits are keyed by host too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    codes = []
    for request in spec["requests"]:
        extra = {"REMOTE_ADDR": request["address"]}
        if request.get("json"):
            extra |= {"content_type": "application/json"}
            data = json.dumps(request["data"])
        else:
            data = request["data"]
        codes.append(client.post(request["path"], data, **extra).status_code)
    connections.close_all()
    return codes


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
