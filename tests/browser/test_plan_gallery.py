"""The plans pages on the demo data in English and 简体中文, on a desktop and a phone:
each renders, fits the screen's width, and leaves a screenshot (issue 10)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import AccountPlan, SatisfactionSurvey
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "gallery-pass-1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


def pages():
    approved = AccountPlan.objects.get(status="approved")
    prepared = approved.planned_visits.filter(prepared_at__isnull=False).first()
    low = SatisfactionSurvey.objects.filter(issue__isnull=False).first()
    return {
        "list": reverse("plans:list"), "plan": approved.get_absolute_url(),
        "print": reverse("plans:print", args=[approved.pk]), "schedule": reverse("plans:schedule", args=[approved.pk]),
        "preparation": prepared.get_absolute_url(), "prepare": reverse("plans:prepare", args=[prepared.pk]),
        "bank": reverse("plans:bank"), "satisfaction": reverse("plans:satisfaction", args=[low.account_id]),
        "overview": reverse("plans:satisfaction-overview"),
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_plans_pages_render_and_fit_on_desktop_and_phone(browser, live_server, language):
    call_command("seed_demo", "--password", PASSWORD, stdout=open("/dev/null", "w"))
    ARTIFACTS.mkdir(exist_ok=True)
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill("manager")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        for name, path in pages().items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.ok, (name, response.status)
            expect(page.locator("h1").first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, device, width)
            page.screenshot(path=str(ARTIFACTS / f"plans-{name}-{language}-{device}.png"), full_page=True)
        context.close()
