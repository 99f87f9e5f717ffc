"""A stale bookmark with a bad filter (issue 15.3): the list still shows, with a note
saying which filter was ignored, in English and 简体中文, on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "note-pass-1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}
NOTE = {"en": "Ignored a value that is not valid for: Month.", "zh-hans": "以下筛选条件的值无效，已忽略：月份。"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bad_month_in_the_address_is_ignored_with_a_note(browser, live_server, language):
    manager = UserFactory(username="li")
    manager.set_password(PASSWORD)
    manager.save()
    AccountFactory(owner=manager, name="Haier")
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill("li")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")

        response = page.goto(f"{live_server.url}/visits/?month=2026-13&channel=phone")

        assert response.status == 200
        expect(page.locator('.alert-warning[role="alert"]')).to_contain_text(NOTE[language])  # not the visit queue's
        expect(page.locator("#v-channel")).to_have_value("phone")  # the good filter still applies
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(_path(f"bad-filter-note-{language}-{device}")), full_page=True)
        context.close()


def _path(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
