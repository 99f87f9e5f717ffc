"""Issue 21's story (K-22, X-02): a manager logs a complaint on a visit and routes it to the service
department; the `service` user accepts and resolves it from their queue; the manager tells the
customer; the supervisor sees it handled on time in the departmental performance report."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentStaffFactory,
    SupervisorFactory,
    TeamFactory,
    UserFactory,
)
from visits.models import CustomerIssue

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(db):
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    account = AccountFactory(name="东方电子", owner=li, kind="strategic", region="上海")
    ContactFactory(account=account, name="周总")
    service = DepartmentFactory(code="service", name_en="Service", name_zh_hans="客户服务部",
                                name_zh_hant="客戶服務部")
    DepartmentStaffFactory(username="service", display_name="孙工", department=service)
    return li, account


def signed_in(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(departments/home/)?$"))
    return context, page


def test_a_complaint_is_routed_resolved_by_service_told_and_on_time(browser, live_server, people, screenshot):
    li, account = people
    manager, page = signed_in(browser, live_server, "li", PHONE)
    page.goto(f"{live_server.url}/visits/new/?account={account.pk}")
    page.get_by_label("周总").check()
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Walked the line with the plant director.")
    page.locator("#id_issues-0-kind").select_option("complaint")
    page.locator("#id_issues-0-description").fill("Line 2 machine is noisy.")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    page.get_by_role("link", name="Route to a department").click()
    page.get_by_label("Route to a department").select_option(label="Service")
    page.get_by_role("button", name="Route", exact=True).click()
    expect(page.get_by_text("Routed to Service.")).to_be_visible()
    expect(page.locator("#trail")).to_contain_text("Routed → Service")
    page.screenshot(path="test-artifacts/department-1-routed-phone.png", full_page=True)
    issue = CustomerIssue.objects.get()
    manager.close()

    staff, page = signed_in(browser, live_server, "service", PHONE)
    expect(page.get_by_role("heading", name="Service")).to_be_visible()  # their department's home
    page.get_by_role("link", name=re.compile("东方电子 · Complaint")).first.click()
    expect(page.get_by_text("上海")).to_be_visible()  # the account basics they need
    page.get_by_role("button", name="Accept: I own this issue").click()
    expect(page.get_by_text("You accepted the issue")).to_be_visible()
    page.get_by_label("Resolution").fill("Bearing replaced on site.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Issue resolved; the account manager tells the customer.")).to_be_visible()
    page.screenshot(path="test-artifacts/department-2-resolved-phone.png", full_page=True)
    assert page.goto(f"{live_server.url}{account.get_absolute_url()}").status == 404  # nothing of the portfolio
    staff.close()

    manager, page = signed_in(browser, live_server, "li", DESKTOP)
    page.goto(f"{live_server.url}/visits/{issue.visit_id}/")
    page.get_by_role("link", name="Resolved: tell the customer").click()
    page.get_by_label("How the customer was told (optional)").fill("Called Mr Zhou.")
    page.get_by_role("button", name="The customer was told the result").click()
    expect(page.get_by_text("Marked: the customer was told the result.")).to_be_visible()
    for step in ("Logged", "Routed", "Accepted", "Resolved", "Customer informed"):
        expect(page.locator("#trail")).to_contain_text(step)
    manager.close()

    boss, page = signed_in(browser, live_server, "wang", DESKTOP)
    page.goto(f"{live_server.url}/departments/performance/")
    row = page.locator("#performance tbody tr", has_text="Complaint")
    expect(row).to_contain_text("Service")
    expect(row).to_contain_text("100%")
    screenshot_path = page.screenshot(path="test-artifacts/department-3-report.png", full_page=True)
    assert screenshot_path
    boss.close()
    issue.refresh_from_db()
    assert issue.status == "informed" and issue.resolved_on_time
