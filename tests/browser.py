"""Browser tests' shared parts: Debian's Chromium driven by Playwright (never a downloaded
browser), with the flags it needs as root on a closed network, and where screenshots go.

The suite runs in parallel (pytest-xdist): each worker is a process with its own live server (on
a free port: pytest-django binds `localhost:0`), its own test database and its own Chromium (with
a throw-away profile that Playwright makes), so workers share nothing but tests/artifacts/, where
every test writes screenshots of its own names.

Every page opened in that browser is watched for Content-Security-Policy violations (an inline
script or style the policy refuses, a file from elsewhere): a browser test that caused one fails
at its end, so every page the tests visit is proven to work under the site's policy.
"""

import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored; CI keeps it
# The two windows the pages are tried and shown at.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Run in every page before its own scripts: each violation the browser reports is written to the
# console under CSP_PREFIX, where the context's listener below collects it. Chromium also logs
# its own "Refused to …" line for most; both count.
CSP_PREFIX = "Content-Security-Policy violation:"
CSP_WATCH = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  const where = `${{event.sourceFile || location.href}}:${{event.lineNumber}}`;
  console.error(`{CSP_PREFIX} ${{event.effectiveDirective}} refused`
    + ` ${{event.blockedURI || "inline"}} at ${{where}} ${{event.sample || ""}}`);
}});
"""


class CspWatch:
    """The violations reported by the pages of the contexts it watches, since the last `take()`."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.owned: list = []  # contexts made for `browser.new_page()`, closed after the test

    def watch(self, context) -> None:
        context.add_init_script(CSP_WATCH)
        context.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if text.startswith(CSP_PREFIX) or (
            "Content Security Policy" in text and text.startswith(("Refused to", "[Report Only]"))
        ):
            self.violations.append(f"{text} (page {message.page.url if message.page else '?'})")

    def take(self) -> list[str]:
        taken, self.violations = self.violations, []
        return taken


CSP = CspWatch()


def _watched(browser):
    """`browser` with its `new_context` and `new_page` (which makes a context of its own)
    watching every context they make: the tests that open contexts themselves are covered too."""
    new_context = browser.new_context

    def watched_context(**options):
        context = new_context(**options)
        CSP.watch(context)
        return context

    def watched_page(**options):
        context = watched_context(**options)
        CSP.owned.append(context)  # closed at the end of the test (_no_csp_violations)
        return context.new_page()

    browser.new_context, browser.new_page = watched_context, watched_page
    return browser


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """After each browser test: no page it opened reported a Content-Security-Policy violation."""
    CSP.take()  # nothing left from an earlier test
    yield
    if "browser" not in request.fixturenames:
        return
    for context in CSP.owned:
        context.close()
    CSP.owned.clear()
    violations = CSP.take()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None or "browser" in getattr(
        item, "fixturenames", ()
    )


@pytest.hookimpl(trylast=True)  # after pytest-django's own order (database tests first)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, in their files' order (each worker takes tests in this order).
    Playwright's sync API keeps an asyncio event loop running in the test thread for as long as
    the browser is open, in which `async_to_sync` and `asyncio.run` refuse to work and Django's
    ORM needs DJANGO_ALLOW_ASYNC_UNSAFE: started last, the one browser of a worker never shares
    the thread with a test that did not ask for it. The fast tests also report first."""
    items.sort(key=_is_browser_test)  # stable: the order within each part is kept


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process (per xdist worker), started by the first browser
    test and closed at the end of the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian's chromium package); CI installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
    # inside one unless told that this is fine (the test thread is its connection's only user).
    # Told for as long as the browser is open, and no longer.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        ARTIFACTS.mkdir(exist_ok=True)
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield _watched(instance)
        instance.close()


@pytest.fixture
def signed_in_context(browser, live_server):
    """`signed_in_context(user, **options)`: a new browser context (Playwright's `options`)
    carrying the session of Django's test client logged in as `user`, and that client. The
    contexts are closed after the test."""
    contexts = []

    def open_context(user, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(**options)
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        contexts.append(context)
        return context, client

    yield open_context
    for context in contexts:
        context.close()
    wait_for_the_server()


def wait_for_the_server(timeout: float = 10.0) -> None:
    """Wait until the live server's requests have left the database. Closing a browser does not
    stop a request the server is still answering (a live update, the bell, the workspace's
    visit upsert), and on PostgreSQL one still working when the test database is flushed
    can deadlock with the flush's TRUNCATE. Bounded: after `timeout` the flush goes ahead."""
    if connection.vendor != "postgresql":
        return  # SQLite: one file lock; a late request waits for the flush or fails alone
    deadline = time.monotonic() + timeout
    try:
        cursor = connection.cursor()
    except RuntimeError:  # a test without database access: nothing of ours to wait for
        return
    with cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)


def shot(page, name: str, *, full_page: bool = False) -> None:
    """A screenshot of the page into ARTIFACTS as `<name>.png`, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
