"""Pages under the Content-Security-Policy in a real Chromium: Swagger UI and DRF's browsable
API draw under their relaxed policies; and the watch that fails every browser test on a
violation (tests/browser.py) does see one."""

import pytest
from playwright.sync_api import expect

from tests.browser import CSP

pytestmark = pytest.mark.browser


def test_swagger_ui_draws_the_operations(browser, live_server, db):
    page = browser.new_page()
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Marginalia API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() > 20


def test_the_browsable_api_draws(browser, live_server, db):
    page = browser.new_page()
    page.goto(f"{live_server.url}/api/v1/groups/?public=1")
    expect(page.locator(".response-info")).to_be_visible()
    # DRF's own scripts ran (jQuery is there) under script-src 'self'.
    assert page.evaluate("typeof window.jQuery") == "function"


def test_the_watch_sees_an_inline_script_refused(browser, live_server, db):
    page = browser.new_page()
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.injected = 1"; document.body.append(s); }"""
    )
    assert page.evaluate("window.injected") is None
    page.evaluate("1")  # let the console message arrive
    seen = CSP.take()
    assert any("script-src" in line for line in seen), seen
