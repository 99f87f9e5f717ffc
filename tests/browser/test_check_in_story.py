"""Issue 20, item 3, on a 375 px phone: from the home page to a saved on-site visit with one
contact and a check-in in at most 6 taps and 2 typed fields (the test counts them). The position
is read only when the manager taps "Check in here": with the permission granted (a fixed
position) the visit reads "checked in 120 m from the site"; refused, the visit is saved all the
same and reads "no location". Offline, the queued visit keeps its check-in."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, AccountFactory, ContactFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}
SITE = (Decimal("31.230416"), Decimal("121.473701"))
HERE = {"latitude": 31.231496, "longitude": 121.473701, "accuracy": 15}  # 120 m north of the site


@pytest.fixture
def li(db):
    li = UserFactory(username="li", display_name="李经理")
    account = AccountFactory(name="东方电子", owner=li, site_latitude=SITE[0], site_longitude=SITE[1],
                             site_source="admin")
    ContactFactory(account=account, name="周总")
    AccountFactory(name="青岛海尔", owner=li)
    return li


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


class Counted:
    """The phone's interactions, counted: a tap is a click, a tick or a choice in a list (two:
    open it, choose), a typed field is one fill."""

    def __init__(self, page):
        self.page, self.taps, self.typed = page, 0, 0

    def tap(self, locator):
        self.taps += 1
        locator.click()

    def choose(self, select, label):
        self.taps += 2
        select.select_option(label=label)

    def type(self, locator, text):
        self.typed += 1
        locator.fill(text)


def phone(browser, live_server, *, granted):
    context = browser.new_context(viewport=PHONE, permissions=["geolocation"] if granted else [],
                                  geolocation=HERE if granted else None)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("li")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log a visit").first).to_be_visible()
    return context, page


def test_from_home_to_a_visit_checked_in_on_site_in_six_taps_and_two_typed_fields(
        browser, live_server, li):
    context, page = phone(browser, live_server, granted=True)
    steps = Counted(page)
    steps.tap(page.get_by_role("link", name="Log a visit").first)
    steps.choose(page.locator("#id_account"), "东方电子")
    steps.tap(page.get_by_label("周总"))
    expect(page.locator("#id_channel")).to_have_value("on_site")  # the usual channel, unless the manager's differs
    steps.tap(page.get_by_role("button", name="Check in here"))
    expect(page.locator(".js-check-in-status")).to_contain_text("Checked in at")
    steps.type(page.locator("#id_purpose"), "Quarterly review")
    steps.type(page.locator("#id_summary"), "Reviewed deliveries.")
    shot(page, "check-in-1-form-phone")
    steps.tap(page.locator("form[data-draft-key] button[type=submit]"))
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    expect(page.get_by_text("checked in 120 m from the site")).to_be_visible()
    shot(page, "check-in-2-saved-phone")
    assert steps.taps <= 6 and steps.typed <= 2, (steps.taps, steps.typed)

    visit = Visit.objects.get()
    assert [c.name for c in visit.contacts.all()] == ["周总"] and visit.channel == "on_site"
    assert (float(visit.checkin_latitude), float(visit.checkin_longitude), visit.checkin_accuracy_m) == (
        HERE["latitude"], HERE["longitude"], 15)
    context.close()


def test_refused_location_still_logs_the_visit_with_no_location(browser, live_server, li):
    context, page = phone(browser, live_server, granted=False)
    page.goto(f"{live_server.url}/visits/new/?account={Account.objects.get(name='东方电子').pk}")
    page.get_by_label("周总").check()
    page.get_by_role("button", name="Check in here").click()
    expect(page.locator(".js-check-in-status")).to_contain_text("this phone did not allow it")
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries.")
    page.locator("form[data-draft-key] button[type=submit]").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    expect(page.locator(".js-check-in-note")).to_have_text("no location")
    shot(page, "check-in-3-refused-phone")
    assert not Visit.objects.get().has_check_in
    context.close()


def test_nothing_is_read_without_the_tap_and_a_call_offers_no_check_in(browser, live_server, li):
    context, page = phone(browser, live_server, granted=True)
    page.goto(f"{live_server.url}/visits/new/?account={Account.objects.get(name='东方电子').pk}")
    expect(page.get_by_role("button", name="Check in here")).to_be_visible()
    page.locator("#id_channel").select_option("phone")
    expect(page.get_by_role("button", name="Check in here")).to_be_hidden()
    page.locator("#id_channel").select_option("on_site")
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries.")
    page.locator("form[data-draft-key] button[type=submit]").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    assert not Visit.objects.get().has_check_in  # permission granted, but never tapped: no position
    context.close()


def test_the_offline_queue_carries_the_check_in(browser, live_server, li):
    context, page = phone(browser, live_server, granted=True)
    form_url = f"{live_server.url}/visits/new/?account={Account.objects.get(name='东方电子').pk}"
    page.goto(form_url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    context.set_offline(True)
    page.goto(form_url)
    page.get_by_label("周总").check()
    page.get_by_role("button", name="Check in here").click()
    expect(page.locator(".js-check-in-status")).to_contain_text("Checked in at")
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries.")
    page.locator("form[data-draft-key] button[type=submit]").click()
    expect(page.locator(".js-queue-count")).to_have_text("1 visit waiting to send")
    expect(page.locator("input[name=checkin_at]")).to_have_value("")  # the next visit's form starts afresh
    context.set_offline(False)
    expect(page.locator(".js-queue")).to_be_hidden(timeout=15000)
    visit = Visit.objects.get()
    assert visit.has_check_in and round(visit.checkin_distance_m) == 120
    context.close()
