"""Issue 3's story in a real browser: a manager files a key account with its team,
fills the buying centre role by role while the dangers go away (K-11..K-13),
claims a prospect (K-06) and records a five-questions review (K-15)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ProspectFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def li(db):
    team = TeamFactory(name="East China")
    UserFactory(username="chen", display_name="陈经理", team=team)
    return UserFactory(username="li", display_name="李经理", team=team)


def dangers(page):
    return page.locator("#dangers li")


def add_contact_with_role(page, name, title, role, influence, contact_level, reports_to=None):
    page.get_by_role("link", name="Add contact").first.click()
    page.locator("#id_name").fill(name)
    page.locator("#id_title").fill(title)
    if reports_to:
        page.get_by_label("Reports to").select_option(label=reports_to)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.get_by_role("link", name="Add buyer role").click()
    page.locator("#id_role").select_option(label=role)
    page.get_by_label("Influence on the purchase").fill(str(influence))
    page.get_by_label("Our degree of contact").fill(str(contact_level))
    page.get_by_label("Support for us").select_option(label="Supportive")
    page.get_by_label("Goal").fill("Win the 2027 renewal")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Role saved.")).to_be_visible()
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="东方电子").click()


def test_manager_builds_the_buying_centre_and_watches_the_dangers_go(page, live_server, li, log_in, screenshot):
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/accounts/new/")
    page.locator("#id_name").fill("东方电子")
    page.locator("#id_kind").select_option(label="Strategic key account")
    page.get_by_label("陈经理").check()
    page.get_by_label("Executive sponsor").fill("VP Sales")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="东方电子")).to_be_visible()
    expect(page.get_by_text("at least two managers")).to_have_count(0)
    expect(dangers(page)).to_have_count(4)  # three roles unknown, no coach
    screenshot("story-1-new-account")

    add_contact_with_role(page, "周总", "CEO", "Decision-maker", 5, 4)
    expect(dangers(page)).to_have_count(3)
    add_contact_with_role(page, "吴工", "CTO", "Technical gatekeeper", 4, 1, reports_to="周总")
    expect(dangers(page).filter(has_text="Danger zone: 吴工")).to_have_count(1)
    add_contact_with_role(page, "郑经理", "Production manager", "User", 3, 3, reports_to="周总")
    add_contact_with_role(page, "孙助理", "Assistant", "Coach", 2, 5, reports_to="周总")
    expect(dangers(page)).to_have_count(1)  # only 吴工's danger zone is left
    screenshot("story-2-buying-centre")

    page.get_by_role("link", name="Org chart").click()
    chart = page.locator("#org-chart")
    expect(chart.locator(".role-badge")).to_have_count(4)
    # 吴工 sits under 周总 in the reports-to tree.
    expect(chart.locator("li li").filter(has_text="吴工")).to_have_count(1)
    screenshot("story-3-org-chart")

    page.goto(f"{live_server.url}/accounts/")
    page.get_by_role("link", name="东方电子").click()
    page.get_by_role("link", name="Five self-questions").click()
    page.get_by_label("Are all buyers identified?").fill("Yes, all four roles are known.")
    page.get_by_label("Which buyer have we not met yet?").fill("吴工 only by phone.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    page.get_by_role("link", name="东方电子").click()
    last_review = re.compile(r"Five self-questions last reviewed on \d{4}-\d\d-\d\d by 李经理")
    expect(page.get_by_text(last_review)).to_be_visible()
    screenshot("story-4-self-questions")


def test_manager_claims_a_prospect_and_a_teammate_is_told_who_holds_it(page, live_server, li, log_in, screenshot):
    ProspectFactory(name="新星科技")
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/accounts/?status=prospect")
    page.get_by_role("link", name="新星科技").click()
    page.get_by_label("Why you").fill("Met their CIO at the fair.")
    page.get_by_role("button", name="Claim this prospect").click()
    expect(page.get_by_text("Claim filed; your supervisor decides.")).to_be_visible()
    expect(page.get_by_text(re.compile("Claimed by 李经理"))).to_be_visible()
    screenshot("story-5-claim")
