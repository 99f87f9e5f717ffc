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

The touches are read from a read model (tiering.models.CadenceTouches: each account's most recent
touch times per channel group and its silence), which the database keeps on every write of visits
and contacts; the visits themselves answer only what its arrays cannot (docs/PERFORMANCE.md,
"Cadence on a read model"). CHANNELS is compiled into the triggers' function: a change needs a
migration that runs read_model_sql() again.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts import metrics
from core.sql import moment_literal, statement_trigger_sql, zone_literal

CHANNELS = {
    "on_site": ["on_site"],
    "online": ["phone", "video", "email", "sms", "wechat"],
    "email_sms": ["email", "sms"],
    "any": ["on_site", "phone", "video", "email", "sms", "wechat", "event"],
}

# What each group's array keeps: at least this many touches, more when a requirement asks for more
# (tiering_cadence_refresh takes the larger). A year of monthly touches lets the evaluation of the
# past months read most accounts from the arrays too.
TOUCHES_KEPT = 12

# The silent-period test (K-25) on one account's contacts: what the read model keeps per account.
SILENT_SQL = """(EXISTS (SELECT 1 FROM contacts_contact c WHERE c.account_id = {account}
                  AND c.status = 'active' AND c.archived_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM contacts_contact c WHERE c.account_id = {account}
                  AND c.status = 'active' AND c.archived_at IS NULL AND c.silent_since IS NULL))"""

# The live computation: whether every active contact is silent, asked per account in scope (a page
# costs its own accounts' contacts, not every contact), and the N-th touch read from the visits.
LIVE_NEEDS = """
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
    -- accounts whose every active contact is silent fall back to one e-mail or SMS a month
    CROSS JOIN LATERAL (SELECT {silent} AS silent) s
    -- only customers are kept to a cadence: not archived, lost or prospects
    WHERE {customer} AND {scope}
)"""

LIVE_NTH = """
    LEFT JOIN LATERAL ({live}) nth ON TRUE"""

LIVE_TOUCH = """
        SELECT v.occurred_at FROM visits_visit v
        WHERE v.account_id = n.account_id AND v.channel = ANY(g.channels) AND {touch_counted}
        ORDER BY v.occurred_at DESC OFFSET n.touches - 1 LIMIT 1"""

# The read model (tiering.models.CadenceTouches): the same needs, each row carrying its account's
# arrays. The requirements are made distinct first (the live DISTINCT, without sorting every
# account's row), and a silent account keeps one row, its tier's first requirement, for the fallback.
MODEL_NEEDS = """
requirements AS (
    SELECT d.*, row_number() OVER (PARTITION BY d.tier_id ORDER BY d.channel_group, d.touches, d.period, d.days) = 1
               AS first
    FROM (SELECT DISTINCT tier_id, channel_group, touches, period, days FROM tiering_cadencerequirement) d
),
needs AS (
    SELECT t.account_id, t.set_at,
           CASE WHEN NOT s.silent THEN r.channel_group ELSE 'email_sms' END AS channel_group,
           CASE WHEN NOT s.silent THEN r.touches ELSE 1 END AS touches,
           CASE WHEN NOT s.silent THEN r.period ELSE 'calendar_month' END AS period,
           CASE WHEN NOT s.silent THEN r.days END AS days,
           s.silent, m.account_id IS NOT NULL AS modelled, m.kept, {arrays}
    FROM tiering_accounttier t
    JOIN accounts_account a ON a.id = t.account_id
    JOIN requirements r ON r.tier_id = t.tier_id
    LEFT JOIN tiering_cadencetouches m ON m.account_id = t.account_id
    -- no row yet (an account never touched nor given a contact): its contacts answer
    CROSS JOIN LATERAL (SELECT coalesce(m.silent, {silent}) AS silent OFFSET 0) s
    WHERE {customer} AND {scope} AND (NOT s.silent OR r.first)
)"""

# The N-th touch at the checkpoint from the arrays, newest first: the element `later + N`, `later`
# being how many are after the checkpoint (none, but for touches logged ahead of their time or a
# past checkpoint). The array answers when it holds that element, or when it is shorter than it
# keeps (it then holds every touch, and a missing element means fewer than N); else, and for an
# account with no row, the visits answer as in the live computation.
MODEL_NTH = """
    -- OFFSET 0: each step computed once per row, not copied into every expression that reads it
    CROSS JOIN LATERAL (SELECT CASE n.channel_group {arrays} END AS times OFFSET 0) k
    CROSS JOIN LATERAL (
        SELECT CASE WHEN k.times IS NULL OR k.times[1] IS NULL OR k.times[1] <= {checkpoint} THEN 0
                    ELSE (SELECT count(*) FROM unnest(k.times) x WHERE x > {checkpoint}) END AS later OFFSET 0
    ) f
    CROSS JOIN LATERAL (
        SELECT CASE WHEN n.modelled
                         AND (cardinality(k.times) < n.kept OR f.later + n.touches <= cardinality(k.times))
                    THEN k.times[f.later + n.touches]
                    ELSE ({live}) END AS occurred_at OFFSET 0
    ) nth"""

