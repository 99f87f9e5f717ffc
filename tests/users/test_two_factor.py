"""Two-factor sign-in (issue 24 item 6, X-06): required for admins, optional for others,
TWO_FACTOR_FOR_EVERYONE requires it of everyone; a TOTP app set up from a QR code made on our
server, and one-time recovery codes. The session is made only after the second factor."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEntry
from tests.factories import PASSWORD
from users import twofactor

pytestmark = pytest.mark.django_db


def code(device, *, ahead=0):
    """What the phone shows now (ahead=1: the next 30 s step, still accepted, for a second sign-in
    within the same step as the set-up: django-otp never accepts one step twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def enrolled(user):
    device = twofactor.totp_pending_device(user=user)
    codes = twofactor.totp_enrol_confirm(user=user, device=device, token=code(device))
    device.refresh_from_db()
    return device, codes


def password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_manager_without_two_factor_signs_in_with_the_password_alone(client, manager):
    assert password_step(client, "li").url == reverse("home")


def test_an_admin_must_set_up_two_factor_before_the_session_exists(client, admin):
    response = password_step(client, "root")
    assert response.url == reverse("login-enrol")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    page = client.get(reverse("login-enrol"))
    assert "<svg" in page.content.decode() and page.context["secret"]
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.get(reverse("login-enrol")).context["secret"] == page.context["secret"]  # the same on reload
    wrong = client.post(reverse("login-enrol"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert "token" in wrong.context["form"].errors and "_auth_user_id" not in client.session
    done = client.post(reverse("login-enrol"), {"token": code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert int(client.session["_auth_user_id"]) == admin.pk
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_ENABLED, actor=admin).exists()
    sign_in = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert sign_in.describe() == "Password and two-factor code"


def test_an_enrolled_admin_signs_in_with_a_code(client, admin):
    device, _codes = enrolled(admin)
    assert password_step(client, "root").url == reverse("login-code")
    response = client.post(reverse("login-code"), {"token": code(device, ahead=1)})
    assert response.status_code == 302 and response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == admin.pk


def test_a_wrong_code_is_refused_audited_and_five_start_over(client, admin):
    device, _codes = enrolled(admin)
    password_step(client, "root")
    page = client.post(reverse("login-code"), {"token": "abcdef"})
    assert "token" in page.context["form"].errors and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=Action.SECOND_FACTOR_FAILED, actor=admin).count() == 1
    for _ in range(4):
        response = client.post(reverse("login-code"), {"token": "abcdef"})
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("login-code")).url == reverse("login")  # the pending sign-in is gone


def test_a_recovery_code_works_once(client, admin):
    _device, codes = enrolled(admin)
    password_step(client, "root")
    assert client.post(reverse("login-code"), {"token": codes[0]}).url == reverse("home")
    assert AuditEntry.objects.filter(action=Action.RECOVERY_CODE_USED).count() == 1
    client.post(reverse("logout"))
    password_step(client, "root")
    assert "token" in client.post(reverse("login-code"), {"token": codes[0]}).context["form"].errors


def test_the_code_step_without_a_password_first_sends_back_to_login(client, admin):
    enrolled(admin)
    assert client.get(reverse("login-code")).url == reverse("login")
    assert client.post(reverse("login-enrol"), {"token": "123456"}).url == reverse("login")


def test_the_pending_sign_in_expires(client, admin, settings):
    device, _codes = enrolled(admin)
    password_step(client, "root")
    settings.TWO_FACTOR_PENDING_MINUTES = -1
    assert client.post(reverse("login-code"), {"token": code(device, ahead=1)}).url == reverse("login")


def test_a_manager_turns_it_on_and_then_needs_a_code(client, manager):
    client.force_login(manager)
    assert "Turn on" in client.get(reverse("security")).content.decode()
    client.get(reverse("security-enrol"))
    device = TOTPDevice.objects.get(user=manager)
    page = client.post(reverse("security-enrol"), {"token": code(device)})
    assert len(page.context["codes"]) == 10
    client.post(reverse("logout"))
    assert password_step(client, "li").url == reverse("login-code")
    # ...and may turn it off again (not required for managers)
    client.post(reverse("login-code"), {"token": code(device, ahead=1)})
    client.post(reverse("security-disable"))
    assert not twofactor.has_second_factor(manager)


def test_an_admin_cannot_turn_their_own_off(client, admin):
    enrolled(admin)
    client.force_login(admin)
    client.post(reverse("security-disable"))
    assert twofactor.has_second_factor(admin)


def test_new_recovery_codes_replace_the_old(client, manager):
    _device, old = enrolled(manager)
    client.force_login(manager)
    assert client.get(reverse("security-recovery-codes")).status_code == 200  # confirm first
    new = client.post(reverse("security-recovery-codes")).context["codes"]
    assert set(new).isdisjoint(old) and twofactor.recovery_codes_left(manager) == 10


def test_the_setting_requires_it_of_everyone(client, manager, settings):
    settings.TWO_FACTOR_FOR_EVERYONE = True
    assert password_step(client, "li").url == reverse("login-enrol")


def test_the_lockout_still_guards_the_password_step(client, admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "root", "password": "wrong"})
    assert password_step(client, "root").status_code == 429


def test_an_admin_resets_someones_lost_phone(client, admin, manager):
    enrolled(manager)
    client.force_login(admin)
    assert client.get(reverse("people:two-factor-reset", args=[manager.pk])).status_code == 200  # confirm
    client.post(reverse("people:two-factor-reset", args=[manager.pk]))
    assert not twofactor.has_second_factor(manager)
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_DISABLED, actor=admin,
                                     target_id=str(manager.pk)).exists()


def test_the_code_page_speaks_chinese(client, admin):
    enrolled(admin)
    password_step(client, "root")
    assert "验证码" in client.get(reverse("login-code"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_admin_sites_login_sends_to_ours_so_the_code_is_not_skipped(client, admin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == "/login/?next=/admin/"
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_two_factor_pages_keep_their_query_counts(client, admin, manager, django_assert_max_num_queries):
    enrolled(manager)
    client.force_login(manager)
    # session, user, the bell, device, recovery codes left, session save (3)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("security")).status_code == 200
    client.post(reverse("logout"))
    enrolled(admin)
    password_step(client, "root")
    # session, the pending user, their device, session save (3)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("login-code")).status_code == 200
