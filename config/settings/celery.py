"""Celery settings, read by config.celery through the CELERY_ namespace."""

from pathlib import Path

import environ
from kombu import Queue

env = environ.Env()
_VAR = Path(__file__).resolve().parent.parent.parent / "var"

# Without CELERY_BROKER_URL the broker is a folder (kombu's filesystem
# transport): a real worker and beat run with no server installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = _VAR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        # Broadcast (remote control) messages; kombu's default is ./control.
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
else:
    # Redis: a task not acknowledged within this time goes back to the queue. A web request that
    # queues a task gives up on an unreachable Redis within seconds (the work it queues is found
    # again by a sweeper job), instead of hanging until gunicorn kills the worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Publishing: a few quick retries, then the error (logged by the robust on_commit callers).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it finishes, and a worker that dies mid-task
# hands it back: jobs are idempotent, so running one again is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TIMEZONE = env("DJANGO_TIME_ZONE", default="Asia/Shanghai")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Two queues, so that a 100k-row import or the nightly evaluation never delays an alert: what
# people wait for (the outbox's sends, password resets, deadline reminders, the heartbeat) on
# "interactive", the long set-based jobs on "bulk". In production each has its own workers
# (docker-compose.yml: worker, worker-bulk); a worker started without -Q serves both (make run).
CELERY_TASK_QUEUES = [Queue("interactive"), Queue("bulk")]
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {
    "imports.tasks.*": {"queue": "bulk"},
    "tiering.tasks.*": {"queue": "bulk"},
    "care.tasks.*": {"queue": "bulk"},
    "visits.tasks.after_sales_schedule": {"queue": "bulk"},
    "reports.tasks.daily_digest": {"queue": "bulk"},
    "reports.tasks.report_facts_refresh": {"queue": "bulk"},
    "users.tasks.sessions_clear_expired": {"queue": "bulk"},
    "users.tasks.lockouts_clear_expired": {"queue": "bulk"},
    "audit.tasks.audit_prune_task": {"queue": "bulk"},
    "attachments.tasks.attachment_orphans_sweep": {"queue": "bulk"},
}
