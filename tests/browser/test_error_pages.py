"""Issue 25, item 1: a missing page, a forbidden action and an expired form each show the
product's own page — its menu, in the user's language — with a way back, not Django's."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "en": {"home": "Home", "missing": "Page not found", "forbidden": "You may not do this",
           "csrf": "The form could not be sent", "back": "Back to the previous page",
           "home_link": "Go to the home page", "language": "Language"},
    "zh-hans": {"home": "首页", "missing": "找不到页面", "forbidden": "您无权执行此操作",
                "csrf": "表单未能提交", "back": "返回上一页", "home_link": "前往首页", "language": "语言"},
    "zh-hant": {"home": "首頁", "missing": "找不到頁面", "forbidden": "您無權執行此操作",
                "csrf": "表單未能提交", "back": "返回上一頁", "home_link": "前往首頁", "language": "語言"},
}


def _post_from_page(page, action):
    """Send a form with the page's own CSRF token, as a stale tab or a bookmarked action would."""
    page.evaluate("""action => {
        const form = document.createElement("form");
        form.method = "post"; form.action = action;
        form.appendChild(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
        document.body.appendChild(form); form.submit();
    }""", action)
    page.wait_for_load_state()


@pytest.mark.parametrize("language", list(PAGES))
def test_error_pages_are_the_products_own_in_each_language(page, live_server, log_in, screenshot, language):
    words = PAGES[language]
    UserFactory(username="li", display_name="李经理", team=TeamFactory(name="East China"))
    log_in("li", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    # A mistyped address: the product's page in the user's language, its menu, and the way home.
    response = page.goto(f"{live_server.url}/accounts/no-such-page/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", name=words["missing"])).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name=words["home"])).to_be_attached()
    assert "Using the URLconf" not in page.content()  # not Django's technical page
    screenshot(f"error-404-{language}")
    page.get_by_role("link", name=words["home_link"]).click()
    page.wait_for_url(f"{live_server.url}/")

    # A manager sends an action only an admin may take: 403, and back to the page they came from.
    page.goto(f"{live_server.url}/tiering/review/")
    _post_from_page(page, "/tiering/review/open/")
    expect(page.get_by_role("heading", name=words["forbidden"])).to_be_visible()
    screenshot(f"error-403-{language}")
    page.get_by_role("link", name=words["back"]).click()
    page.wait_for_url(f"{live_server.url}/tiering/review/")

    # A form whose CSRF cookie is gone (logged out in another tab, cookies cleared): 403 explained.
    page.goto(f"{live_server.url}/")
    page.context.clear_cookies(name="csrftoken")
    _post_from_page(page, "/logout/")
    expect(page.get_by_role("heading", name=words["csrf"])).to_be_visible()
    expect(page.get_by_label(words["language"])).to_be_attached()
    screenshot(f"error-csrf-{language}")
    page.get_by_role("link", name=words["back"]).click()
    page.wait_for_url(f"{live_server.url}/")


def test_error_page_on_a_phone_fits_its_width(page, live_server, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("error-404-phone")


def test_the_favicon_is_served(page, live_server):
    assert page.goto(f"{live_server.url}/favicon.ico").status == 200
    page.goto(f"{live_server.url}/login/")
    svg = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.goto(f"{live_server.url}{svg}").status == 200
