"""The record of job runs and what the admin sees of the jobs.

Every Celery task run is written down as a JobRun from Celery's own signals: tasks
stay plain, a task returns the number of rows it made and this module records it.
Connected in CoreConfig.ready().
"""

import logging
from datetime import timedelta
from importlib import import_module

from celery import current_app, signals
from celery.schedules import BaseSchedule, crontab, schedule
from django.db.models import Count
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.tasks import HEARTBEAT, HEARTBEAT_BEFORE

logger = logging.getLogger(__name__)

# A task's name before it moved: its runs count as the runs of the task it became.
RENAMED = {HEARTBEAT_BEFORE: HEARTBEAT}


def _job_runs():
    from core.models import JobRun

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


def last_heartbeat():
    """When the worker last ran the heartbeat, or None: /healthz shows it."""
    runs = _job_runs().filter(task__in=[HEARTBEAT, HEARTBEAT_BEFORE], status="succeeded")
    return runs.order_by("-started_at").values_list("started_at", flat=True).first()


def job_health(beat_schedule=None):
    """Every job of the beat schedule, in its order, whether it ran or not, then every other
    task that ran (the ones the app queues itself): its schedule in words, next run, last run
    and failures in the last 7 days. Two queries, whatever the number of runs."""
    beat_schedule = current_app.conf.beat_schedule if beat_schedule is None else beat_schedule
    since = timezone.now() - timedelta(days=7)
    failures = {}
    for task, n in (_job_runs().filter(status="failed", started_at__gte=since).values("task")
                    .annotate(n=Count("pk")).values_list("task", "n")):
        failures[RENAMED.get(task, task)] = failures.get(RENAMED.get(task, task), 0) + n
    last = {}
    for run in _job_runs().latest_per_task():
        task = RENAMED.get(run.task, run.task)
        if task not in last or last[task].started_at < run.started_at:
            last[task] = run
    rows = []
    for name, entry in beat_schedule.items():
        task = entry["task"]
        rows.append({"name": name, "task": task, "label": task_label(task),
                     "schedule": schedule_words(entry["schedule"]), "next_run": next_run(entry["schedule"]),
                     "last": last.pop(task, None), "failures": failures.get(task, 0)})
    for task, run in sorted(last.items()):
        rows.append({"name": None, "task": task, "label": task_label(task), "schedule": _("When the app queues it"),
                     "next_run": None, "last": run, "failures": failures.get(task, 0)})
    return rows


def task_label(name):
    """What a job does, in the reader's language (the `label` its app gives it), else its name."""
    # By name, not from the app's registry: a web process has not imported the apps' tasks.
    module, _dot, function = name.rpartition(".")
    try:
        task = getattr(import_module(module), function, None)
    except ImportError:  # a run recorded under a name that no longer exists
        task = None
    return getattr(task, "label", None) or name


def next_run(when):
    """The next time beat sends a job, as an aware datetime (None if the schedule is unknown)."""
    if isinstance(when, (int, float)):
        when = timedelta(seconds=when)
    if isinstance(when, timedelta):
        return timezone.now() + when
    if isinstance(when, crontab):
        now = when.now()
        # Beat's estimate lands a hair before the minute it means (02:29:59.99 for 02:30).
        moment = now + when.remaining_estimate(now) + timedelta(seconds=30)
        return moment.replace(second=0, microsecond=0)
    if isinstance(when, BaseSchedule):
        now = when.now()
        return now + when.remaining_estimate(now)
    return None


def schedule_words(when):
    """A beat schedule said as a person would: "Every 15 minutes", "Daily at 02:30"."""
    if isinstance(when, crontab):
        return _crontab_words(when)
    if isinstance(when, schedule):
        when = when.run_every
    if isinstance(when, (int, float)):
        when = timedelta(seconds=when)
    if isinstance(when, timedelta):
        seconds = int(when.total_seconds())
        if seconds % 60:
            return ngettext("Every %(n)d second", "Every %(n)d seconds", seconds) % {"n": seconds}
        return ngettext("Every %(n)d minute", "Every %(n)d minutes", seconds // 60) % {"n": seconds // 60}
    return str(when)


def _crontab_words(cron):
    minute, hour, dow, dom, moy = (str(part).replace(" ", "") for part in (
        cron._orig_minute, cron._orig_hour, cron._orig_day_of_week, cron._orig_day_of_month,
        cron._orig_month_of_year))
    every_day = dow == dom == moy == "*"
    if every_day and hour == "*":
        if minute == "*":
            return _("Every minute")
        if minute.startswith("*/") and minute[2:].isdigit():
            n = int(minute[2:])
            return ngettext("Every %(n)d minute", "Every %(n)d minutes", n) % {"n": n}
        if minute.isdigit():
            return _("Every hour at :%(minute)s") % {"minute": f"{int(minute):02d}"}
    if hour.isdigit() and minute.isdigit():
        at = f"{int(hour):02d}:{int(minute):02d}"
        if every_day:
            return _("Daily at %(time)s") % {"time": at}
        if dow == "*" and dom.isdigit() and moy == "*":
            return _("Monthly on day %(day)s at %(time)s") % {"day": dom, "time": at}
        if dow == "*" and dom.isdigit() and all(m.isdigit() and 1 <= int(m) <= 12 for m in moy.split(",")):
            months = get_text_list([str(MONTHS[int(m)]) for m in moy.split(",")], _("and"))
            return _("On day %(day)s of %(months)s at %(time)s") % {"day": dom, "months": months, "time": at}
        if dom == moy == "*" and dow.isdigit() and 0 <= int(dow) <= 6:
            # Celery counts the week from Sunday (0), Django's WEEKDAYS from Monday (0).
            return _("Every %(weekday)s at %(time)s") % {"weekday": WEEKDAYS[(int(dow) - 1) % 7], "time": at}
    return _("Cron %(expression)s") % {"expression": " ".join((minute, hour, dom, moy, dow))}

