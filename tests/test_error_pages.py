"""Issue 25, item 1: the product's own error pages (404, 403, CSRF failure, 400, 500, lockout)
in the user's language, with a way back; under DEBUG (`make run`) too, unless
DJANGO_DEBUG_ERROR_PAGES asks for Django's technical pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
DEBUG_PAGES = {"DEBUG": True, "MIDDLEWARE": [*settings.MIDDLEWARE, "core.middleware.ProductNotFoundPageMiddleware"]}


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(("language", "heading", "home"), [
    ("en", "Page not found", "Go to the home page"),
    ("zh-hans", "找不到页面", "前往首页"),
    ("zh-hant", "找不到頁面", "前往首頁"),
])
def test_a_missing_page_is_the_products_page_in_the_users_language(client, manager, language, heading, home):
    client.force_login(manager)
    page = in_language(client, language).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert heading in html and home in html and f'href="{reverse("home")}"' in html
    assert 'aria-label="' in html and "navbar" in html  # the product's layout, with its menu
    assert f'<html lang="{language}">' in html


def test_an_account_outside_the_scope_is_the_same_404(client, outsider, manager):
    from tests.factories import AccountFactory

    account = AccountFactory(owner=outsider)
    client.force_login(manager)
    page = client.get(account.get_absolute_url())
    assert page.status_code == 404 and "404.html" in [t.name for t in page.templates]


def test_a_forbidden_action_says_why_and_leads_back(client, manager):
    client.force_login(manager)
    came_from = "http://testserver" + reverse("tiering:review")
    page = in_language(client, "zh-hans").post(reverse("tiering:review-open"), HTTP_REFERER=came_from)
    assert page.status_code == 403
    html = page.content.decode()
    assert "您无权执行此操作" in html and "返回上一页" in html and f'href="{came_from}"' in html


def test_the_way_back_never_leads_off_the_site(client, manager):
    client.force_login(manager)
    page = client.post(reverse("tiering:review-open"), HTTP_REFERER="https://evil.example.com/phish")
    assert page.status_code == 403
    assert "evil.example.com" not in page.content.decode()
    assert "Back to the previous page" not in page.content.decode()


def test_an_expired_form_is_explained_in_the_users_language(manager):
    client = in_language(Client(enforce_csrf_checks=True), "zh-hant")
    client.force_login(manager)
    page = client.post(reverse("logout"))
    assert page.status_code == 403
    assert "403_csrf.html" in [t.name for t in page.templates]
    assert "表單未能提交" in page.content.decode()
    assert "_auth_user_id" in client.session  # nothing happened


@pytest.mark.parametrize(("view", "status", "text"), [
    (server_error, 500, "系统出现了问题"),
    (lambda request: bad_request(request, Exception()), 400, "无法识别该请求"),
])
def test_server_error_and_bad_request_pages_are_translated(rf: RequestFactory, view, status, text):
    with translation.override("zh-hans"):
        response = view(rf.get("/"))
    assert response.status_code == status
    assert text in response.content.decode()


def test_the_lockout_page_leads_back_to_the_login_page(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "li", "password": "wrong"})
    page = in_language(client, "zh-hans").post(reverse("login"), {"username": "li", "password": PASSWORD})
    assert page.status_code == 429
    assert "返回登录页" in page.content.decode() and f'href="{reverse("login")}"' in page.content.decode()


# --- `make run`: DEBUG, and still the product's pages ----------------------------------------------

@override_settings(**DEBUG_PAGES)
def test_under_debug_a_missing_path_shows_the_products_page_not_the_url_patterns(client, manager):
    client.force_login(manager)
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode() and "URLconf" not in page.content.decode()


@override_settings(**DEBUG_PAGES)
def test_under_debug_a_404_raised_by_a_view_shows_the_products_page(client, manager):
    client.force_login(manager)
    page = client.get(reverse("accounts:detail", args=[987654]))
    assert page.status_code == 404
    assert "404.html" in [t.name for t in page.templates]


@override_settings(**DEBUG_PAGES)
def test_under_debug_a_missing_slash_is_still_redirected(client, manager):
    client.force_login(manager)
    assert client.get("/accounts").headers["Location"] == "/accounts/"


@override_settings(DEBUG=True)
def test_without_the_middleware_debug_shows_djangos_technical_page(client, manager):
    client.force_login(manager)
    assert "URLconf" in client.get("/no-such-page/").content.decode()  # what the middleware replaces


@pytest.mark.parametrize(("env", "installed"), [({}, True), ({"DJANGO_DEBUG_ERROR_PAGES": "true"}, False),
                                                ({"DJANGO_DEBUG": "false"}, False)])
def test_local_settings_install_the_middleware_unless_asked_not_to(env, installed):
    # Reading the settings opens no connection: any DATABASE_URL keeps the embedded server out of it.
    environment = {**{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_DEBUG_ERROR_PAGES")},
                   "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused", **env}
    code = "import config.settings.local as s; print('core.middleware.ProductNotFoundPageMiddleware' in s.MIDDLEWARE)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == str(installed), result.stderr
