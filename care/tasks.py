from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from care import services
from care.models import CareDigest


@shared_task
def birthday_tasks_generate():
    """Daily (K-40): the day-of one-to-one call for each birthday contact of a key account."""
    return services.birthday_tasks_generate()


@shared_task
def birthday_month_list():
    """Daily; makes the month's list once, on the 1st or the first day after a missed run."""
    return services.birthday_digests_generate(period=CareDigest.Period.MONTH)


@shared_task
def birthday_week_list():
    """Daily; makes the week's re-check once, on Monday or the first day after a missed run."""
    return services.birthday_digests_generate(period=CareDigest.Period.WEEK)


@shared_task
def birthday_digest_send(digest_ids):
    """E-mail each new birthday list to its recipient, in their language."""
    from care.selectors import birthday_rows

    sent = 0
    for digest in CareDigest.objects.filter(pk__in=digest_ids).select_related("recipient"):
        user = digest.recipient
        if not user.email:
            continue
        if digest.period == "week":
            end = digest.starts_on + timedelta(days=6)
        else:  # the month's last day, whatever its length
            end = (digest.starts_on + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        rows = birthday_rows(user, digest.starts_on, end)
        with translation.override(user.language):
            subject = (_("Birthdays this month") if digest.period == "month" else _("Birthdays this week"))
            body = render_to_string("care/email/birthdays.txt", {"user": user, "rows": rows, "digest": digest,
                                                                 "site_url": settings.SITE_URL})
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


@shared_task
def holiday_tasks_generate():
    """Daily (K-41): greetings due N days before each holiday and admin occasion."""
    return services.holiday_tasks_generate()


@shared_task
def event_tasks_generate():
    """Daily (K-42, K-17): anniversaries, customer and regional events, personnel changes."""
    return (services.anniversary_tasks_generate() + services.event_tasks_generate()
            + services.personnel_change_tasks_generate())


@shared_task
def cadence_tasks_generate():
    """Hourly: overdue cadence becomes a reminder, and closes once a touch is logged; after-sales too."""
    return services.cadence_tasks_generate() + services.after_sales_tasks_generate()
