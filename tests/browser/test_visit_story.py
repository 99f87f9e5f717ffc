"""Issue 4's story on a phone: a manager logs a visit with two contacts and a
complaint (K-20, K-22), submits the month; the supervisor comments and approves
(K-21); the month is locked for the manager; the supervisor reopens it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, ContactFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def people(db):
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    account = AccountFactory(name="东方电子", owner=li)
    ContactFactory(account=account, name="周总")
    ContactFactory(account=account, name="吴工")
    return li, account


def test_a_month_is_logged_signed_off_locked_and_reopened(page, live_server, people, log_in, log_out, screenshot):
    li, account = people
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)

    page.goto(f"{live_server.url}/visits/new/?account={account.pk}")
    page.get_by_label("周总").check()
    page.get_by_label("吴工").check()
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries and next year's volumes.")
    page.locator("#id_issues-0-kind").select_option("complaint")
    page.locator("#id_issues-0-description").fill("Two deliveries were late.")
    screenshot("visit-1-form-phone")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Due in 23\xa0hours"))).to_be_visible()
    for name in ("周总", "吴工"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    screenshot("visit-2-logged-phone")
    visit = Visit.objects.get()

    page.goto(f"{live_server.url}/visits/sign-off/")
    month = timezone.localdate().strftime("%Y-%m")
    page.locator("tr", has_text=month).get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Submit now").click()  # the month is not over yet: asked first
    expect(page.get_by_text(f"{month} submitted for sign-off.")).to_be_visible()

    log_out("李经理")
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}/visits/sign-off/")
    page.get_by_role("link", name=re.compile(f"李经理 · {month}")).first.click()
    page.get_by_label("Comment on this visit").fill("Good follow-up on the delivery complaint.")
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Comment saved.")).to_be_visible()
    page.locator("#id_comment").fill("Complete and clear.")
    page.get_by_role("button", name="Approve and lock").click()
    expect(page.get_by_role("alert").filter(has_text="is locked")).to_be_visible()
    screenshot("visit-3-approved-phone")

    # The manager can no longer change the visit: no Edit button, and a direct POST is refused.
    context = page.context.browser.new_context(viewport=PHONE)
    manager_page = context.new_page()
    manager_page.goto(f"{live_server.url}/login/")
    manager_page.locator("#id_username").fill("li")
    manager_page.locator("#id_password").fill(PASSWORD)
    manager_page.get_by_role("button", name="Log in").click()
    manager_page.goto(f"{live_server.url}/visits/{visit.pk}/")
    expect(manager_page.get_by_text("Signed off and locked")).to_be_visible()
    expect(manager_page.get_by_role("link", name="Edit")).to_have_count(0)
    response = manager_page.request.post(
        f"{live_server.url}/visits/{visit.pk}/edit/",
        form={"purpose": "Rewritten", "summary": "x", "occurred_at": "2026-01-01T10:00", "channel": "phone"},
        headers={"X-CSRFToken": next(c["value"] for c in context.cookies() if c["name"] == "csrftoken"),
                 "Referer": f"{live_server.url}/visits/{visit.pk}/edit/"},
    )
    assert response.ok  # redirected back to the visit with a message
    visit.refresh_from_db()
    assert visit.purpose == "Quarterly review"
    screenshot_path = manager_page.screenshot(path="test-artifacts/visit-4-locked-phone.png", full_page=True)
    assert screenshot_path

    page.get_by_label("Reopen this month: why?").fill("Customer asked to correct the visit date.")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("alert").filter(has_text="Reopened:")).to_be_visible()
    manager_page.goto(f"{live_server.url}/visits/{visit.pk}/")
    expect(manager_page.get_by_role("link", name="Edit")).to_be_visible()
    context.close()
    assert visit.occurred_at > timezone.now() - timedelta(hours=1)
