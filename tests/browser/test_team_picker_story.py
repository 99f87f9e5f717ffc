"""Issue 19 item 2 in a real browser: the admin narrows the quarterly visit report to one team
of many by typing part of its name under the team choice and tapping it, on a phone. Supervisors
keep the plain list of their teams."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AdminFactory, SupervisorFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


def test_the_admin_finds_the_team_by_typing_and_the_report_narrows_to_it(page, live_server, log_in, screenshot):
    AdminFactory(username="root")
    for n in range(40):
        TeamFactory(name=f"Region {n:02d}")
    south = TeamFactory(name="South China", supervisor=SupervisorFactory(username="zhang", display_name="张主管"))
    page.set_viewport_size(PHONE)
    log_in("root", PASSWORD)

    page.goto(f"{live_server.url}/reports/visits/quarterly/")
    expect(page.locator("#id_team option")).to_have_count(1)  # 41 teams: found by name, not listed
    page.locator("#id_team-search").fill("south")
    choice = page.locator(".js-pick-option")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text("张主管")
    screenshot("team-picker-1-found-phone")
    choice.click()
    expect(page.locator("#id_team option:checked")).to_have_text("South China")
    page.get_by_role("button", name="Show").click()

    page.wait_for_url(f"**team={south.pk}**")
    expect(page.locator("#id_team option:checked")).to_have_text("South China")
    screenshot("team-picker-2-narrowed-phone")
