from celery import shared_task


@shared_task
def heartbeat():
    """Runs every minute; its JobRun rows tell /healthz that worker and beat are alive."""
    return 0


@shared_task
def daily_digest():
    """Hourly; from NOTIFICATIONS_DIGEST_HOUR on, each person's "your day" digest, once a day."""
    from reports.digest import daily_digest as digest

    return digest()
