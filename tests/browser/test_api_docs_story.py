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
