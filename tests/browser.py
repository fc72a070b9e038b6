"""Browser tests' shared parts: Debian's Chromium driven by Playwright (never a downloaded
browser), with the flags it needs as root on a closed network, and where screenshots go."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored; CI keeps it
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian's chromium package); CI installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
    # inside one unless told that this is fine (the test thread is its connection's only user).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()
