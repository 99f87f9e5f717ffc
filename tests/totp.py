"""The phone in the tests: an authenticator app for a user, and the code it shows (issue 24)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user, *, tolerance=10):
    """A confirmed authenticator for `user`. The wide tolerance lets a story sign the same person
    in several times within one 30 s step (django-otp accepts each step once, and only ahead)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, tolerance=tolerance)


def code_from_key(key, *, at=None, step=30, digits=6):
    totp = TOTP(key, step, 0, digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{digits}d}"


def next_code(device):
    """The code of the first step the device still accepts: now, or just after the last one used."""
    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    t = max(now_t, device.last_t + 1)
    return code_from_key(device.bin_key, at=device.t0 + t * device.step + 1, step=device.step, digits=device.digits)


def answer_second_step(page, username):
    """After the password in a browser: type the authenticator's code if the code step is asked."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:  # the password step leads to the code step
        page.wait_for_url("**/login/code/")
        page.locator("#id_token").fill(next_code(device))
        page.locator("button[type=submit]").click()


def prepare(username):
    """Give an admin (two-factor required) their phone before a story signs them in."""
    from users import twofactor
    from users.models import User

    user = User.objects.filter(username=username).first()
    if user is not None and twofactor.second_factor_required(user):
        authenticator(user)
