"""Issue 25 (items 2 and 4) and issue 14.6 in the browser, in English and 简体中文, on a desktop
and a phone: the admin sees every scheduled job with its schedule and next run; a manager
imports a GBK survey file from the account's satisfaction page, and the finished import says
"created" and links to the surveys it recorded."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import SatisfactionSurvey
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, AccountFactory, AdminFactory, TeamFactory, UserFactory
from tests.totp import answer_second_step, prepare

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}
WORDS = {"en": {"daily": "Daily at 02:30", "never": "Never", "created": "created"},
         "zh-hans": {"daily": "每天 02:30", "never": "从未运行", "created": "已新建"}}


def new_page(browser, live_server, language, viewport, username):
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    prepare(username)  # admins sign in with a code (issue 24)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    answer_second_step(page, username)
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def fits(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_sees_every_scheduled_job_and_a_manager_imports_surveys(browser, live_server, language):
    ARTIFACTS.mkdir(exist_ok=True)
    AdminFactory(username="root")
    manager = UserFactory(username="li", team=TeamFactory(name="East China"))
    account = AccountFactory(owner=manager, name="海尔集团")
    words = WORDS[language]
    for device, viewport in VIEWPORTS.items():
        context, page = new_page(browser, live_server, language, viewport, "root")
        jobs = page.locator("#a-jobs").locator("xpath=..")
        expect(jobs.get_by_text("tiering.tasks.tier_reviews_open")).to_be_visible()
        expect(jobs.get_by_text(words["daily"]).filter(visible=True)).to_be_visible()
        expect(jobs.get_by_text(words["never"]).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"jobs-admin-{language}-{device}.png"), full_page=True)
        context.close()

        context, page = new_page(browser, live_server, language, viewport, "li")
        page.goto(live_server.url + reverse("plans:satisfaction-import", args=[account.pk]))
        expect(page.locator("#id_kind")).to_have_value("surveys")
        day = f"2026年{device == 'phone' and 3 or 2}月2日"
        data = f"客户名称,日期,受访人,评分\n海尔集团,{day},周敏{device},5\n海尔集团,{day},孙丽{device},1\n"
        page.locator("input[type=file]").set_input_files({"name": "满意度.csv", "mimeType": "text/csv",
                                                           "buffer": data.encode("gbk")})
        page.locator("form[enctype] button[type=submit]").click()
        page.locator("form[action$='mapping/'] button[type=submit]").click()
        page.locator("form[action$='apply/'] button[type=submit]").click()
        expect(page.locator(".card .small", has_text=words["created"]).first).to_be_visible()
        satisfaction = reverse("plans:satisfaction", args=[account.pk])
        expect(page.locator(f"a[href='{satisfaction}']").first).to_be_visible()
        fits(page, viewport)
        page.screenshot(path=str(ARTIFACTS / f"survey-import-{language}-{device}.png"), full_page=True)
        context.close()
    assert SatisfactionSurvey.objects.filter(account=account, source="import").count() == 4
