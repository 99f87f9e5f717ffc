"""Every dashboard and report in English and 简体中文, on a desktop and a phone, on
the demo data: each renders and fits the screen's width; screenshots are kept."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.totp import answer_second_step, prepare

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "gallery-pass-1"
PAGES = {
    "manager": ["/", "/reports/", "/reports/evaluation/"],
    "supervisor": ["/", "/reports/targets/", "/reports/visits/quarterly/", "/reports/groups/"],
    "admin": ["/", "/reports/concentration/", "/reports/conversion/", "/reports/value/", "/reports/operating/"],
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--password", PASSWORD, stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dashboards_and_reports_render_on_desktop_and_phone(browser, live_server, demo, language):
    for username, paths in PAGES.items():
        for device, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            prepare(username)  # the admin signs in with a code (issue 24)
            page.goto(f"{live_server.url}/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("button[type=submit]").click()
            answer_second_step(page, username)
            page.wait_for_url(f"{live_server.url}/")
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.ok, (username, path, response.status)
                expect(page.locator("h1").first).to_be_visible()
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (username, path, device, width)
                name = path.strip("/").replace("/", "-") or "dashboard"
                page.screenshot(path=str(_artifact(f"gallery-{username}-{name}-{language}-{device}")),
                                full_page=True)
            context.close()


def _artifact(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
