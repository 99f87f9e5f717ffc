from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visits.models import OverlapAlert


@shared_task
def overlap_notify(visit_id):
    """K-24: tell the other managers that someone else just met their contact."""
    ids = OverlapAlert.objects.filter(visit_id=visit_id, notified_at__isnull=True).values_list("pk", flat=True)
    return sum(_notify(pk) for pk in ids)


# Alerts younger than this are left to the task queued when they were made.
SWEEP_GRACE = timedelta(minutes=5)


@shared_task
def overlap_notify_sweep():
    """Send the alerts whose task never ran: the broker was down when the visit was logged,
    or the message was lost. Alerts older than the overlap window are no longer news."""
    now = timezone.now()
    window = timedelta(days=settings.VISITS_OVERLAP_DAYS)
    ids = OverlapAlert.objects.filter(notified_at__isnull=True, created_at__range=(now - window, now - SWEEP_GRACE))
    return sum(_notify(pk) for pk in ids.values_list("pk", flat=True))


def _notify(alert_id):
    """Send one alert at most once. Claim-then-act: the conditional UPDATE claims the alert before
    the mail goes, so the task, a redelivered copy and the sweeper never both send it, and no
    transaction stays open around SMTP. A failed send hands the claim back for the next sweep."""
    claimed = OverlapAlert.objects.filter(pk=alert_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return 0
    alert = OverlapAlert.objects.select_related("contact", "visit__author", "other_visit__author").get(pk=alert_id)
    recipient = alert.other_visit.author
    if not recipient.email:
        return 0
    try:
        with translation.override(recipient.language):
            send_mail(
                _("%(colleague)s also met %(contact)s") % {
                    "colleague": alert.visit.author, "contact": alert.contact},
                _("%(colleague)s logged a visit with %(contact)s on %(date)s; you did on %(yours)s. "
                  "Talk before you both call again.\n%(link)s") % {
                    "colleague": alert.visit.author, "contact": alert.contact,
                    "date": timezone.localdate(alert.visit.occurred_at),
                    "yours": timezone.localdate(alert.other_visit.occurred_at),
                    "link": settings.SITE_URL + reverse("visits:detail", args=[alert.visit_id])},
                None, [recipient.email],
            )
    except Exception:
        OverlapAlert.objects.filter(pk=alert_id).update(notified_at=None)
        raise
    return 1


@shared_task
def after_sales_schedule():
    """K-26: follow-ups for new orders and running contracts; idempotent."""
    from visits.services import after_sales_schedule as schedule

    return schedule()