DUES_SQL = """
WITH channel_groups(name, channels) AS (VALUES {groups}),
{needs},
dues AS (
    SELECT n.account_id, n.set_at, n.channel_group, n.touches, n.period, n.days, n.silent,
           nth.occurred_at AS counted_touch,
           CASE
             WHEN n.period = 'calendar_month' THEN
               (date_trunc('month', (coalesce(nth.occurred_at, n.set_at) AT TIME ZONE {tz}))
                + CASE WHEN nth.occurred_at IS NULL THEN interval '1 month' ELSE interval '2 months' END
                - interval '1 day')::date
             ELSE ((coalesce(nth.occurred_at, n.set_at) AT TIME ZONE {tz})::date + n.days)
           END AS due_on
    FROM needs n
    JOIN channel_groups g ON g.name = n.channel_group
    {nth}
)
"""


def _groups_sql():
    return ", ".join(f"('{name}', ARRAY{channels}::varchar[])" for name, channels in CHANNELS.items())


def _array_column(group):
    return f"times_{group}"


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


def dues_sql(scope="TRUE", *, checkpoint=None, live=False):
    """The WITH clause naming `dues` (account_id, channel_group, touches, period, days,
    counted_touch, due_on, silent): one row per cadence requirement of each customer in
    `scope` (an SQL condition on the account tier `t`), from the touches made up to
    `checkpoint` (default: now, from Python's clock). Append the statement that reads it;
    it takes no parameter of its own (the time zone and the checkpoint are constants).

    The touches come from the read model (CadenceTouches) for any checkpoint, now or past;
    `live=True` reads the visits themselves (the definition the read model is tested against)."""
    checkpoint = checkpoint or timezone.now()
    touch_counted = metrics.touch_counted_sql("v.occurred_at", checkpoint)
    live_touch = LIVE_TOUCH.format(touch_counted=touch_counted)
    where = {"scope": scope, "customer": metrics.customer_sql("a"), "silent": SILENT_SQL.format(account="t.account_id")}
    if live:
        needs, nth = LIVE_NEEDS.format(**where), LIVE_NTH.format(live=live_touch)
    else:
        columns = ", ".join(f"m.{_array_column(name)}" for name in CHANNELS)
        needs = MODEL_NEEDS.format(arrays=columns, **where)
        arrays = " ".join(f"WHEN '{name}' THEN n.{_array_column(name)}" for name in CHANNELS)
        nth = MODEL_NTH.format(arrays=arrays, checkpoint=moment_literal(checkpoint), live=live_touch)
    return DUES_SQL.format(groups=_groups_sql(), needs=needs, nth=nth, tz=zone_literal(settings.TIME_ZONE))


def kept_sql(scope, *, checkpoint, live=False):
    """The WITH clause naming `dues` and `kept` (account_id, kept): whether each customer in
    `scope` that has a cadence kept it at the checkpoint (accounts.metrics, "cadence kept")."""
    return dues_sql(scope, checkpoint=checkpoint, live=live) + f""", kept AS (
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


def overdue_account_ids_sql(among=None):
    """SQL and positional params selecting every overdue account's id, for
    `pk__in=RawSQL(...)` in list filters and for the reminders of the care engine.
    `among`: an Account queryset to look in (a manager's board asks about their accounts,
    not about every account); None, every account."""
    now = timezone.now()
    scope, params = "TRUE", []
    if among is not None:
        sql, params = among.order_by().values("pk").query.sql_with_params()
        scope = f"t.account_id IN ({sql})"
    return dues_sql(scope, checkpoint=now) + (
        f" SELECT DISTINCT account_id FROM dues WHERE {metrics.overdue_sql('due_on', now)}"), list(params)


def overdue_among(account_ids):
    """The overdue accounts among these (one query): for dashboards, bounded by a portfolio."""
    return {pk for pk, needs in cadence_for(account_ids).items() if any(need.overdue for need in needs)}


# --- The read model's upkeep (tiering.models.CadenceTouches) -------------------------------------------
# Kept by the database in the statements that change what it holds: the visits (account, time and
# channel of a touch) and the contacts (account, status, archive and silent period). One refresh per
# statement, for the accounts it changed, set-based: a 100k-row import refreshes each account once.


def _touches_sql():
    """SELECT of the read model's rows for the accounts `a` of the FROM clause that follows."""
    arrays = ",\n       ".join(
        f"ARRAY(SELECT v.occurred_at FROM visits_visit v WHERE v.account_id = a.id AND v.channel = ANY("
        f"ARRAY{channels}::varchar[]) ORDER BY v.occurred_at DESC LIMIT k.kept) AS {_array_column(name)}"
        for name, channels in CHANNELS.items())
    return f"""SELECT a.id AS account_id, k.kept, {SILENT_SQL.format(account="a.id")} AS silent,
       {arrays}
FROM (SELECT greatest({TOUCHES_KEPT}, max(touches))::smallint AS kept FROM tiering_cadencerequirement) k
CROSS JOIN accounts_account a"""


