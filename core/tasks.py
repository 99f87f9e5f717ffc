from celery import shared_task
from django.utils.translation import gettext_lazy as _

from core import outbox

HEARTBEAT = "core.tasks.heartbeat"
# The heartbeat's name before it moved from reports to core. A beat or a queued message
# from before the upgrade still sends it, so a worker keeps answering to it and
# /healthz counts its runs (core.jobs.last_heartbeat).
HEARTBEAT_BEFORE = "reports.tasks.heartbeat"


@shared_task(name=HEARTBEAT, label=_("Heartbeat: worker and beat are alive"))
def heartbeat():
    """Runs every minute; its JobRun rows tell /healthz that worker and beat are alive."""
    return 0


@shared_task(name=HEARTBEAT_BEFORE)
def heartbeat_before():
    return 0


@shared_task(label=_("Send queued e-mails and robot posts"))
def outbox_send(ids):
    """Send these outbox rows, each at most once (queued after the commit that wrote them)."""
    return sum(outbox.outbox_send(pk) for pk in ids)


@shared_task(label=_("Send what is due in the outbox"))
def outbox_sweep():
    """Every minute: what was never enqueued, failed attempts whose wait is over, dead workers' claims."""
    return outbox.outbox_sweep()
