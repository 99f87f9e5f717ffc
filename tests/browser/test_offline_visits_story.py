"""Issue 20, item 2 (K-20, K-21): a manager between meetings logs visits with no signal. The visit
form opens from the phone's copy, keeps each visit in the queue ("2 visits waiting to send") and
sends them itself when the connection returns, each with its one-time key: a resend after a lost
answer is shown the visit made, never a second. A visit the server refuses (its month is signed
off) stays in the queue with the server's message and everything typed."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account
from tests.factories import PASSWORD, AccountFactory, ContactFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.models import Visit
from visits.services import monthly_log_approve, monthly_log_submit

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}
LOG_OUT = "document.querySelector(\"form[action$='/logout/']\").requestSubmit()"  # the menu's button


@pytest.fixture
def li(db):
    team = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang"))
    li = UserFactory(username="li", display_name="李经理", team=team)
    account = AccountFactory(name="东方电子", owner=li)
    ContactFactory(account=account, name="周总")
    return li


def open_form_offline(page, live_server, account):
    """Opened once with a signal (the service worker installs and keeps the form), then again
    without one: the phone's copy."""
    form_url = f"{live_server.url}/visits/new/?account={account.pk}"
    page.goto(form_url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker, which keeps this page
    expect(page.locator("input[name=create_key]")).to_have_count(1)
    page.context.set_offline(True)
    page.goto(form_url)
    expect(page.locator("#id_summary")).to_be_visible()


def log_offline(page, *, summary, when=None):
    if when:
        page.locator("#id_occurred_at").fill(when)
    page.get_by_label("周总").check()
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill(summary)
    page.locator("form[data-draft-key] button[type=submit]").click()


def test_k20_two_visits_logged_offline_are_each_saved_once_when_the_connection_returns(
        page, live_server, log_in, screenshot, li):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    open_form_offline(page, live_server, Account.objects.get(name="东方电子"))

    log_offline(page, summary="Reviewed deliveries.")
    expect(page.locator(".js-queue-count")).to_have_text("1 visit waiting to send")
    keys = set(page.evaluate("JSON.parse(localStorage.getItem('kam-queue')).map(e => e.key)"))
    log_offline(page, summary="Agreed next year's volumes.")
    expect(page.locator(".js-queue-count")).to_have_text("2 visits waiting to send")
    keys |= set(page.evaluate("JSON.parse(localStorage.getItem('kam-queue')).map(e => e.key)"))
    assert len(keys) == 2  # each visit its own one-time key
    expect(page.locator(".js-queue-list li")).to_have_count(2)
    # The form is ready for the next visit: empty, with the time of now, not of the kept page.
    expect(page.locator("#id_summary")).to_have_value("")
    now = timezone.localtime().replace(tzinfo=None)  # the site's zone (Asia/Shanghai), not the browser's
    typed = datetime.fromisoformat(page.locator("#id_occurred_at").input_value())
    assert abs(typed - now) < timedelta(minutes=2)
    screenshot("offline-1-two-waiting-phone")
    assert Visit.objects.count() == 0

    # The connection returns, but the first answer is lost on the way back (saved, no answer).
    lost = []

    def answer_lost(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch())
            route.fulfill(status=502, body="Bad gateway")
        else:
            route.continue_()

    page.route("**/visits/new/**", answer_lost)
    page.context.set_offline(False)
    expect(page.locator(".js-item-message").first).to_have_text(
        "The server could not take it now; it will be tried again.")
    assert Visit.objects.count() == 1
    page.get_by_role("button", name="Send now").click()  # or the next page load, or the next reconnect
    expect(page.locator(".js-queue-sent")).to_have_text("2 visits sent.")
    expect(page.locator(".js-queue")).to_be_hidden()
    screenshot("offline-2-sent-phone")
    assert sorted(Visit.objects.values_list("summary", flat=True)) == [
        "Agreed next year's volumes.", "Reviewed deliveries."]  # each exactly once
    assert set(Visit.objects.values_list("author__username", flat=True)) == {"li"}
    assert page.evaluate("JSON.parse(localStorage.getItem('kam-queue'))") == []


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_k21_a_visit_refused_on_arrival_stays_queued_with_the_message_and_the_text(
        page, live_server, log_in, screenshot, li, language):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    log = monthly_log_submit(author=li, month=last_month, by=li)
    monthly_log_approve(log=log, by=li.team.supervisor)
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    open_form_offline(page, live_server, Account.objects.get(name="东方电子"))

    log_offline(page, summary="Today's visit.")
    log_offline(page, summary="Forgot this one last month.", when=f"{last_month:%Y-%m}-15T10:00")
    expect(page.locator(".js-queue-list li")).to_have_count(2)
    page.context.set_offline(False)

    refused = page.locator(".js-queue-list li")
    expect(refused).to_have_count(1)
    locked = {"en": f"{last_month:%Y-%m} is signed off and locked. Ask your supervisor to reopen it.",
              "zh-hant": f"{last_month:%Y-%m}"}[language]
    expect(refused.locator(".js-item-message")).to_contain_text(locked)
    expect(refused.locator(".js-item-summary")).to_have_text("Forgot this one last month.")
    expect(page.locator(".js-queue-count")).to_have_text(
        {"en": "1 visit waiting to send", "zh-hant": "1 筆拜訪待傳送"}[language])
    screenshot(f"offline-3-refused-{language}-phone")
    assert list(Visit.objects.values_list("summary", flat=True)) == ["Today's visit."]

    # Refused entries are not sent again by themselves: the manager opens it, everything typed is there.
    page.get_by_role("button", name={"en": "Send now", "zh-hant": "立即傳送"}[language]).click()
    expect(refused).to_have_count(1)
    refused.locator(".js-item-open").click()
    expect(page.locator("#id_summary")).to_have_value("Forgot this one last month.")
    expect(page.locator("#id_occurred_at")).to_have_value(f"{last_month:%Y-%m}-15T10:00")
    expect(page.locator(".js-queue")).to_be_hidden()
    assert Visit.objects.count() == 1


def test_a_queue_left_on_a_shared_phone_is_sent_only_by_its_author(page, live_server, log_in, li):
    """Another login on the same browser neither sees nor sends li's waiting visits (they would be
    saved as theirs); logging out also drops the pages the worker kept (li's accounts)."""
    UserFactory(username="zhang")
    account = Account.objects.get(name="东方电子")
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    open_form_offline(page, live_server, account)
    log_offline(page, summary="Queued by li.")
    page.route("**/visits/new/**", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.context.set_offline(False)
    # li leaves before it was sent (the send was cut off) and zhang logs in on the same phone.
    page.goto(f"{live_server.url}/")
    expect(page.locator(".js-queue-count")).to_have_text("1 visit waiting to send")
    assert page.evaluate("caches.has('kam-pages')")
    page.evaluate(LOG_OUT)
    expect(page).to_have_url(f"{live_server.url}/login/")
    assert not page.evaluate("caches.has('kam-pages')")
    page.unroute("**/visits/new/**")
    log_in("zhang", PASSWORD)
    expect(page.locator(".js-queue")).to_be_hidden()
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 0

    page.evaluate(LOG_OUT)
    expect(page).to_have_url(f"{live_server.url}/login/")
    log_in("li", PASSWORD)  # li again: the queue sends itself
    expect(page.locator(".js-queue-sent")).to_have_text("1 visit sent.")
    assert Visit.objects.get().author == li


def test_offline_another_page_shows_the_offline_page_which_leads_to_the_kept_visit_form(
        page, live_server, log_in, screenshot, li):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    open_form_offline(page, live_server, Account.objects.get(name="东方电子"))
    page.goto(f"{live_server.url}/accounts/")  # never kept: the offline page instead
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    screenshot("offline-4-offline-page-phone")
    page.get_by_role("link", name="Log a visit").click()  # the kept copy of the form
    expect(page.locator("#id_summary")).to_be_visible()
    log_offline(page, summary="Logged from the offline page.")
    expect(page.locator(".js-queue-count")).to_have_text("1 visit waiting to send")
    page.context.set_offline(False)
    expect(page.locator(".js-queue-sent")).to_have_text("1 visit sent.")
    assert Visit.objects.get().summary == "Logged from the offline page."
