from celery import shared_task


@shared_task
def daily_digest():
    """Hourly; from NOTIFICATIONS_DIGEST_HOUR on, each person's "your day" digest, once a day."""
    from reports.digest import daily_digest as digest

    return digest()
