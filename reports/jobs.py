"""Records every Celery task run as a JobRun, from Celery's own signals.

Tasks stay plain: a task returns the number of rows it made and this module
writes it down. Connected in ReportsConfig.ready().
"""

import logging

from celery import signals
from django.utils import timezone

logger = logging.getLogger(__name__)


def _job_runs():
    from reports.models import JobRun

    return JobRun.objects


@signals.task_prerun.connect
def _started(task_id=None, task=None, **kwargs):
    _job_runs().update_or_create(
        task_id=task_id,
        defaults={"task": task.name, "started_at": timezone.now(), "status": "running",
                  "finished_at": None, "error": ""},
    )


@signals.task_postrun.connect
def _finished(task_id=None, retval=None, state=None, **kwargs):
    if state != "SUCCESS":
        return  # task_failure wrote the failure
    rows = retval if isinstance(retval, int) and not isinstance(retval, bool) else None
    _job_runs().filter(task_id=task_id).update(status="succeeded", finished_at=timezone.now(), rows=rows)


@signals.task_failure.connect
def _failed(task_id=None, exception=None, **kwargs):
    _job_runs().filter(task_id=task_id).update(
        status="failed", finished_at=timezone.now(), error=repr(exception)[:2000]
    )
