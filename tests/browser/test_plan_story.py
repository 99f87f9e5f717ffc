"""Issue 10's story: a manager drafts the year's plan with a goal and twelve months of
planned visits (K-09), prepares this month's visit with questions from the bank
(K-28), logs it and sees plan against actual move; the supervisor approves the
plan; a low satisfaction score opens a complaint for the manager (K-56).
Desktop for planning, a phone for the visit and the survey."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import AccountPlan, BankQuestion, PlannedVisit
from tests.factories import PASSWORD, AccountFactory, ContactFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.models import CustomerIssue

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(db):
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    account = AccountFactory(name="东方电子", owner=li, industry="Electronics")
    ContactFactory(account=account, name="周总")
    BankQuestion.objects.create(category="problem", text="Where do orders get stuck?", created_by=li)
    BankQuestion.objects.create(category="situation", text="How do you plan production today?",
                                industry="Electronics", created_by=li)
    return li, account


def test_a_plan_is_drafted_a_visit_prepared_and_logged_the_plan_approved_and_a_low_score_followed_up(
        page, live_server, people, log_in, log_out, screenshot):
    li, account = people
    this_month = timezone.localdate().strftime("%Y-%m")
    page.set_viewport_size(DESKTOP)
    log_in("li", PASSWORD)

    # Draft: the plan, a goal (after being told a goal needs its measure), twelve months of visits.
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    page.get_by_role("link", name="Start the plan").click()
    page.locator("#id_vision").fill("From price-sensitive supplier to their MES partner")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text(re.compile("Plan for \\d{4} started"))).to_be_visible()
    page.get_by_role("link", name="Add a goal").click()
    page.locator("#id_kind").select_option("revenue")
    page.locator("#id_title").fill("Revenue this year")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A revenue goal needs its target amount.")).to_be_visible()
    expect(page.locator("#id_target_count")).to_be_hidden()  # only the measure a revenue goal needs
    screenshot("plan-1-goal-needs-a-measure-desktop")
    page.locator("#id_target_amount").fill("2000000")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Plan the year's visits").click()
    for i in range(12):
        page.locator(f"#id_form-{i}-topics").fill(f"Topic of month {i + 1}")
    page.locator("#id_form-0-roles_0").check()
    page.get_by_role("button", name="Add the planned visits").click()
    expect(page.get_by_text("12 planned visits added.")).to_be_visible()
    expect(page.get_by_test_id("planned-total")).to_have_text("12")
    expect(page.get_by_test_id("plan-status")).to_have_text("Draft")
    screenshot("plan-2-drafted-desktop")

    # On a phone: prepare this month's visit with questions from the bank, then log it.
    page.set_viewport_size(PHONE)
    screenshot("plan-2-drafted-phone")
    page.locator(f"#month-{this_month}").get_by_role("link").first.click()
    page.get_by_role("link", name="Prepare").click()
    page.locator("#id_objective").fill("Agree the pilot's success criteria")
    page.get_by_label("周总").check()
    page.locator("#id_self_coach").fill("Sun, to tell us how the board sees the budget")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Preparation saved.")).to_be_visible()
    page.get_by_label("Where do orders get stuck?").check()
    page.get_by_label("How do you plan production today?").check()
    page.get_by_role("button", name="Add to the outline").click()
    expect(page.get_by_text("Questions added to the outline.")).to_be_visible()
    screenshot("plan-3-prepared-phone")

    page.get_by_role("link", name="Log this visit").click()
    page.get_by_label("周总").check()
    page.locator("#id_purpose").fill("Pilot criteria")
    page.locator("#id_summary").fill("Agreed three success criteria for the pilot.")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    # Logged from the plan: the preparation stands beside the visit already, no linking by hand.
    page.locator("textarea[name^=answer-]").last.fill("Orders wait two days for credit checks")
    page.get_by_role("button", name="Save the answers").click()
    expect(page.get_by_text("Answers saved.")).to_be_visible()
    expect(page.locator("textarea[name^=answer-]").last).to_have_value("Orders wait two days for credit checks")
    screenshot("plan-4-visit-beside-its-preparation-phone")
    assert PlannedVisit.objects.get(month=timezone.localdate().replace(day=1)).visit is not None

    # Plan against actual moved.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/accounts/{account.pk}/plan/")
    expect(page.get_by_test_id("held-total")).to_have_text("1")
    expect(page.get_by_test_id(f"month-{this_month[-2:]}")).to_contain_text("1 planned · 1 logged")
    log_out("李经理")

    # The supervisor approves.
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}/accounts/{account.pk}/plan/")
    page.get_by_role("button", name="Approve the plan").click()
    expect(page.get_by_text("Plan approved.")).to_be_visible()
    expect(page.get_by_test_id("plan-status")).to_have_text("Approved")
    screenshot("plan-5-approved-desktop")
    assert AccountPlan.objects.get().approved_by.username == "wang"
    page.get_by_role("link", name="Print view").click()
    screenshot("plan-6-print-desktop")

    # A low score, typed in by the supervisor on a phone, is a complaint for li.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/{account.pk}/satisfaction/")
    page.locator("#id_respondent").fill("Purchasing")
    page.locator("#id_score").select_option("2")
    page.locator("#id_comments").fill("Slow answers to tickets")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("a complaint is open for 李经理")).to_be_visible()
    screenshot("plan-7-low-score-phone")
    issue = CustomerIssue.objects.get()
    assert (issue.owner, issue.kind) == (li, "complaint")
