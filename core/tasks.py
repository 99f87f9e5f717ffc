from celery import shared_task

from core import outbox


@shared_task
def outbox_send(ids):
    """Send these outbox rows, each at most once (queued after the commit that wrote them)."""
    return sum(outbox.outbox_send(pk) for pk in ids)


@shared_task
def outbox_sweep():
    """Every minute: what was never enqueued, failed attempts whose wait is over, dead workers' claims."""
    return outbox.outbox_sweep()
