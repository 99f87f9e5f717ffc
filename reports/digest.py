"""The daily "your day" digest (issue 18): for each person, care due today, accounts overdue for
contact and customer issues near their deadline, told once a day and skipped when all are
zero. It lives in reports because it reads care, tiering's reminders and visits, which sit
above notifications. The counting is one statement over the partial "open" indexes."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify_each
from users.models import User

COUNTS_SQL = """
WITH care AS (
    SELECT owner_id AS user_id,
           count(*) FILTER (WHERE kind <> 'cadence') AS care,
           count(*) FILTER (WHERE kind = 'cadence') AS cadence
    FROM care_caretask WHERE status = 'open' AND due_on <= %(today)s GROUP BY owner_id
), issues AS (
    SELECT owner_id AS user_id, count(*) AS issues FROM visits_customerissue
    WHERE status <> 'informed' AND due_at < %(soon)s GROUP BY owner_id
)
SELECT coalesce(c.user_id, i.user_id), coalesce(c.care, 0), coalesce(c.cadence, 0), coalesce(i.issues, 0)
FROM care c FULL JOIN issues i ON i.user_id = c.user_id
"""


def digest_due(now=None):
    """The digest goes out at NOTIFICATIONS_DIGEST_HOUR local time, or the first run after it."""
    now = timezone.localtime(now)
    return now.time() >= time(settings.NOTIFICATIONS_DIGEST_HOUR)


def daily_digest(*, now=None):
    """Tell everyone with something due today, once per day. Returns the number told."""
    now = now or timezone.now()
    if not digest_due(now):
        return 0
    today = timezone.localdate(now)
    end_of_day = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL, {"today": today, "soon": end_of_day})
        counts = {row[0]: row[1:] for row in cursor.fetchall() if any(row[1:])}
    people = User.objects.filter(pk__in=counts, is_active=True)
    params_for = {user: dict(zip(("care", "cadence", "issues"), counts[user.pk], strict=True)) for user in people}
    return len(notify_each(params_for=params_for, kind=Kind.DIGEST, key="digest.daily",
                           dedupe_key=f"digest:{today.isoformat()}", link="/"))
