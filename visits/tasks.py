from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
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
    """Send one alert at most once: the row is locked and marked in the transaction that sends, so
    the task and the sweeper (or a redelivered task) racing for it send it once; a failed send
    rolls the mark back and the sweeper tries again."""
    with transaction.atomic():
        alert = (OverlapAlert.objects.select_for_update(of=("self",))
                 .select_related("contact", "visit__author", "other_visit__author")
                 .filter(pk=alert_id, notified_at__isnull=True).first())
        if alert is None:
            return 0
        recipient = alert.other_visit.author
        if recipient.email:
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
        OverlapAlert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())
        return 1 if recipient.email else 0


@shared_task
def after_sales_schedule():
    """K-26: follow-ups for new orders and running contracts; idempotent."""
    from visits.services import after_sales_schedule as schedule

    return schedule()
