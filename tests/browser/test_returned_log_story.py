"""Issue 18's story: the supervisor returns a month → the manager's bell shows it → one click
shows the reason → the manager resubmits from the month → the supervisor's bell tells them.
Screenshots on a phone and a desktop, in English and Simplified Chinese."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.services import monthly_log_submit

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(db):
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    AccountFactory(name="东方电子", owner=li)
    log = monthly_log_submit(author=li, month=timezone.localdate().replace(day=1), by=li)
    return li, log


def open_bell(page):
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    page.locator("#bell").click()


def test_a_returned_month_reaches_the_manager_and_the_resubmission_the_supervisor(
        page, live_server, people, log_in, screenshot, browser):
    li, log = people
    month = timezone.localdate().strftime("%Y-%m")
    page.set_viewport_size(DESKTOP)
    log_in("wang", PASSWORD)
    expect(page.locator("#bell .badge")).to_have_text("1")  # li's submission
    page.goto(f"{live_server.url}/visits/sign-off/{log.pk}/")
    page.locator("#id_comment").fill("Name the contacts you met at 东方电子.")
    page.get_by_role("button", name="Return with reasons").click()
    expect(page.get_by_text("Returned to 李经理.")).to_be_visible()

    manager = browser.new_context(viewport=PHONE)
    phone = manager.new_page()
    phone.goto(f"{live_server.url}/login/")
    phone.locator("#id_username").fill("li")
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.locator(f"#returned-{month}")).to_be_visible()  # the dashboard highlights the month
    phone.get_by_role("button", name="Toggle navigation").click()
    expect(phone.locator("#bell .badge")).to_have_text("1")
    expect(phone.locator("#bell")).to_be_in_viewport()
    phone.wait_for_timeout(400)  # the menu's opening animation
    screenshot_page(phone, "returned-1-bell-phone")
    phone.locator("#bell").click()  # one click: the reason is on the list
    item = phone.locator("#notifications li").first
    expect(item).to_contain_text(f"王主管 returned your visit log for {month}")
    expect(item.locator(".notification-detail")).to_have_text("Name the contacts you met at 东方电子.")
    screenshot_page(phone, "returned-2-notifications-phone")

    item.get_by_role("link").click()  # to the month, marked read on the way
    expect(phone.locator("#returned-reason")).to_contain_text("Name the contacts you met at 东方电子.")
    screenshot_page(phone, "returned-3-month-phone")
    phone.get_by_role("button", name="Resubmit").click()
    expect(phone.get_by_text(f"{month} submitted for sign-off.")).to_be_visible()
    expect(phone.locator("#returned-reason")).to_have_count(0)
    phone.get_by_role("button", name="Toggle navigation").click()
    expect(phone.locator("#bell .badge")).to_have_count(0)  # read

    page.reload()
    expect(page.locator("#bell .badge")).to_have_text("2")
    page.locator("#bell").click()
    expect(page.locator("#notifications li").first).to_contain_text(f"李经理 submitted the visit log for {month}")
    screenshot("returned-4-supervisor-desktop")
    page.locator("#notifications li").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/visits/sign-off/{log.pk}/$"))
    expect(page.get_by_role("button", name="Approve and lock")).to_be_visible()
    manager.close()


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_notification_pages_in_chinese(page, live_server, people, log_in, screenshot, viewport, label):
    from visits.services import monthly_log_return

    li, log = people
    monthly_log_return(log=log, by=li.team.supervisor, reason="请写明拜访的联系人。")
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    log_in_zh(page, live_server, "li")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("#notifications li").first).to_contain_text("王主管 退回了您")
    expect(page.get_by_role("button", name="全部标为已读")).to_be_visible()
    screenshot(f"notifications-zh-hans-{label}")
    page.goto(f"{live_server.url}/notifications/settings/")
    expect(page.get_by_role("heading", name="通知设置")).to_be_visible()
    screenshot(f"notification-settings-zh-hans-{label}")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/notifications/settings/")
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    screenshot(f"notification-settings-en-{label}")


def log_in_zh(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def screenshot_page(page, name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
