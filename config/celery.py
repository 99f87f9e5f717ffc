"""The Celery app and the beat schedule.

The schedule lives here, in code, so it is reviewed like code; beat copies it
into django-celery-beat's tables at start. Every crontab entry has ``expires``
so that runs missed while the worker was down do not pile up.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("kamcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

MINUTE = 60
HOUR = 60 * MINUTE

app.conf.beat_schedule = {
    # Liveness of worker and beat: /healthz and the admin dashboard read it. The entry keeps
    # its name, so django-celery-beat's DatabaseScheduler updates its row's task at start
    # instead of keeping a second row sending the old name (which core.tasks still answers).
    "heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": crontab(),
        "options": {"expires": MINUTE},
    },
    # K-26: after-sales follow-ups for new orders (start letter 24 h, guidance 72 h) and the
    # monthly value review of running contracts. Idempotent, so a frequent run costs little.
    "after-sales-schedule": {
        "task": "visits.tasks.after_sales_schedule",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 15 * MINUTE},
    },
    # The outbox (core.outbox): messages whose send was never enqueued (broker down at commit),
    # failed attempts whose backoff is over, and claims of workers that died mid-send.
    "outbox-sweep": {
        "task": "core.tasks.outbox_sweep",
        "schedule": crontab(),
        "options": {"expires": MINUTE},
    },
    # K-22, K-27, X-02: issues and green-channel stages near their deadline (their owner) and overdue
    # (the department's head, the account's supervisor), told once each.
    "issue-deadlines-notify": {
        "task": "visits.tasks.issue_deadlines_notify",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 15 * MINUTE},
    },
    # K-13: the degree of contact computed from visits, as time passes without a touch; before
    # the danger map and the dashboards are read in the morning.
    "contact-touch-levels-refresh": {
        "task": "visits.tasks.contact_touch_levels_refresh",
        "schedule": crontab(hour=2, minute=10),
        "options": {"expires": 6 * HOUR},
    },
    # Issue 19 item 4: the reports' read model recomputed from its sources, writing what differs
    # (nothing, when every writer went through the triggers; the first build after a raw load).
    "report-facts-refresh": {
        "task": "reports.tasks.report_facts_refresh",
        "schedule": crontab(hour=1, minute=50),
        "options": {"expires": 6 * HOUR},
    },
    # K-32: measure every account at night; new accounts get a first tier, the rest proposals.
    "tier-evaluate": {
        "task": "tiering.tasks.tier_evaluate",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * HOUR},
    },
    # K-32: each quarter's review opens on its first morning, per team.
    "tier-reviews-open": {
        "task": "tiering.tasks.tier_reviews_open",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
        "options": {"expires": 12 * HOUR},
    },
    # K-40: the day-of birthday calls; the month's list (made on the 1st) and the week's
    # re-check (made on Monday). Daily, so that a missed day is made up the next.
    "care-birthday-tasks": {
        "task": "care.tasks.birthday_tasks_generate",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 12 * HOUR},
    },
    "care-birthday-month-list": {
        "task": "care.tasks.birthday_month_list",
        "schedule": crontab(hour=6, minute=5),
        "options": {"expires": 12 * HOUR},
    },
    "care-birthday-week-list": {
        "task": "care.tasks.birthday_week_list",
        "schedule": crontab(hour=6, minute=10),
        "options": {"expires": 12 * HOUR},
    },
    # K-41, K-42, K-17, K-25, K-14: holiday greetings, anniversaries, events, personnel changes, the
    # silent period's monthly e-mail and role service plans due for review.
    "care-holiday-tasks": {
        "task": "care.tasks.holiday_tasks_generate",
        "schedule": crontab(hour=6, minute=15),
        "options": {"expires": 12 * HOUR},
    },
    "care-event-tasks": {
        "task": "care.tasks.event_tasks_generate",
        "schedule": crontab(hour=6, minute=20),
        "options": {"expires": 12 * HOUR},
    },
    # Cadence reminders (tiering) and after-sales tasks; they close themselves, so hourly.
    "care-cadence-tasks": {
        "task": "care.tasks.cadence_tasks_generate",
        "schedule": crontab(minute=40),
        "options": {"expires": HOUR},
    },
    # The "your day" digest (issue 18): hourly, sent once a day from NOTIFICATIONS_DIGEST_HOUR on.
    "daily-digest": {
        "task": "reports.tasks.daily_digest",
        "schedule": crontab(minute=7),
        "options": {"expires": HOUR},
    },
    # Idle sessions expire after 30 minutes; their rows are removed hourly.
    "clear-expired-sessions": {
        "task": "users.tasks.sessions_clear_expired",
        "schedule": crontab(minute=17),
        "options": {"expires": HOUR},
    },
    # Lockout records older than the cool-off no longer lock anyone.
    "clear-expired-lockouts": {
        "task": "users.tasks.lockouts_clear_expired",
        "schedule": crontab(minute=23),
        "options": {"expires": HOUR},
    },
    # A rolled-back upload leaves its file; the night's sweep removes it (a second run removes nothing).
    "attachment-orphans-sweep": {
        "task": "attachments.tasks.attachment_orphans_sweep",
        "schedule": crontab(hour=3, minute=50),
        "options": {"expires": 6 * HOUR},
    },
    # The audit log keeps AUDIT_RETENTION_DAYS; older rows go at night (a second run removes nothing).
    "audit-prune": {
        "task": "audit.tasks.audit_prune_task",
        "schedule": crontab(hour=3, minute=40),
        "options": {"expires": 6 * HOUR},
    },
}
