"""Browser tests: Playwright drives Debian's Chromium (by path: a test tool's own
browser download cannot work here) against pytest-django's live server.

Without a browser these tests skip with a message; with REQUIRE_BROWSER=1 (CI)
a missing browser fails them instead.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django
# would otherwise refuse the test's own ORM calls (factories, database setup)
# beside it. Set at import, before any fixture opens a connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        message = "no Chromium installed (apt-get install chromium); browser tests need it"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }




@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page, live_server):
    from tests.totp import answer_second_step, prepare

    def do(username, password):
        prepare(username)  # an admin's phone (two-factor sign-in is required for admins, issue 24)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        answer_second_step(page, username)

    return do


@pytest.fixture
def log_out(page):
    """Log out through the user menu, as a person does.

    The page's scripts run after its text is painted, so a click that lands
    before Bootstrap has bound the menu opens nothing (one CI run timed out so
    on "Log out"): wait for the load, then open the menu until it is open.
    """
    from playwright.sync_api import expect

    def do(name):
        page.wait_for_load_state("load")
        if page.viewport_size["width"] < 992:
            page.get_by_role("button", name="Toggle navigation").click()
            expect(page.locator("#nav-main.show")).to_be_visible()
        menu = page.get_by_role("button", name=re.compile(name))
        log_out_button = page.get_by_role("button", name="Log out")
        for _ in range(3):
            if menu.get_attribute("aria-expanded") != "true":
                menu.click()
            try:
                expect(log_out_button).to_be_visible(timeout=5000)
                break
            except AssertionError:
                continue
        log_out_button.click()
        # Logging out empties the phone's kept pages first (static/js/app.js), then leaves: wait for it.
        page.wait_for_url(re.compile(r"/login/"))

    return do
