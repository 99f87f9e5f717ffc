"""Issue 20, item 5, on a phone: among dozens of accounts the manager types part of a name, taps
the account, its contacts appear, and the visit is saved on it. Without JavaScript the plain
select is the picker (K-05: the same accounts)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, ContactFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def li(db):
    li = UserFactory(username="li")
    for n in range(30):
        AccountFactory(name=f"客户 {n:02d}", owner=li)
    ContactFactory(account=AccountFactory(name="青岛海尔", owner=li, region="华东"), name="周总")
    return li


def test_the_manager_finds_the_account_by_typing_and_logs_the_visit_on_it(page, live_server, log_in, screenshot, li):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/visits/new/")
    page.get_by_label("Find the account").fill("海尔")
    choice = page.locator(".js-pick-account")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text("青岛海尔")
    screenshot("account-picker-1-found-phone")
    choice.click()
    expect(page.locator("#id_account option:checked")).to_have_text("青岛海尔")
    page.get_by_label("周总").check()  # the account's contacts came with it
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries.")
    page.locator("form[data-draft-key] button[type=submit]").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.account.name == "青岛海尔" and [c.name for c in visit.contacts.all()] == ["周总"]


def test_more_accounts_come_a_page_at_a_time(page, live_server, log_in, li):
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/visits/new/")
    page.get_by_label("Find the account").fill("客户")
    expect(page.locator(".js-pick-account")).to_have_count(20)
    page.get_by_role("button", name="More accounts").click()
    expect(page.locator(".js-pick-account")).to_have_count(30)
    expect(page.get_by_role("button", name="More accounts")).to_have_count(0)


def test_without_javascript_the_select_is_the_picker(browser, live_server, li):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("li")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/visits/new/")
    expect(page.locator("#account-search")).to_be_hidden()
    page.locator("#id_account").select_option(label="青岛海尔")
    expect(page.locator("#id_account option")).to_have_count(32)  # the 31 accounts and the empty choice
    context.close()
