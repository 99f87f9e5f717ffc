from celery import shared_task

HEARTBEAT = "core.tasks.heartbeat"
# The heartbeat's name before it moved from reports to core. A beat or a queued message
# from before the upgrade still sends it, so a worker keeps answering to it and
# /healthz counts its runs (core.jobs.last_heartbeat).
HEARTBEAT_BEFORE = "reports.tasks.heartbeat"


@shared_task(name=HEARTBEAT)
def heartbeat():
    """Runs every minute; its JobRun rows tell /healthz that worker and beat are alive."""
    return 0


@shared_task(name=HEARTBEAT_BEFORE)
def heartbeat_before():
    return 0
