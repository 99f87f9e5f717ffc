"""Two-factor sign-in (issue 24 item 6): a TOTP authenticator app (django-otp) and one-time
recovery codes (django-otp's static device). Required for admins; TWO_FACTOR_FOR_EVERYONE
requires it of everyone; optional for the others.

The second factor is asked between the password and the session: users.views.LoginView
keeps a pending sign-in in the session and only logs the user in once the code is right, so a
session that exists has passed both factors."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import record

RECOVERY_CODES = 10
RECOVERY_NAME = "recovery"
TOTP_NAME = "authenticator"


def second_factor_required(user):
    return user.is_admin or settings.TWO_FACTOR_FOR_EVERYONE


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def totp_pending_device(*, user):
    """The not-yet-confirmed authenticator being set up: the same one on every reload, so the
    QR code a person scanned stays the one the server checks."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_secret(device):
    """The key as authenticator apps type it (base32), for a phone that cannot scan."""
    return b32encode(device.bin_key).decode()


def totp_qr_svg(device):
    """The otpauth:// address as an SVG QR code, made here: no image service sees the secret."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _clean_token(token):
    return "".join(str(token).split()).lower()


@transaction.atomic
def totp_enrol_confirm(*, user, device, token, request=None):
    """The first code from the app proves it holds the key: the device becomes the user's
    authenticator (replacing any earlier one) and fresh recovery codes are returned, to show once."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"token": _("This set-up has expired; start again.")})
    if not device.verify_token(_clean_token(token)):
        raise ValidationError({"token": _("That code is not right. Check the phone's clock and try the new code.")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    record(Action.TWO_FACTOR_ENABLED, actor=user, request=request, target=user)
    return _recovery_codes_make(user)


def _recovery_codes_make(user):
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME,
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_new(*, user, request=None):
    """Ten new one-time codes; the old ones stop working."""
    if not has_second_factor(user):
        raise ValidationError(_("Set up two-factor sign-in first."))
    record(Action.RECOVERY_CODES_NEW, actor=user, request=request, target=user)
    return _recovery_codes_make(user)


def second_factor_verify(*, user, token, request=None):
    """'two_factor' or 'recovery' (how the user proved it), or a ValidationError. Wrong codes
    slow the authenticator down (django-otp's throttling) and are audited."""
    token = _clean_token(token)
    device = confirmed_totp(user)
    if device is not None and token.isdigit() and device.verify_token(token):
        return "two_factor"
    for recovery in StaticDevice.objects.filter(user=user, name=RECOVERY_NAME, confirmed=True):
        if recovery.verify_token(token):  # consumes the code
            record(Action.RECOVERY_CODE_USED, actor=user, request=request, target=user)
            return "recovery"
    record(Action.SECOND_FACTOR_FAILED, actor=user, request=request, target=user)
    device = confirmed_totp(user)  # read again: the failure just counted
    # django-otp waits 1, 2, 4… seconds after each wrong code; say so once it matters.
    if device is not None and device.throttling_failure_count >= 3 and not device.verify_is_allowed()[0]:
        raise ValidationError({"token": _("Too many wrong codes: wait a few seconds, then use the new code.")})
    raise ValidationError({"token": _("That code is not right.")})


@transaction.atomic
def two_factor_disable(*, user, by, request=None):
    """Remove a person's authenticator and recovery codes. A person for whom two-factor is
    required cannot remove their own (an admin may reset anyone's: they enrol again at their
    next sign-in)."""
    if by.pk == user.pk and second_factor_required(user):
        raise ValidationError(_("Two-factor sign-in is required for you; set up a new phone instead."))
    if not by.is_admin and by.pk != user.pk:
        raise ValidationError(_("Only an admin resets someone else's two-factor sign-in."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(Action.TWO_FACTOR_DISABLED, actor=by, request=request, target=user)
