"""Celery: the beat schedule is sane, and a real worker runs a task through the
configured broker (Redis in CI, the filesystem broker locally) and records it."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab

from config.celery import app
from core.models import JobRun


def test_every_beat_entry_is_a_crontab_with_expires():
    assert app.conf.beat_schedule
    for name, entry in app.conf.beat_schedule.items():
        assert isinstance(entry["schedule"], crontab), name
        assert entry["options"]["expires"] > 0, name
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"


def test_tasks_survive_a_lost_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


# The heartbeat moved from reports to core; a beat or a queued message from before the
# upgrade still sends the old name, and a worker must still run it.
@pytest.mark.parametrize("name", ["core.tasks.heartbeat", "reports.tasks.heartbeat"])
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_and_records_the_run(name):
    # Live-server tests commit, and their after-commit sends (the outbox's) reach this broker:
    # start from an empty queue so that the worker runs only the heartbeat.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task(name)
        deadline = time.monotonic() + 20
        while not JobRun.objects.filter(status="succeeded").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    run = JobRun.objects.get()
    assert run.task == name
    assert run.rows == 0 and run.finished_at >= run.started_at


@pytest.mark.django_db
def test_a_failing_job_is_recorded_with_its_error(settings):
    from core import jobs

    class FakeTask:  # the signal hands the task object; only its name is read
        name = "care.tasks.example"

    jobs._started(task_id="t-1", task=FakeTask())
    jobs._failed(task_id="t-1", exception=ValueError("bad row"))
    run = JobRun.objects.get(task_id="t-1")
    assert run.status == JobRun.Status.FAILED and "bad row" in run.error


@pytest.mark.django_db
def test_a_redelivered_task_updates_its_run_instead_of_adding_one():
    from core import jobs

    class FakeTask:
        name = "core.tasks.heartbeat"

    jobs._started(task_id="t-2", task=FakeTask())
    jobs._started(task_id="t-2", task=FakeTask())
    jobs._finished(task_id="t-2", retval=5, state="SUCCESS")
    assert JobRun.objects.get(task_id="t-2").rows == 5


def test_the_beat_schedule_sends_the_heartbeat_by_its_new_name_under_its_old_entry():
    """django-celery-beat's DatabaseScheduler updates the row of an entry by its name at start:
    keeping the name "heartbeat" replaces the old task name instead of adding a second job."""
    assert app.conf.beat_schedule["heartbeat"]["task"] == "core.tasks.heartbeat"


# Issue 19: long jobs on "bulk", what people wait for on "interactive".
BULK = {"imports.tasks.import_check_task", "imports.tasks.import_apply_task", "tiering.tasks.tier_evaluate",
        "care.tasks.cadence_tasks_generate", "visits.tasks.after_sales_schedule", "reports.tasks.daily_digest"}
INTERACTIVE = {"core.tasks.outbox_send", "core.tasks.outbox_sweep", "core.tasks.heartbeat",
               "users.tasks.password_reset_send", "visits.tasks.issue_deadlines_notify"}


def queue_of(name):
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_has_its_queue_long_jobs_apart_from_what_people_wait_for():
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert BULK | INTERACTIVE <= ours
    assert {queue_of(name) for name in BULK} == {"bulk"}
    assert {queue_of(name) for name in INTERACTIVE} == {"interactive"}
    assert {queue_of(name) for name in ours} == {"bulk", "interactive"}


@pytest.mark.django_db(transaction=True)
def test_an_interactive_worker_sends_its_work_while_a_long_job_waits_for_the_bulk_worker():
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["interactive"]):
        app.send_task("tiering.tasks.tier_evaluate")  # routed as a beat sends it
        app.send_task("core.tasks.heartbeat")
        deadline = time.monotonic() + 20
        while not JobRun.objects.filter(task="core.tasks.heartbeat").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
    assert list(JobRun.objects.values_list("task", flat=True)) == ["core.tasks.heartbeat"]
    with app.connection_for_write() as connection:
        waiting = connection.default_channel.queue_declare("bulk", passive=True).message_count
    assert waiting == 1  # the evaluation, for the bulk worker
    app.control.purge()
