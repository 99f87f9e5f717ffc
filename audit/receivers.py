"""Sign-ins, failed sign-ins, lockouts and exports, heard where they happen once for every
door: Django's authentication signals (the login page, LDAP, the admin site all pass through
authenticate/login), django-axes' lockout, and core.exports' list_export."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import record
from core.exports import export_made


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    backend = getattr(user, "backend", "") or ""
    method = "ldap" if "ldap" in backend.lower() else "password"
    if request is not None:
        # Set by the two-factor step (users.views) just before it logs the user in.
        method = request.session.pop("sign_in_method", method)
    record(Action.SIGN_IN, actor=user, request=request, details={"method": method})


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django masks the password in `credentials`; only the username is kept.
    record(Action.SIGN_IN_FAILED, actor_name=credentials.get("username", ""), request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Action.LOCKED_OUT, actor_name=username or "", request=request)


@receiver(export_made, dispatch_uid="audit_export")
def _exported(sender, request, list_name, export_format, filters, rows, **kwargs):
    record(Action.EXPORT, actor=request.user, request=request,
           details={"list": list_name, "format": export_format, "filters": filters, "rows": rows})
