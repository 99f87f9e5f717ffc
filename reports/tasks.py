from celery import shared_task


@shared_task
def heartbeat():
    """Runs every minute; its JobRun rows tell /healthz that worker and beat are alive."""
    return 0
