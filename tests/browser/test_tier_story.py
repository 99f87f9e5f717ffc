"""Issue 5's story: an admin raises a threshold, previews and saves; a review
proposes the move; the supervisor approves; the account shows its new tier and
cadence (K-30..K-32)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import (
    PASSWORD,
    AccountFactory,
    AdminFactory,
    OrderFactory,
    SupervisorFactory,
    TeamFactory,
    UserFactory,
)
from tiering.defaults import ensure_default_tiers
from tiering.services import tier_evaluate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(db):
    ensure_default_tiers()
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    AdminFactory(username="root")
    account = AccountFactory(name="东方电子", owner=li, kind="important", potential=2)
    OrderFactory(account=account, amount=Decimal(2_000_000))
    tier_evaluate()  # 2,000,000 in 12 months: rule 4 (at least 1,000,000) makes it B
    return account


def test_a_threshold_change_is_previewed_reviewed_and_approved(page, live_server, account, log_in, screenshot):
    log_in("root", PASSWORD)
    page.goto(f"{live_server.url}/tiering/")
    threshold = page.locator("#id_rules-3-min_order_value")
    expect(threshold).to_have_value("1000000.00")
    threshold.fill("3000000")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("1 account would move")
    expect(preview.get_by_role("link", name="东方电子")).to_be_visible()
    screenshot("tier-1-preview")
    page.locator("#rule-note").fill("B from 3,000,000")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text(re.compile("Rules saved as version 2"))).to_be_visible()

    page.goto(f"{live_server.url}/tiering/review/")
    page.locator("#id_team-search").fill("East")  # every team: found by name, not listed
    page.locator(".js-pick-option", has_text="East China").click()
    expect(page.locator("#id_team option:checked")).to_have_text("East China")
    page.get_by_role("button", name="Evaluate and open a review now").click()
    expect(page.get_by_text("Downgrade")).to_be_visible()
    screenshot("tier-2-review-opened")

    page.context.clear_cookies()
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}/tiering/review/")
    page.get_by_placeholder("Why (kept in the tier history; needed to reject)").fill("Spend is below the new B line.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("东方电子: Approved"))).to_be_visible()

    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    panel = page.locator("details", has=page.get_by_role("heading", name="Tier and cadence"))
    expect(panel.locator(".badge").first).to_contain_text("C · Opportunity")
    expect(panel).to_contain_text("e-mail or SMS")
    expect(panel).to_contain_text("B → C")
    expect(panel).to_contain_text("Spend is below the new B line.")
    screenshot("tier-3-account-new-tier")
