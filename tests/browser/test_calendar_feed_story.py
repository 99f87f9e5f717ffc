"""Issue 9's stories in the browser: the manager puts their due work in their own
calendar app with a secret link, then turns the link off (part 5); and downloads a
filtered list as a spreadsheet from a phone (part 4)."""

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from care.models import CareTask
from tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 800}],
                         ids=["desktop", "phone"])
def test_manager_subscribes_to_the_calendar_feed_then_turns_it_off(page, live_server, log_in, screenshot, viewport):
    li = UserFactory(username="li", display_name="李经理", team=TeamFactory(name="East China"))
    account = AccountFactory(name="东方电子", owner=li)
    CareTask.objects.create(kind="custom", account=account, owner=li, occasion="x", title="Call Mr Zhou",
                            due_on=timezone.localdate())
    device = "phone" if viewport["width"] < 500 else "desktop"
    page.set_viewport_size(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/calendar/")
    expect(page.get_by_text("You have no calendar link.")).to_be_visible()
    page.get_by_role("button", name="Make my calendar link").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    screenshot(f"calendar-feed-1-link-{device}")

    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_by_label("Calendar link (iCal)").input_value()
    assert link.startswith(f"{live_server.url}/calendar/feed/") and link.endswith(".ics")
    feed = page.request.get(link)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Call Mr Zhou" in feed.text()

    page.get_by_role("link", name="Turn off").click()
    expect(page.get_by_role("heading", name="Turn off the calendar link?")).to_be_visible()
    screenshot(f"calendar-feed-2-confirm-{device}")
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("Calendar link turned off.")).to_be_visible()
    expect(page.get_by_text("You have no calendar link.")).to_be_visible()
    screenshot(f"calendar-feed-3-off-{device}")
    assert page.request.get(link).status == 404


def test_manager_downloads_the_filtered_accounts_as_a_spreadsheet_on_a_phone(page, live_server, log_in, screenshot):
    li = UserFactory(username="li", display_name="李经理", team=TeamFactory(name="East China"))
    AccountFactory(name="东方电子", owner=li, region="华东")
    AccountFactory(name="南方制造", owner=li, region="华南")
    page.set_viewport_size({"width": 375, "height": 800})

    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/accounts/?region=华东")
    screenshot("exports-accounts-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()

    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["东方电子"]
