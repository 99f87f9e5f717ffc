"""Issue 15 item 10 in a browser: the same answer for any address, and a clear
message (the address kept) once the requests for one address pass the limit."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """No real broker: a queued job would wait there for the next test's worker."""
    from users import views

    sent = []
    monkeypatch.setattr(views.password_reset_send, "delay", sent.append)
    return sent


@pytest.mark.parametrize("language, limited_text", [
    ("en", "Too many reset requests"), ("zh-hans", "重置请求过多")])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 800}],
                         ids=["desktop", "phone"])
def test_a_reset_is_answered_alike_then_limited_with_a_message(page, live_server, screenshot, language,
                                                               limited_text, viewport, queued):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(viewport)
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        page.goto(f"{live_server.url}/password_reset/")
        page.locator("#id_email").fill("nobody@example.com")
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/password_reset/done/")
    page.goto(f"{live_server.url}/password_reset/")
    page.locator("#id_email").fill("nobody@example.com")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_text(limited_text)).to_be_visible()
    expect(page.locator("#id_email")).to_have_value("nobody@example.com")
    screenshot(f"password-reset-limited-{language}-{viewport['width']}")
    assert queued == ["nobody@example.com"] * settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
