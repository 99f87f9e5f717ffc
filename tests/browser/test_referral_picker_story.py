"""Issue 19 item 2, on a phone: recording the account a referral brought (K-56), the manager types
part of its name among the accounts they see, taps it and saves; the form held none of them."""

import pytest
from playwright.sync_api import expect

from plans.models import Referral
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


def test_the_manager_finds_the_account_a_referral_brought_by_typing(page, live_server, log_in, screenshot):
    li = UserFactory(username="li")
    for n in range(30):
        AccountFactory(name=f"客户 {n:02d}", owner=li)
    brought = AccountFactory(name="青岛海尔", owner=li, region="华东")
    referral = Referral.objects.create(account=AccountFactory(name="美的", owner=li), asked_on="2026-11-02",
                                       created_by=li, status="asked")
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/plans/referrals/{referral.pk}/edit/")
    expect(page.locator("#id_brought_account option")).to_have_count(1)  # only "---------"
    page.locator("#id_status").select_option("received")
    page.get_by_placeholder("Type part of the name to choose another").fill("海尔")
    choice = page.locator(".js-pick-option")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text("青岛海尔")
    screenshot("referral-picker-found-phone")
    choice.click()
    expect(page.locator("#id_brought_account option:checked")).to_have_text("青岛海尔")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("Referral saved.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.brought_account == brought
