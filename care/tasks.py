from celery import shared_task
from django.utils.translation import gettext_lazy as _

from care import services
from care.models import CareDigest


@shared_task(label=_("Birthday calls for today (K-40)"))
def birthday_tasks_generate():
    """Daily (K-40): the day-of one-to-one call for each birthday contact of a key account."""
    return services.birthday_tasks_generate()


@shared_task(label=_("The month's birthday list (K-40)"))
def birthday_month_list():
    """Daily; makes the month's list once, on the 1st or the first day after a missed run."""
    return services.birthday_digests_generate(period=CareDigest.Period.MONTH)


@shared_task(label=_("The week's birthday re-check (K-40)"))
def birthday_week_list():
    """Daily; makes the week's re-check once, on Monday or the first day after a missed run."""
    return services.birthday_digests_generate(period=CareDigest.Period.WEEK)


@shared_task(label=_("Holiday and festival greetings (K-41)"))
def holiday_tasks_generate():
    """Daily (K-41): greetings due N days before each holiday and admin occasion."""
    return services.holiday_tasks_generate()


@shared_task(label=_("Anniversaries, events, personnel changes, silent-period e-mails and role-plan reviews "
                     "(K-42, K-17, K-25, K-14)"))
def event_tasks_generate():
    """Daily (K-42, K-17, K-25, K-14): anniversaries, customer and regional events, personnel changes,
    the silent period's monthly e-mail, role service plans due for review, opportunities' deadlines (X-03)."""
    return (services.anniversary_tasks_generate() + services.event_tasks_generate()
            + services.personnel_change_tasks_generate() + services.silent_email_tasks_generate()
            + services.role_review_tasks_generate() + services.opportunity_tasks_generate())


@shared_task(label=_("Cadence and after-sales reminders"))
def cadence_tasks_generate():
    """Hourly: overdue cadence becomes a reminder, and closes once a touch is logged; after-sales too."""
    return services.cadence_tasks_generate() + services.after_sales_tasks_generate()
