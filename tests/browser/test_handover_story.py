"""Issue 15 item 2 in a real browser (K-05): li asks to hand an account to the
South China team; zhang, its supervisor, finds it beside the prospect claims and
approves; the account's history keeps the move and its reason. Desktop and phone,
English and 简体中文."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, SupervisorFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 800}


@pytest.fixture
def account(db):
    east = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    south = TeamFactory(name="South China", supervisor=SupervisorFactory(username="zhang", display_name="张主管"))
    li = UserFactory(username="li", display_name="李经理", team=east)
    UserFactory(username="chen", display_name="陈经理", team=east)
    UserFactory(username="huang", display_name="黄经理", team=south)
    return AccountFactory(name="东方电子", owner=li)


def pick_receiver(page, name):
    """Type part of the name under the select and tap the one found (core.widgets.SearchSelect)."""
    page.locator("#id_to_owner-search").fill(name)
    choice = page.locator(".js-pick-option")
    expect(choice).to_have_count(1)
    choice.click()


def test_a_handover_is_asked_for_and_approved_by_the_receiving_supervisor(page, live_server, account, log_in,
                                                                         screenshot):
    page.set_viewport_size(DESKTOP)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{account.get_absolute_url()}edit/")
    owner = page.locator("#id_owner")
    expect(owner.locator("option", has_text="陈经理")).to_have_count(1)
    expect(owner.locator("option", has_text="黄经理")).to_have_count(0)  # another team: not offered
    screenshot("handover-1-edit-own-team-only")

    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    page.get_by_role("link", name="Hand over").click()
    expect(page.locator("#id_to_owner option")).to_have_count(1)  # every other team: found by name, not listed
    pick_receiver(page, "黄")
    expect(page.locator("#id_to_owner option:checked")).to_have_text("黄经理")
    page.get_by_role("button", name="Ask for the handover").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()  # at the field, the choice kept
    expect(page.locator("#id_to_owner option:checked")).to_have_text("黄经理 (South China)")
    page.get_by_label("Why").fill("客户总部迁往广州，由华南团队服务")
    screenshot("handover-2-request-form")
    page.get_by_role("button", name="Ask for the handover").click()
    expect(page.get_by_text("Handover to 黄经理 requested; 张主管 decides.")).to_be_visible()
    expect(page.get_by_text("waiting for their supervisor's decision")).to_be_visible()
    screenshot("handover-3-pending-on-the-account")

    page.context.clear_cookies()
    log_in("zhang", PASSWORD)
    page.goto(f"{live_server.url}/accounts/claims/")
    page.get_by_role("link", name="Account handovers").first.click()
    expect(page.get_by_text("客户总部迁往广州，由华南团队服务")).to_be_visible()
    screenshot("handover-4-queue-desktop")
    page.set_viewport_size(PHONE)
    screenshot("handover-5-queue-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Handover of 东方电子 to 黄经理: Approved.")).to_be_visible()

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{account.get_absolute_url()}history/")
    expect(page.get_by_text("Reason: 客户总部迁往广州，由华南团队服务")).to_be_visible()
    screenshot("handover-6-history")


def test_the_handover_pages_in_chinese_on_a_phone(page, live_server, account, screenshot):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size(PHONE)
    log_in_zh(page, live_server, "li")
    page.goto(f"{live_server.url}{account.get_absolute_url()}handover/")
    expect(page.get_by_role("heading", level=1)).to_have_text("将 东方电子 移交给其他团队")
    pick_receiver(page, "黄")
    page.get_by_label("理由").fill("客户总部迁往广州")
    screenshot("handover-7-request-zh-hans-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="申请移交").click()
    expect(page.get_by_text("已申请移交给 黄经理；由 张主管 审批。")).to_be_visible()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    log_in_zh(page, live_server, "zhang")
    page.goto(f"{live_server.url}/accounts/handovers/")
    screenshot("handover-8-queue-zh-hans-phone")
    page.set_viewport_size(DESKTOP)
    screenshot("handover-9-queue-zh-hans-desktop")


def log_in_zh(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").last.click()
