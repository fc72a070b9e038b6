"""An outage through the real request cycle (the live server: Django's handler with its
request_started/finished signals, which the test client leaves out): 503 while the database is
unreachable, then the app answers again by itself, without a restart, with the persistent
connections and health checks of the settings (PostgreSQL: `conn_max_age`, `conn_health_checks`).
"""

import logging
import urllib.error
import urllib.request


def fetch(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_app_recovers_by_itself(live_server, database_switch, caplog):
    caplog.set_level(logging.INFO, logger="marginalia.outage")
    assert fetch(f"{live_server.url}/")[0] == 200
    assert fetch(f"{live_server.url}/api/v1/groups/?public=1")[0] == 200  # connections open

    database_switch.down()
    status, headers, body = fetch(f"{live_server.url}/")
    assert (status, headers["Retry-After"]) == (503, "5")
    assert b"Unavailable for a moment" in body
    status, headers, body = fetch(f"{live_server.url}/api/v1/groups/?public=1")
    assert status == 503 and body.startswith(b'{"detail":')
    assert fetch(f"{live_server.url}/healthz", "HEAD")[0] == 503

    database_switch.up()
    assert fetch(f"{live_server.url}/healthz")[0] == 200
    assert fetch(f"{live_server.url}/")[0] == 200
    assert fetch(f"{live_server.url}/api/v1/groups/?public=1")[0] == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "marginalia.outage"]
    assert len(lines) == 2, lines
    assert lines[1].endswith("; 3 requests answered 503")
