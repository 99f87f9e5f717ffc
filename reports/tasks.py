from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(label=_("The daily \"your day\" digest"))
def daily_digest():
    """Hourly; from NOTIFICATIONS_DIGEST_HOUR on, each person's "your day" digest, once a day."""
    from reports.digest import daily_digest as digest

    return digest()


@shared_task(label=_("The reports' read model checked against its sources"))
def report_facts_refresh():
    """Nightly: every fact (revenue from the orders; touches, customer issues and care from the
    visits, the issues and the care tasks) recomputed from its source and the differences written
    (0 rows when the triggers kept up); the first run after a raw load builds the facts."""
    from reports.facts import facts_refresh

    return facts_refresh()