def _columns():
    return ["kept", "silent", *(_array_column(name) for name in CHANNELS)]


def read_model_sql():
    """The functions and triggers that keep CadenceTouches current (tiering/migrations/0007): run
    again by a migration whenever CHANNELS or the rows' shape change."""
    columns = _columns()
    updates = ", ".join(f"{c} = c.{c}" for c in columns)
    empty = ", ".join(["0", "false", *("'{}'" for _ in CHANNELS)])
    changed = {
        "visits_visit": "(o.account_id, o.occurred_at, o.channel) IS DISTINCT FROM "
                        "(n.account_id, n.occurred_at, n.channel)",
        "contacts_contact": "(o.account_id, o.status, o.archived_at, o.silent_since) IS DISTINCT FROM "
                            "(n.account_id, n.status, n.archived_at, n.silent_since)",
    }
    parts = [f"""
CREATE OR REPLACE FUNCTION tiering_cadence_refresh(ids bigint[]) RETURNS void AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
    -- A row for each account, then its lock (in one order: no deadlock): two transactions that
    -- touch one account take turns, and the UPDATE below, a statement of its own, sees what the
    -- first committed. Row locks, not advisory ones: an import of 100k accounts fits.
    INSERT INTO tiering_cadencetouches (account_id, {", ".join(columns)})
    SELECT a.id, {empty} FROM accounts_account a WHERE a.id = ANY(ids) ORDER BY a.id
    ON CONFLICT (account_id) DO NOTHING;
    PERFORM 1 FROM tiering_cadencetouches WHERE account_id = ANY(ids) ORDER BY account_id FOR UPDATE;
    UPDATE tiering_cadencetouches m SET {updates}
    FROM ({_touches_sql()} WHERE a.id = ANY(ids)) c
    WHERE m.account_id = c.account_id;
END $$ LANGUAGE plpgsql;
"""]
    for table, differs in changed.items():
        short = table.split("_", 1)[1]
        events = {
            "insert": ("REFERENCING NEW TABLE AS new_rows", "SELECT DISTINCT account_id FROM new_rows"),
            "delete": ("REFERENCING OLD TABLE AS old_rows", "SELECT DISTINCT account_id FROM old_rows"),
            "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       f"SELECT o.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {differs} "
                       f"UNION SELECT n.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {differs}"),
        }
        for event, (referencing, ids) in events.items():
            name = f"tiering_cadence_{short}_{event}"
            parts.append(statement_trigger_sql(name, table, event, referencing,
                                               f"tiering_cadence_refresh(ARRAY({ids}))"))
    return "".join(parts)


def read_model_drop_sql():
    names = [f"tiering_cadence_{table}_{event}" for table in ("visit", "contact")
             for event in ("insert", "delete", "update")]
    tables = {"visit": "visits_visit", "contact": "contacts_contact"}
    return "".join(f"DROP TRIGGER IF EXISTS {name} ON {tables[name.split('_')[2]]}; DROP FUNCTION IF EXISTS {name}();"
                   for name in names) + " DROP FUNCTION IF EXISTS tiering_cadence_refresh(bigint[]);"


def rebuild_sql():
    """The statements of rebuild(), in order."""
    columns = _columns()
    return [
        "LOCK TABLE tiering_cadencetouches IN EXCLUSIVE MODE",
        "DELETE FROM tiering_cadencetouches m WHERE NOT EXISTS "
        "(SELECT 1 FROM accounts_account a WHERE a.id = m.account_id)",
        f"""INSERT INTO tiering_cadencetouches (account_id, {", ".join(columns)})
            {_touches_sql()}
            ON CONFLICT (account_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in columns)}
            WHERE ({", ".join(f"tiering_cadencetouches.{c}" for c in columns)})
                  IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in columns)})""",
    ]


@transaction.atomic
def rebuild():
    """Build the read model whole, in one set-based statement: after a load that bypassed the
    triggers (bench/seed_sql.py runs with session_replication_role = replica), or to check it.
    Writers wait for it (the table's lock) and then refresh on top of it. Returns the rows written
    (0 when it was current)."""
    written = 0
    with connection.cursor() as cursor:
        for sql in rebuild_sql():
            cursor.execute(sql)
            written += max(cursor.rowcount, 0)
    return written
