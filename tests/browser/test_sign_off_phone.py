"""Issue 20, item 6 (K-21), on a 375 px phone in English, Simplified and Traditional Chinese: the
monthly sign-off page reads without sideways scrolling; a month with no visits offers no Submit;
submitting the current month before its end asks first; the supervisor's review marks a visit
logged after the month was submitted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, AccountFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.models import MonthlyLog
from visits.services import monthly_log_return, monthly_log_submit, visit_log

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def li(db):
    wang = SupervisorFactory(username="wang")
    li = UserFactory(username="li", team=TeamFactory(name="East China", supervisor=wang))
    account = AccountFactory(name="广州白云国际机场股份有限公司华南区域客户服务中心", owner=li)
    now = timezone.now()
    visit_log(account=account, by=li, channel="on_site", purpose="Review", summary="s", occurred_at=now)
    last_month = now.replace(day=1) - timedelta(days=3)
    visit_log(account=account, by=li, channel="phone", purpose="Call", summary="s", occurred_at=last_month)
    three_ago = (now.replace(day=1) - timedelta(days=65))
    visit_log(account=account, by=li, channel="phone", purpose="Call", summary="s", occurred_at=three_ago)
    log = monthly_log_submit(author=li, month=timezone.localdate(three_ago).replace(day=1), by=li)
    monthly_log_return(log=log, by=wang, reason="Name the contacts.")
    return li


def overflow(page):
    return page.evaluate("""() => [document.documentElement.scrollWidth - innerWidth,
        ...Array.from(document.querySelectorAll('main .table-responsive, main table'), el => el.scrollWidth - el.clientWidth)]""")


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_sign_off_list_reads_at_375_px(page, live_server, log_in, li, language):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/visits/sign-off/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sign-off-phone-{language}.png"), full_page=True)
    assert max(overflow(page)) <= 0, overflow(page)
    rows = page.locator(".js-log-month")
    expect(rows).to_have_count(6)
    # Three months with no visits, no Submit among them.
    empty = page.locator(".js-log-month[data-visits='0']")
    expect(empty).to_have_count(3)
    expect(empty.locator("button")).to_have_count(0)


def test_submitting_the_current_month_early_asks_and_a_later_visit_is_marked(page, live_server, log_in, li):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/visits/sign-off/")
    this_month = f"{timezone.localdate():%Y-%m}"
    page.locator(f".js-log-month[data-month='{this_month}'] button").click()
    expect(page.get_by_role("heading", name=f"Submit {this_month} before it ends?")).to_be_visible()
    assert not MonthlyLog.objects.filter(month=timezone.localdate().replace(day=1)).exists()
    page.get_by_role("button", name="Submit now").click()
    expect(page.get_by_text(f"{this_month} submitted for sign-off.")).to_be_visible()

    visit_log(account=li.owned_accounts.get(), by=li, channel="on_site", purpose="Added later", summary="s")
    log = MonthlyLog.objects.get(month=timezone.localdate().replace(day=1))
    page.context.clear_cookies()
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}/visits/sign-off/{log.pk}/?week=all")
    expect(page.locator(".js-added-late")).to_have_count(1)
    expect(page.locator("article", has=page.locator(".js-added-late"))).to_contain_text("Added later")
    assert max(overflow(page)) <= 0
    page.screenshot(path=str(ARTIFACTS / "sign-off-review-added-late-phone.png"), full_page=True)
