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
    alerts = OverlapAlert.objects.filter(visit_id=visit_id).select_related(
        "contact", "visit__author", "other_visit__author")
    sent = 0
    for alert in alerts:
        recipient = alert.other_visit.author
        if not recipient.email:
            continue
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
        sent += 1
    return sent


@shared_task
def after_sales_schedule():
    """K-26: follow-ups for new orders and running contracts; idempotent."""
    from visits.services import after_sales_schedule as schedule

    return schedule()
