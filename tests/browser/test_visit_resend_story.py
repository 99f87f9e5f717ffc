"""Issue 15, item 8, in the browser: a visit is saved but its answer is lost (the database-restart
fault: a 500 after the commit). The form's draft kept the one-time key, so when the manager opens
the form again and sends the same visit, the server shows the visit it already made: one visit."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, ContactFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize(("language", "size"), [("en", "phone"), ("zh-hans", "desktop")])
def test_a_visit_whose_answer_was_lost_is_resent_from_the_draft_and_saved_once(
        page, live_server, log_in, screenshot, language, size):
    li = UserFactory(username="li", display_name="李经理")
    account = AccountFactory(name="东方电子", owner=li)
    ContactFactory(account=account, name="周总")
    page.set_viewport_size(SIZES[size])
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    form_url = f"{live_server.url}/visits/new/?account={account.pk}"

    page.goto(form_url)
    key = page.locator("input[name=create_key]").input_value()
    page.get_by_label("周总").check()
    page.locator("#id_purpose").fill("Quarterly review")
    page.locator("#id_summary").fill("Reviewed deliveries and next year's volumes.")

    def answer_lost(route):
        route.fetch()  # the server saves the visit...
        route.fulfill(status=500, body="Server Error (500)")  # ...and the answer never arrives

    page.route("**/visits/new/**", answer_lost)
    page.locator("form[data-draft-key] button[type=submit]").click()
    expect(page.get_by_text("Server Error (500)")).to_be_visible()
    page.unroute("**/visits/new/**")
    assert Visit.objects.count() == 1

    page.goto(form_url)  # a fresh form, with a fresh key from the server...
    expect(page.locator(".js-draft-sent")).to_be_visible()  # ...but the draft says it was sent
    assert page.locator("input[name=create_key]").input_value() == key
    assert page.locator("#id_purpose").input_value() == "Quarterly review"
    screenshot(f"visit-resend-1-draft-{language}-{size}")

    page.locator("form[data-draft-key] button[type=submit]").click()
    visit = Visit.objects.get()
    expect(page).to_have_url(f"{live_server.url}{visit.get_absolute_url()}")
    expect(page.locator(f'[data-saved-key="{key}"]')).to_be_visible()
    screenshot(f"visit-resend-2-already-saved-{language}-{size}")
    assert Visit.objects.count() == 1
    # The saved page named the key: the draft is gone, the next form starts empty.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kam-draft:')).length") == 0
    page.goto(form_url)
    expect(page.locator(".js-draft-restored")).to_be_hidden()
