from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(label=_("The daily \"your day\" digest"))
def daily_digest():
    """Hourly; from NOTIFICATIONS_DIGEST_HOUR on, each person's "your day" digest, once a day."""
    from reports.digest import daily_digest as digest

    return digest()
