"""The second step of signing in, and each person's own two-factor settings (users/twofactor.py)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import add_service_error
from core.views import confirm_page, run_service
from users import twofactor
from users.forms import CodeForm
from users.models import User

PENDING = "pending_sign_in"
MAX_TRIES = 5


class LoginView(auth_views.LoginView):
    """Django's login page; for a person with (or required to have) two-factor sign-in, the
    right password only opens the second step, and the session is made after it."""

    def form_valid(self, form):
        return begin_second_step(self.request, form.get_user(), self.get_success_url()) or super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_provider=settings.OIDC_PROVIDER_NAME if settings.OIDC_RP_CLIENT_ID
                                        else "", **kwargs)


def begin_second_step(request, user, next_url):
    """For someone who has or must have two-factor sign-in, the redirect to the code (or set-up)
    step, the first factor being passed; None for everyone else (log them in now)."""
    enrolled = twofactor.has_second_factor(user)
    if not (enrolled or twofactor.second_factor_required(user)):
        return None
    request.session.cycle_key()  # a fixed session id learns nothing of the next step
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                "next": next_url, "tries": 0}
    return redirect("login-code" if enrolled else "login-enrol")


def _pending(request):
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > settings.TWO_FACTOR_PENDING_MINUTES * 60:
        return None, None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    return (user, data) if user else (None, None)


def _start_again(request):
    request.session.pop(PENDING, None)
    messages.info(request, _("Sign in again: the step after the password takes at most a few minutes."))
    return redirect("login")


def _complete(request, user, data, method):
    request.session.pop(PENDING, None)
    request.session["sign_in_method"] = method  # the audit log's receiver reads it (audit.receivers)
    auth_login(request, user, backend=data["backend"])


@login_not_required
def login_code(request):
    user, data = _pending(request)
    if user is None:
        return _start_again(request)
    if not twofactor.has_second_factor(user):
        return redirect("login-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = twofactor.second_factor_verify(user=user, token=form.cleaned_data["token"], request=request)
        except ValidationError as error:
            data["tries"] += 1
            request.session[PENDING] = data
            if data["tries"] >= MAX_TRIES:
                return _start_again(request)
            add_service_error(form, error)
        else:
            _complete(request, user, data, method)
            return redirect(data["next"])
    return render(request, "registration/login_code.html", {"form": form, "person": user})


@login_not_required
def login_enrol(request):
    """First sign-in of someone who must have two-factor sign-in: set it up, then in."""
    user, data = _pending(request)
    if user is None:
        return _start_again(request)
    if twofactor.has_second_factor(user):
        return redirect("login-code")
    device = twofactor.totp_pending_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_enrol_confirm(user=user, device=device, token=form.cleaned_data["token"],
                                                 request=request)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _complete(request, user, data, "two_factor")
            return render(request, "users/recovery_codes.html", {"codes": codes, "next_url": data["next"]})
    return render(request, "users/totp_enrol.html", {
        "form": form, "qr": twofactor.totp_qr_svg(device), "secret": twofactor.totp_secret(device),
        "required": True, "title": _("Set up two-factor sign-in")})


def security(request):
    """The person's own two-factor settings."""
    user = request.user
    return render(request, "users/security.html", {
        "enrolled": twofactor.has_second_factor(user), "required": twofactor.second_factor_required(user),
        "codes_left": twofactor.recovery_codes_left(user), "title": _("Two-factor sign-in")})


def security_enrol(request):
    device = twofactor.totp_pending_device(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_enrol_confirm(user=request.user, device=device,
                                                 token=form.cleaned_data["token"], request=request)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "users/recovery_codes.html", {"codes": codes, "next_url": reverse("security")})
    return render(request, "users/totp_enrol.html", {
        "form": form, "qr": twofactor.totp_qr_svg(device), "secret": twofactor.totp_secret(device),
        "required": twofactor.second_factor_required(request.user), "title": _("Set up two-factor sign-in"),
        "replacing": twofactor.has_second_factor(request.user)})


def security_recovery_codes(request):
    if request.method != "POST":
        return confirm_page(request, title=_("Make new recovery codes?"),
                            message=_("Your current recovery codes stop working."),
                            label=_("Make new codes"), cancel_url=reverse("security"))
    try:
        codes = twofactor.recovery_codes_new(user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("security")
    return render(request, "users/recovery_codes.html", {"codes": codes, "next_url": reverse("security")})


def security_disable(request):
    if request.method != "POST":
        return confirm_page(request, title=_("Turn two-factor sign-in off?"),
                            message=_("Signing in will need only your password."),
                            label=_("Turn off"), cancel_url=reverse("security"))
    return run_service(request, twofactor.two_factor_disable, user=request.user, by=request.user, request=request,
                       success=_("Two-factor sign-in is off."), redirect_to="security")
