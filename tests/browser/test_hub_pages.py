"""Issue 23's pages at 375 px and 1280 px: nothing wider than the screen (the phone scrolls down,
never sideways), in English and 简体中文."""

import pytest
from playwright.sync_api import expect

from hub.services import comment_post, saved_view_save
from tests.factories import PASSWORD, AccountFactory, ContactFactory, SupervisorFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):
    east = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    li = UserFactory(username="li", display_name="李经理", team=east)
    UserFactory(username="chen", display_name="陈经理", team=east)
    account = AccountFactory(name="东方电子 Oriental Electronics International Trading Co.", owner=li)
    twin = AccountFactory(name="東方電子 Oriental Electronics International Trading Co.", owner=li)
    ContactFactory(account=account, name="王芳", email="wang.fang.very.long.address@oriental-electronics.example.com")
    ContactFactory(account=account, name="王 芳")
    comment_post(by=li, target=account, body="@chen " + "一段很长的评论，" * 20 + "https://example.com/" + "x" * 80)
    saved_view_save(by=li, list_name="accounts:list", name="我的战略客户 strategic accounts of mine", query="kind=strategic")
    return account, twin


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_account_360_pages_fit_the_screen(page, live_server, log_in, screenshot, world, width, language):
    account, twin = world
    page.set_viewport_size({"width": width, "height": 800})
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for name, path in [
        ("timeline", f"/hub/accounts/{account.pk}/timeline/"),
        ("comments", f"/hub/comments/account/{account.pk}/"),
        ("search", "/hub/search/?q=%E7%8E%8B%E8%8A%B3"),
        ("search-accounts", "/hub/search/?q=%E4%B8%9C%E6%96%B9"),
        ("saved-views", "/hub/views/?list=accounts:list&query=kind%3Dstrategic"),
        ("portfolio", "/hub/portfolio/"),
        ("duplicates", "/hub/duplicates/"),
        ("contact-duplicates", f"/hub/accounts/{account.pk}/duplicates/"),
        ("merge", f"/hub/merge/accounts/?keep={account.pk}&merge={twin.pk}"),
        ("account-list", "/accounts/?view=all"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        screenshot(f"hub-{name}-{width}-{language}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
