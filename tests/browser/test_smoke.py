import pytest

from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_logs_in_and_sees_home(page, live_server, log_in, screenshot):
    team = TeamFactory(name="East China")
    UserFactory(username="li", display_name="李经理", team=team)
    log_in("li", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Good day, 李经理").is_visible()
    assert screenshot("home").stat().st_size > 10_000


def test_home_works_on_a_phone_and_in_chinese(page, live_server, log_in, screenshot):
    UserFactory(username="li", display_name="李经理")
    page.set_viewport_size({"width": 375, "height": 740})
    log_in("li", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_label("Language").select_option("zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="您好，李经理").is_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("home-phone-zh-hans")


def test_wrong_password_keeps_the_username_and_says_why(page, live_server, log_in):
    UserFactory(username="li")
    log_in("li", "not-the-password")
    assert page.get_by_label("Username").input_value() == "li"
    assert page.get_by_text("Please enter a correct username and password").is_visible()
