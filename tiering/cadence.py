"""Cadence compliance (K-30, K-25), computed in SQL for any number of accounts.

For each requirement of the account's tier — N touches of a channel group per
calendar month or per N days — the N-th most recent qualifying touch decides
when the next one is due:
- per calendar month: by the end of the month after that touch's month;
- every N days: that touch plus N days.
An account never touched (or not N times) is due one period after it got its tier.
When every active contact of the account is in a silent period (two touches
unanswered, K-25), the tier's requirements give way to one e-mail or SMS a month.
The account is overdue when any requirement's due date has passed.

What counts and when is accounts.metrics' "cadence kept": the touches made up to a
checkpoint (now, for the board and the reminders; a month's end, for the monthly
evaluation) decide the due dates, and a requirement due before the checkpoint's day is
overdue. The board, the dashboards, the reminders and the evaluation all ask this module.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts import metrics
from core.sql import zone_literal

CHANNELS = {
    "on_site": ["on_site"],
    "online": ["phone", "video", "email", "sms", "wechat"],
    "email_sms": ["email", "sms"],
    "any": ["on_site", "phone", "video", "email", "sms", "wechat", "event"],
}

CADENCE_SQL = """
WITH channel_groups(name, channels) AS (VALUES {groups}),
needs AS (
    -- DISTINCT: a silent account's fallback appears once, however many requirements its tier has
    SELECT DISTINCT t.account_id, t.set_at,
           CASE WHEN NOT s.silent THEN r.channel_group ELSE 'email_sms' END AS channel_group,
           CASE WHEN NOT s.silent THEN r.touches ELSE 1 END AS touches,
           CASE WHEN NOT s.silent THEN r.period ELSE 'calendar_month' END AS period,
           CASE WHEN NOT s.silent THEN r.days END AS days,
           s.silent
    FROM tiering_accounttier t
    JOIN accounts_account a ON a.id = t.account_id
    JOIN tiering_cadencerequirement r ON r.tier_id = t.tier_id
    -- accounts whose every active contact is silent fall back to one e-mail or SMS a month;
    -- asked per account in scope, so a page costs its own accounts' contacts, not every contact
    CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1 FROM contacts_contact c WHERE c.account_id = t.account_id
                       AND c.status = 'active' AND c.archived_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM contacts_contact c WHERE c.account_id = t.account_id
                               AND c.status = 'active' AND c.archived_at IS NULL AND c.silent_since IS NULL)
               AS silent
    ) s
    -- only customers are kept to a cadence: not archived, lost or prospects
    WHERE {customer} AND {scope}
),
dues AS (
    SELECT n.*, nth.occurred_at AS counted_touch,
           CASE
             WHEN n.period = 'calendar_month' THEN
               (date_trunc('month', (coalesce(nth.occurred_at, n.set_at) AT TIME ZONE {tz}))
                + CASE WHEN nth.occurred_at IS NULL THEN interval '1 month' ELSE interval '2 months' END
                - interval '1 day')::date
             ELSE ((coalesce(nth.occurred_at, n.set_at) AT TIME ZONE {tz})::date + n.days)
           END AS due_on
    FROM needs n
    JOIN channel_groups g ON g.name = n.channel_group
    LEFT JOIN LATERAL (
        SELECT v.occurred_at FROM visits_visit v
        WHERE v.account_id = n.account_id AND v.channel = ANY(g.channels) AND {touch_counted}
        ORDER BY v.occurred_at DESC OFFSET n.touches - 1 LIMIT 1
    ) nth ON TRUE
)
"""


@dataclass
class Need:
    channel_group: str
    touches: int
    period: str
    days: int | None
    counted_touch: object
    due_on: date
    silent: bool

    @property
    def overdue(self):
        return metrics.is_overdue(self.due_on, timezone.now())


def dues_sql(scope="TRUE", *, checkpoint=None):
    """The WITH clause naming `dues` (account_id, channel_group, touches, period, days,
    counted_touch, due_on, silent): one row per cadence requirement of each customer in
    `scope` (an SQL condition on the account tier `t`), from the touches made up to
    `checkpoint` (default: now, from Python's clock). Append the statement that reads it;
    it takes no parameter of its own (the time zone and the checkpoint are constants)."""
    groups = ", ".join(f"('{name}', ARRAY{channels}::varchar[])" for name, channels in CHANNELS.items())
    checkpoint = checkpoint or timezone.now()
    return CADENCE_SQL.format(groups=groups, scope=scope, customer=metrics.customer_sql("a"),
                              tz=zone_literal(settings.TIME_ZONE),
                              touch_counted=metrics.touch_counted_sql("v.occurred_at", checkpoint))


def kept_sql(scope, *, checkpoint):
    """The WITH clause naming `dues` and `kept` (account_id, kept): whether each customer in
    `scope` that has a cadence kept it at the checkpoint (accounts.metrics, "cadence kept")."""
    return dues_sql(scope, checkpoint=checkpoint) + f""", kept AS (
    SELECT account_id, NOT bool_or({metrics.overdue_sql("due_on", checkpoint)}) AS kept
    FROM dues GROUP BY account_id
)
"""


def cadence_for(account_ids):
    """{account id: [Need, …]} for these accounts (one query)."""
    if not account_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(dues_sql("t.account_id = ANY(%(ids)s)") + """
            SELECT account_id, channel_group, touches, period, days, counted_touch, due_on, silent
            FROM dues ORDER BY account_id, due_on""", {"ids": list(account_ids)})
        result = {}
        for account_id, *fields in cursor.fetchall():
            result.setdefault(account_id, []).append(Need(*fields))
    return result


def overdue_account_ids_sql():
    """SQL and positional params selecting every overdue account's id, for
    `pk__in=RawSQL(...)` in list filters and for the reminders of the care engine."""
    now = timezone.now()
    return dues_sql("TRUE", checkpoint=now) + (
        f" SELECT DISTINCT account_id FROM dues WHERE {metrics.overdue_sql('due_on', now)}"), []


def overdue_among(account_ids):
    """The overdue accounts among these (one query): for dashboards, bounded by a portfolio."""
    return {pk for pk, needs in cadence_for(account_ids).items() if any(need.overdue for need in needs)}
