"""Issue 22's story (K-32, K-08, K-26): a manager opens a tender on a C account; the next evaluation
proposes B with "an opportunity in a tender stage" as its evidence; the supervisor approves; the
opportunity is won, its order is made and the after-sales steps follow."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.defaults import ensure_default_stages
from tests.factories import PASSWORD, AccountFactory, SupervisorFactory, TeamFactory, UserFactory
from tiering.defaults import ensure_default_tiers
from tiering.models import AccountTier
from tiering.services import tier_evaluate, tier_review_open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(db):
    ensure_default_tiers()
    ensure_default_stages()
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    account = AccountFactory(name="华夏制造", owner=li, kind="standard")
    tier_evaluate()  # no orders, no tender: the default tier, C
    assert AccountTier.objects.get(account=account).tier.code == "C"
    return account


def test_a_tender_on_a_c_account_is_proposed_for_b_approved_won_and_ordered(page, live_server, account, log_in,
                                                                            screenshot, eager_celery):
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    page.get_by_role("link", name="New opportunity").click()
    page.get_by_label("Name").fill("二号工厂 MES 招标")
    page.get_by_label("Stage").select_option(label="Tender")
    page.get_by_label("Amount").fill("2400000")
    page.get_by_label("Tender agency").fill("上海市公共资源交易中心")
    page.get_by_label("Bid deadline").fill("2030-05-20")
    page.get_by_role("button", name="Save").click()
    opened = re.compile("Opportunity “二号工厂 MES 招标” opened")
    expect(page.get_by_role("alert").filter(has_text=opened)).to_be_visible()
    opportunity_url = page.url
    screenshot("opportunity-1-tender-opened")

    # The night's evaluation, and the quarter's review opened for the team (the scheduled jobs)
    tier_evaluate()
    today = timezone.localdate()
    tier_review_open(team=account.owner.team, year=today.year, quarter=(today.month - 1) // 3 + 1)

    page.context.clear_cookies()
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}/tiering/review/")
    proposal = page.locator(".evidence").first
    expect(proposal).to_contain_text("an opportunity in a tender stage")
    expect(page.get_by_text(re.compile("places it in B"))).to_be_visible()
    screenshot("opportunity-2-review-evidence")
    page.get_by_placeholder("Why (kept in the tier history; needed to reject)").fill("Tender for plant 2.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("华夏制造: Approved"))).to_be_visible()
    assert AccountTier.objects.get(account=account).tier.code == "B"

    page.context.clear_cookies()
    log_in("li", PASSWORD)
    page.goto(opportunity_url)
    page.get_by_label("Move to").select_option(label="Won")
    page.locator("form", has=page.get_by_label("Move to")).get_by_role("button", name="Move").click()
    expect(page.get_by_text(re.compile("moved to Won"))).to_be_visible()
    page.get_by_role("link", name="Create the order").click()
    expect(page.get_by_label("Amount")).to_have_value(re.compile("2400000"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Order recorded; the after-sales steps follow.")).to_be_visible()
    expect(page.get_by_text("After-sales follow-ups")).to_be_visible()
    expect(page.get_by_text("Service-start letter").first).to_be_visible()
    screenshot("opportunity-3-order-and-after-sales")
