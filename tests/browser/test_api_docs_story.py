"""Issue 24 item 3: the interactive API docs (Swagger UI from our own static files) work under
the same strict CSP as every page: nothing is refused, the operations are listed, and a manager
tries one with her session and reads her own account in the answer."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_CSP = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""


def test_a_manager_reads_the_api_docs_and_tries_an_endpoint_under_the_csp(page, live_server, log_in, screenshot):
    li = UserFactory(username="li", team=TeamFactory(name="East China"))
    AccountFactory(owner=li, name="上海机电")
    AccountFactory(name="广州电子")  # another team's: not in her answer
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_CSP)
    log_in("li", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="KAM CRM API")).to_be_visible()
    accounts = page.locator("#operations-accounts-accounts_list")
    expect(accounts).to_be_visible()
    accounts.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    body = page.locator("#operations-accounts-accounts_list .responses-wrapper .live-responses-table")
    expect(body).to_contain_text("上海机电")
    expect(body).not_to_contain_text("广州电子")
    screenshot("api-docs")
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console if "Content Security Policy" in text]


def _fits(page, width):
    return page.evaluate("document.scrollingElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [375, 1280])
def test_a_manager_makes_a_token_on_her_page_and_an_erp_uses_it(page, live_server, log_in, screenshot, width):
    import requests

    li = UserFactory(username="li", team=TeamFactory(name="East China"))
    account = AccountFactory(owner=li, name="上海机电")
    page.set_viewport_size({"width": width, "height": 800})
    log_in("li", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/profile/api-tokens/")
    expect(page.get_by_text("You have no API token.")).to_be_visible()
    page.get_by_label("Name").fill("ERP order sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make token").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("kam_") and _fits(page, width)
    screenshot(f"api-token-made-{width}")

    answer = requests.post(f"{live_server.url}/api/orders/", timeout=10, headers={"Authorization": f"Bearer {token}"},
                           json={"account": account.pk, "external_id": "SAP-1", "signed_on": "2026-11-30",
                                 "amount": "100.00", "product": "伺服电机"})
    assert answer.status_code == 201, answer.text
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    expect(page.locator("#tokens")).to_contain_text("last used")
    page.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#tokens")).to_contain_text("revoked")
    assert requests.get(f"{live_server.url}/api/accounts/", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_admin_adds_a_webhook_on_a_phone(page, live_server, log_in, screenshot):
    from tests.factories import AdminFactory

    AdminFactory(username="root")
    page.set_viewport_size({"width": 375, "height": 800})
    log_in("root", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/notifications/webhooks/")
    page.get_by_label("Name").fill("SAP")
    page.get_by_label("Address").fill("https://erp.example.com/kam-hook")
    page.get_by_label("Orders").check()
    page.get_by_label("Tier changes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#webhooks")).to_contain_text("Orders, Tier changes")
    assert _fits(page, 375)
    screenshot("webhooks-phone")
