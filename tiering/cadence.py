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
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from core.sql import literals

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
    WHERE a.archived_at IS NULL AND a.status IN {customers} AND {scope}
),
dues AS (
    SELECT n.*, nth.occurred_at AS counted_touch,
           CASE
             WHEN n.period = 'calendar_month' THEN
               (date_trunc('month', (coalesce(nth.occurred_at, n.set_at) AT TIME ZONE %(tz)s))
                + CASE WHEN nth.occurred_at IS NULL THEN interval '1 month' ELSE interval '2 months' END
                - interval '1 day')::date
             ELSE ((coalesce(nth.occurred_at, n.set_at) AT TIME ZONE %(tz)s)::date + n.days)
           END AS due_on
    FROM needs n
    JOIN channel_groups g ON g.name = n.channel_group
    LEFT JOIN LATERAL (
        SELECT v.occurred_at FROM visits_visit v
        WHERE v.account_id = n.account_id AND v.channel = ANY(g.channels)
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
        return self.due_on < timezone.localdate()


def dues_sql(scope="TRUE"):
    """The WITH clause naming `dues` (account_id, channel_group, touches, period, days,
    counted_touch, due_on, silent): one row per cadence requirement of each customer in
    `scope` (an SQL condition on the account tier `t`). Append the statement that reads it;
    it takes the %(tz)s parameter (settings.TIME_ZONE)."""
    groups = ", ".join(f"('{name}', ARRAY{channels}::varchar[])" for name, channels in CHANNELS.items())
    return CADENCE_SQL.format(groups=groups, scope=scope, customers=literals(Account.CUSTOMER_STATUSES))


def cadence_for(account_ids):
    """{account id: [Need, …]} for these accounts (one query)."""
    if not account_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(dues_sql("t.account_id = ANY(%(ids)s)") + """
            SELECT account_id, channel_group, touches, period, days, counted_touch, due_on, silent
            FROM dues ORDER BY account_id, due_on""", {"ids": list(account_ids), "tz": settings.TIME_ZONE})
        result = {}
        for account_id, *fields in cursor.fetchall():
            result.setdefault(account_id, []).append(Need(*fields))
    return result


def overdue_account_ids_sql():
    """SQL and positional params selecting every overdue account's id, for
    `pk__in=RawSQL(...)` in list filters and for the reminders of the care engine."""
    sql = dues_sql("TRUE") + " SELECT DISTINCT account_id FROM dues WHERE due_on < %(today)s"
    values = {"tz": settings.TIME_ZONE, "today": timezone.localdate()}
    names = re.findall(r"%\((\w+)\)s", sql)  # RawSQL takes positional parameters only
    return re.sub(r"%\(\w+\)s", "%s", sql), [values[name] for name in names]


def overdue_among(account_ids):
    """The overdue accounts among these (one query): for dashboards, bounded by a portfolio."""
    return {pk for pk, needs in cadence_for(account_ids).items() if any(need.overdue for need in needs)}
