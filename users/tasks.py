from urllib.parse import urlsplit

from axes.models import AccessAttempt
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@shared_task(label=_("Remove expired sessions"))
def sessions_clear_expired():
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(label=_("Remove expired login lockouts"))
def lockouts_clear_expired():
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted


@shared_task(label=_("Send a password-reset e-mail"))
def password_reset_send(email):
    """Mail a reset link to every active user of `email`; none for an unknown one.

    The lookup happens here, in the worker, not in the request: the request for a
    known and for an unknown address does exactly the same work (users.views.PasswordResetView).
    Returns how many e-mails went out."""
    from users.forms import PasswordResetMailForm

    form = PasswordResetMailForm({"email": email})
    if not form.is_valid():
        return 0
    site = urlsplit(settings.SITE_URL)  # not the request's Host header: links point where they should
    form.save(domain_override=site.netloc, use_https=site.scheme == "https",
              subject_template_name="registration/password_reset_subject.txt",
              email_template_name="registration/password_reset_email.html")
    return form.sent
