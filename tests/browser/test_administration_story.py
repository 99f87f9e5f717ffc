"""Issue 24 in a real browser (X-06): the admin creates a user and a team in the product (no
Django admin site); the new user signs in, turns on two-factor sign-in by scanning (here:
reading) the key the page shows, keeps the recovery codes, and signs in again with a code from
the authenticator app. The admin then finds it all in the audit log. Desktop, and the set-up on
a phone."""

import base64
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AdminFactory, SupervisorFactory, TeamFactory, UserFactory
from tests.totp import code_from_key, next_code

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 800}
ZHOU_PASSWORD = "north-star-2026-pass"


@pytest.fixture
def people(db):
    AdminFactory(username="root", display_name="管理员")
    east = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    UserFactory(username="li", display_name="李经理", team=east)


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_admin_creates_a_user_and_a_team_and_the_user_signs_in_with_a_code(page, live_server, people, log_in,
                                                                          log_out, screenshot):
    page.set_viewport_size(DESKTOP)
    log_in("root", PASSWORD)  # the admin's own code step (tests/totp.py)
    page.wait_for_url(f"{live_server.url}/")

    # A new supervisor, with a first password the admin tells them.
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Username").fill("zhou")
    page.get_by_label("Display name").fill("周主管")
    page.get_by_label("Role").select_option(label="Supervisor")
    page.get_by_label("Set a first password now and tell them").check()
    page.get_by_label("Password", exact=True).fill(ZHOU_PASSWORD)
    page.get_by_label("Password again").fill(ZHOU_PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("周主管 can now sign in.")).to_be_visible()
    screenshot("admin-1-user-created")

    # A team led by zhou, with li moved into it.
    page.goto(f"{live_server.url}/teams/")
    page.get_by_role("link", name="New team").click()
    page.locator("#id_name").fill("North China")
    # the company's people are found by name, not listed (issue 19)
    page.locator("#id_supervisor-search").fill("周")
    page.locator(".js-pick-option", has_text="周主管").click()
    expect(page.locator("#id_supervisor option:checked")).to_have_text("周主管")
    page.locator("#id_members-search").fill("李")
    page.locator(".js-pick-option", has_text="李经理").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Team North China is created.")).to_be_visible()
    expect(page.get_by_text("李经理")).to_be_visible()
    screenshot("admin-2-team-created")
    log_out("管理员")

    # zhou signs in with the password alone, then turns on two-factor sign-in.
    sign_in(page, live_server, "zhou", ZHOU_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/security/")
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    key = base64.b32decode(secret)
    screenshot("admin-3-totp-enrol")
    page.locator("#id_token").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_text("10 recovery codes left.")).to_be_visible()
    log_out("周主管")

    # The next sign-in asks for the code after the password.
    sign_in(page, live_server, "zhou", ZHOU_PASSWORD)
    page.wait_for_url(re.compile(r"/login/code/"))
    page.locator("#id_token").fill("000000" if code_from_key(key) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    page.wait_for_timeout(1500)  # django-otp accepts no code for a second after a wrong one
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.locator("#id_token").fill(next_code(TOTPDevice.objects.get(user__username="zhou")))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name=re.compile("周主管"))).to_be_visible()
    log_out("周主管")

    # The admin reads it all in the audit log.
    log_in("root", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/audit/?q=zhou")
    log = page.locator("#audit")
    expect(log.get_by_text("Two-factor sign-in turned on")).to_be_visible()
    expect(log.get_by_text("Wrong two-factor code")).to_be_visible()
    expect(log.get_by_text("Password and two-factor code")).to_be_visible()
    screenshot("admin-4-audit-log")


def test_the_enrolment_and_admin_pages_fit_a_phone(page, live_server, people):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "root", PASSWORD)  # an admin without a phone yet must set one up
    page.wait_for_url(re.compile(r"/login/enrol/"))
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    key = base64.b32decode(page.locator("#totp-secret").inner_text().strip())
    page.locator("#id_token").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/people/", "/people/new/", "/audit/", "/security/"):  # the admin's new pages fit too
        assert page.goto(f"{live_server.url}{path}").ok, path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
