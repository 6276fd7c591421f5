"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

`make test` installs Chromium with apt when it is missing (scripts/ensure-chromium.sh); the
Playwright browser download is never used. A missing browser is a failure, not a skip.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.publication.province_world import ready  # noqa: F401 - the province's results' world

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still
# synchronous, so Django's async-safety guard must be told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The browser tests' output folder (git-ignored with var/); SCREENSHOTS_DIR moves it.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, "name")`` writes SCREENSHOTS/<name>.png: the page at its current width,
    from the top, at most 4000 px tall; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        # a taller viewport rather than full_page=True, which renders the whole (long) page first
        viewport = page.viewport_size
        height = min(page.evaluate("document.documentElement.scrollHeight"), 4000)
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".png")
        page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
        page.screenshot(path=path)
        page.set_viewport_size(viewport)
        return path
    return take


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
