"""Issue 6's story: on the birthday, the manager finds the one-to-one call on the
care page, makes it and marks it done with the outcome (K-40, K-44)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from care.defaults import ensure_care_defaults
from care.models import CareTask
from care.services import birthday_tasks_generate
from tests.factories import PASSWORD, AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_marks_a_birthday_call_done_with_its_outcome(page, live_server, log_in, screenshot):
    ensure_care_defaults()
    today = timezone.localdate()
    li = UserFactory(username="li", display_name="李经理", team=TeamFactory(name="East China"))
    account = AccountFactory(name="东方电子", owner=li, kind="strategic")
    ContactFactory(account=account, name="周总", mobile="13800138000", birthday_calendar="solar",
                   birth_month=today.month, birth_day=today.day)
    assert birthday_tasks_generate() == 1

    page.set_viewport_size({"width": 375, "height": 800})
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/care/")
    task = page.locator("article", has_text="One-to-one birthday call: 周总")
    expect(page.locator("#sec-today").locator("..")).to_contain_text("One-to-one birthday call: 周总")
    expect(task.get_by_role("link", name="13800138000")).to_be_visible()
    screenshot("care-1-today-phone")
    task.get_by_placeholder("What happened").fill("Called at 9:00; he thanked us for the mooncakes.")
    task.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Done: One-to-one birthday call: 周总.")).to_be_visible()
    expect(page.get_by_text("Nothing due today.")).to_be_visible()
    screenshot("care-2-done-phone")

    done = CareTask.objects.get()
    assert (done.status, done.outcome) == ("done", "Called at 9:00; he thanked us for the mooncakes.")
    # The call counts as a touch on the account (K-02, cadence).
    assert Visit.objects.filter(account=account, channel="phone").count() == 1
