"""The reports' read model (issue 19 item 4): facts per account and calendar month, kept current
by the database itself, so that a report reads a few rows per account instead of its whole history.

Each fact table sums contributions of the rows of one source table (an order adds its amount to
its account's month of signing, in its own currency). PostgreSQL keeps it: a statement-level
trigger on the source (AFTER INSERT, UPDATE, DELETE, with transition tables) adds what the
statement's new rows contribute and takes away what its old rows did, in the same transaction.
So every writer is covered — the ORM, imports, raw SQL, a merge that moves orders — and a figure
read right after a write (in the same transaction or the next request) already holds it, without
waiting for a job. One statement costs one grouped upsert however many rows it wrote.

What no trigger sees (rows written with `session_replication_role = replica`, as the bench's raw
seed does, or a TRUNCATE) is found by `facts_refresh`: it recomputes every fact from its source,
set-based, and writes only the rows that differ (the first build after migrate; the nightly
check; 0 rows on an immediate re-run). It locks the fact table against writes while it runs, so a
write that lands meanwhile is added after it, never lost under it.

Amounts are kept in their own currency and converted when read (core.money.amount_sql, at the
configured rates): a change of rates needs no rebuild, and since numeric sums and products are
exact, the converted month equals the sum of its converted orders to the cent.

Which orders count, and when, stays accounts.metrics' definition: the reader takes whole months
that lie inside a window (every day of such a month is at or before today, so none of its orders
is dated in the future) from the facts, and the partial months at the window's edges live from
the orders, with metrics.orders_in_sql — at most two months of orders per account and window.

Touches (TOUCHES) are counted the same way from visits_visit: every visit in its log month, by
author, week of the month and channel, future-dated or not. "A touch counts once its moment has
come" (accounts.metrics.touch_counted_sql) depends on the clock, not on the row, so it is the
reader's: it takes off the visits dated after now, which are few and found by an index on time.
Customer issues (ISSUES) likewise, per month of their deadline with how many were closed by it:
"due as of now" (accounts.metrics.falls_due_sql) differs from "in the month" only for an item
still open before its deadline, which the reader takes off live.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from accounts import metrics
from core.money import amount_sql
from core.sql import date_literal, literals, zone_literal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fact:
    """A fact table: `keys` identify a row, `measures` are summed; `n` (a measure) counts the
    contributions, and a row whose `n` falls to 0 is removed. `contributions` is a SELECT of one
    row per contribution (keys, then measures, by name) from the source rows `{rows}`, or a function
    that writes it when it reads a local day: it is written in settings.TIME_ZONE as it is now."""

    table: str
    source: str
    keys: tuple
    measures: tuple
    n: str
    contributions: object

    def over(self, rows, *, negate=False):
        columns = [*self.keys, *((f"-{m} AS {m}" if negate else m) for m in self.measures)]
        contributions = self.contributions() if callable(self.contributions) else self.contributions
        return f"SELECT {', '.join(columns)} FROM ({contributions.format(rows=rows)}) c"


REVENUE = Fact(
    table="reports_revenuefact", source="accounts_order",
    keys=("account_id", "month", "currency"), measures=("amount", "orders"), n="orders",
    contributions="SELECT account_id, date_trunc('month', signed_on)::date AS month, currency, "
                  "amount, 1 AS orders FROM {rows}",
)

# Each account's default windows as of the mark's day (reports_windowmark, one row): an order adds
# to each window its date falls in. Without a mark there is nothing to add to, and none is read.
WINDOWS = Fact(
    table="reports_accountwindow", source="accounts_order",
    keys=("account_id", "currency"), measures=("to_date", "last12", "prev12", "orders"), n="orders",
    contributions="SELECT o.account_id, o.currency, "
                  "CASE WHEN o.signed_on <= m.as_of THEN o.amount ELSE 0 END AS to_date, "
                  "CASE WHEN o.signed_on BETWEEN m.last12_start AND m.as_of THEN o.amount ELSE 0 END AS last12, "
                  "CASE WHEN o.signed_on BETWEEN m.prev12_start AND m.prev12_end THEN o.amount ELSE 0 END AS prev12, "
                  "1 AS orders FROM {rows} o CROSS JOIN reports_windowmark m",
)


def _zone():
    """settings.TIME_ZONE as it is now, as an SQL constant."""
    return zone_literal(settings.TIME_ZONE)


def week_of_month_sql(moment, zone):
    """SQL: the week of its month (1 for days 1–7, …, 5 for days 29–31, accounts.metrics.weeks_of) of
    the local day of the timestamp `moment`, in the time zone SQL `zone`."""
    return f"(extract(day FROM ({moment} AT TIME ZONE {zone}))::int - 1) / 7 + 1"


# Touches (visits of every channel) per account, log month (the local month of occurred_at, as
# visits.services writes it), author, week of the month and channel: every visit, future-dated ones
# included, for those are a fact of the row, not of the clock. "Counted as of now"
# (accounts.metrics.touch_counted_sql) is the reader's: it takes off the few visits dated after
# now (an index range on occurred_at), so the figure holds at any moment without a job.
TOUCHES = Fact(
    table="reports_touchfact", source="visits_visit",
    keys=("account_id", "month", "author_id", "week", "channel"), measures=("touches",), n="touches",
    contributions=lambda: ("SELECT account_id, log_month AS month, author_id, "
                           f"{week_of_month_sql('occurred_at', _zone())} AS week, channel, "
                           "1 AS touches FROM {rows}"),
)

# Customer issues per account, owner and month of their deadline (the local month of due_at), with
# how many were closed by it (accounts.metrics.on_time_sql: the customer informed by the deadline).
# "Due as of now" (accounts.metrics.falls_due_sql) depends on the clock only for an issue still
# open whose deadline is yet to come — in no figure yet — so the reader takes those few off live.
ISSUES = Fact(
    table="reports_issuefact", source="visits_customerissue",
    keys=("account_id", "owner_id", "month"), measures=("issues", "on_time"), n="issues",
    contributions=lambda: ("SELECT account_id, owner_id, "
                           f"date_trunc('month', due_at AT TIME ZONE {_zone()})::date AS month, "
                           "1 AS issues, CASE WHEN "
                           + metrics.on_time_sql(closed_at="informed_at", due="due_at", day=False)
                           + " THEN 1 ELSE 0 END AS on_time FROM {rows}"),
)



def care_due_sql(window, *, now, table="care_caretask"):
    """SQL: a care task counts as due in the window (accounts.metrics "due"; done and skipped are closed)."""
    from care.models import CareTask

    closed = f"{table}.status IN {literals((CareTask.Status.DONE, CareTask.Status.SKIPPED))}"
    return metrics.falls_due_sql(due=f"{table}.due_on", closed=closed, window=window, now=now)


def care_on_time_sql(table="care_caretask"):
    """SQL: a care task was done on its day or before (accounts.metrics "on time"; skipped is not)."""
    from care.models import CareTask

    return (f"{table}.status = '{CareTask.Status.DONE}' AND "
            + metrics.on_time_sql(closed_at=f"{table}.done_at", due=f"{table}.due_on"))


# Care tasks per account, owner and month of their day (due_on), with how many were done on it or
# before. As for issues, only "still open and its day not over" depends on the clock: the reader
# takes those off live (the month's open tasks from today on).
CARE = Fact(
    table="reports_carefact", source="care_caretask",
    keys=("account_id", "owner_id", "month"), measures=("tasks", "on_time"), n="tasks",
    contributions=lambda: ("SELECT t.account_id, t.owner_id, date_trunc('month', t.due_on)::date AS month, "
                           f"1 AS tasks, CASE WHEN {care_on_time_sql('t')} THEN 1 ELSE 0 END AS on_time "
                           "FROM {rows} t"),
)

FACTS = [REVENUE, WINDOWS, TOUCHES, ISSUES, CARE]
# Those whose contributions read a local day or month: they follow settings.TIME_ZONE
# (keep_triggers_current).
ZONED = [TOUCHES, ISSUES, CARE]


# --- Keeping the facts: the triggers -----------------------------------------------------------------

def _apply_sql(fact, delta):
    """Two statements: add the grouped delta to the facts, then drop the rows it left empty."""
    keys, measures = ", ".join(fact.keys), ", ".join(fact.measures)
    changed = " OR ".join(f"sum({m}) <> 0" for m in fact.measures)
    grouped = (f"SELECT {keys}, {', '.join(f'sum({m}) AS {m}' for m in fact.measures)} FROM ({delta}) d "
               f"GROUP BY {keys} HAVING {changed}")
    updates = ", ".join(f"{m} = f.{m} + EXCLUDED.{m}" for m in fact.measures)
    match = " AND ".join(f"f.{k} = d.{k}" for k in fact.keys)
    return (f"INSERT INTO {fact.table} AS f ({keys}, {measures}) SELECT * FROM ({grouped}) g ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates};\n"
            f"    DELETE FROM {fact.table} f USING ({delta}) d WHERE {match} AND f.{fact.n} = 0;")


def trigger_body(fact):
    """The trigger function's body (pg_proc.prosrc), in settings.TIME_ZONE as it is now."""
    new, old = fact.over("new_rows"), fact.over("old_rows", negate=True)
    return f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_apply_sql(fact, new)}
  ELSIF TG_OP = 'DELETE' THEN
    {_apply_sql(fact, old)}
  ELSE
    {_apply_sql(fact, f"{new} UNION ALL {old}")}
  END IF;
  RETURN NULL;
END
"""


def trigger_sql(fact):
    """The trigger function and its three statement-level triggers (installed by the migration)."""
    function = f"{fact.table}_apply"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body${trigger_body(fact)}$body$;
DROP TRIGGER IF EXISTS {function}_insert ON {fact.source};
DROP TRIGGER IF EXISTS {function}_update ON {fact.source};
DROP TRIGGER IF EXISTS {function}_delete ON {fact.source};
CREATE TRIGGER {function}_insert AFTER INSERT ON {fact.source} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_update AFTER UPDATE ON {fact.source} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_delete AFTER DELETE ON {fact.source} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def drop_trigger_sql(fact):
    function = f"{fact.table}_apply"
    return "".join(f"DROP TRIGGER IF EXISTS {function}_{event} ON {fact.source};\n"
                   for event in ("insert", "update", "delete")) + f"DROP FUNCTION IF EXISTS {function}();"


# --- Checking the facts: the full, set-based recomputation ---------------------------------------------

def _refresh(cursor, fact):
    keys, measures = ", ".join(fact.keys), ", ".join(fact.measures)
    # Writers of the source wait (their trigger needs the facts) while the facts are recomputed; the
    # statements below see every write committed before the lock was granted.
    cursor.execute(f"LOCK TABLE {fact.table} IN EXCLUSIVE MODE")
    sums = ", ".join(f"sum({m}) AS {m}" for m in fact.measures)
    cursor.execute(f"CREATE TEMPORARY TABLE expected_facts ON COMMIT DROP AS "
                   f"SELECT {keys}, {sums} FROM ({fact.over(fact.source)}) c GROUP BY {keys}")
    cursor.execute("ANALYZE expected_facts")
    differs = " OR ".join(f"f.{m} IS DISTINCT FROM EXCLUDED.{m}" for m in fact.measures)
    cursor.execute(f"INSERT INTO {fact.table} AS f ({keys}, {measures}) SELECT {keys}, {measures} "
                   f"FROM expected_facts ON CONFLICT ({keys}) DO UPDATE SET "
                   + ", ".join(f"{m} = EXCLUDED.{m}" for m in fact.measures) + f" WHERE {differs}")
    written = cursor.rowcount
    match = " AND ".join(f"e.{k} = f.{k}" for k in fact.keys)
    cursor.execute(f"DELETE FROM {fact.table} f WHERE NOT EXISTS (SELECT 1 FROM expected_facts e WHERE {match})")
    written += cursor.rowcount
    cursor.execute("DROP TABLE expected_facts")
    return written


# --- The zone of the triggers: DJANGO_TIME_ZONE may change -------------------------------------------

def _stale(cursor):
    """The zoned facts whose installed trigger function counts in another zone than settings.TIME_ZONE
    (any difference from the body the code writes now); a function not installed is not stale."""
    cursor.execute("SELECT p.proname, p.prosrc FROM pg_proc p WHERE p.proname = ANY(%s) AND p.pronamespace = "
                   "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                   [[f"{fact.table}_apply" for fact in ZONED]])
    installed = dict(cursor.fetchall())
    return [fact for fact in ZONED
            if f"{fact.table}_apply" in installed and installed[f"{fact.table}_apply"] != trigger_body(fact)]


def keep_triggers_current(using=DEFAULT_DB_ALIAS):
    """After every migrate (reports.apps), as the tables' owner: when settings.TIME_ZONE is not the
    zone the triggers of the touches, issues and care facts count local days in, their functions
    are replaced and those facts recounted from their sources. Writers of the sources wait meanwhile,
    so no figure mixes two zones. Returns the facts moved (none on an unchanged zone: one query)."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        stale = _stale(cursor)
        for fact in stale:
            # a writer mid-statement finishes under the old function before the new one is in place
            cursor.execute(f"LOCK TABLE {fact.source} IN SHARE MODE")
            cursor.execute(f"CREATE OR REPLACE FUNCTION {fact.table}_apply() RETURNS trigger LANGUAGE plpgsql "
                           f"AS $body${trigger_body(fact)}$body$")
            _refresh(cursor, fact)
    for fact in stale:
        logger.warning("%s now counts local days in %s: its trigger replaced and its rows recounted",
                       fact.table, settings.TIME_ZONE)
    return stale


def _move_mark(cursor, today):
    """The windows' day moves to `today`, with their bounds from accounts.metrics."""
    last12, prev12 = metrics.last_12_months(today), metrics.previous_12_months(today)
    cursor.execute(f"LOCK TABLE {WINDOWS.table} IN EXCLUSIVE MODE")
    # written only when the day moved: a re-run on the same day writes nothing (the jobs' rule)
    cursor.execute("INSERT INTO reports_windowmark AS m (id, as_of, last12_start, prev12_start, prev12_end) "
                   "VALUES (1, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, "
                   "last12_start = EXCLUDED.last12_start, prev12_start = EXCLUDED.prev12_start, "
                   "prev12_end = EXCLUDED.prev12_end WHERE m.as_of IS DISTINCT FROM EXCLUDED.as_of",
                   [today, last12.start, prev12.start, prev12.end])


def facts_refresh(*, today=None):
    """Recompute every fact table from its source and write what differs: the rows written (0 when
    the triggers kept up, as they do for every writer but a replica-mode load or a TRUNCATE). The
    accounts' windows move on to `today` (each account whose window an order entered or left)."""
    today = today or timezone.localdate()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _move_mark(cursor, today)
        stale = _stale(cursor)
        if stale:  # recounted in the new zone, their triggers would go on adding in the old one
            logger.error("The time zone is now %s but the triggers of %s count in another: run manage.py migrate "
                         "(it moves them); until then those facts are left as they are.", settings.TIME_ZONE,
                         ", ".join(fact.table for fact in stale))
        for fact in FACTS:
            if fact not in stale:
                written += _refresh(cursor, fact)
    return written


# --- Reading revenue: whole months from the facts, the edges live --------------------------------------

def _next_month(first):
    return (first + timedelta(days=32)).replace(day=1)


def split(window):
    """(whole, edges): the first and last whole month of the window (None, None when it holds no
    whole month; a first of None when the window has no start), and the windows of its partial
    edge months, which are read from the orders."""
    start, end = window.start, window.end
    first = None if start is None else (start if start.day == 1 else _next_month(start.replace(day=1)))
    last = end.replace(day=1)
    if metrics.month_of(end).end != end:  # the window ends within its last month: the one before is whole
        last = (last - timedelta(days=1)).replace(day=1)
    if first is not None and first > last:
        return (None, None), [window]
    edges = []
    if first is not None and start < first:
        edges.append(metrics.Window(start, first - timedelta(days=1)))
    if end > metrics.month_of(last).end:
        edges.append(metrics.Window(metrics.month_of(last).end + timedelta(days=1), end))
    return (first, last), edges


def _whole_sql(whole, column="f.month"):
    first, last = whole
    if last is None:
        return "false"
    if first is None:
        return f"{column} <= {date_literal(last)}"
    return f"{column} BETWEEN {date_literal(first)} AND {date_literal(last)}"


def revenue_join(windows, *, today=None, every=False, account="a.id"):
    """The join that gives each account of a report (its id: the SQL `account`) its revenue in each
    window as r.r0, r.r1, … (NULL for none), in the reporting currency. Equal to
    accounts.metrics.revenue_sql over the account's orders, window by window.

    A scope of some accounts (a manager's, a team's) reads its own accounts' rows by index, as a
    LATERAL subquery beside each; `every` account (an admin with no filter) reads the facts whole
    and hashes them to the accounts, which costs a tenth of 100k index probes."""
    if every:
        return f"LEFT JOIN ({revenue_sql(windows, today=today, group=True)}) r ON r.account_id = {account}"
    return f"LEFT JOIN LATERAL ({revenue_sql(windows, today=today, account=account)}) r ON true"


def revenue_sql(windows, *, today=None, account=None, group=False):
    """SQL of the revenue in each window as r0, r1, …: one row for the account whose id is the SQL
    `account`, or with `group` a row (account_id, r0, …) for every account that has orders.

    When every window is one of the accounts' windows as of `today` (orders to date, the last 12
    months, the 12 before) and the refresh has moved them on to today, the account's row per
    currency is read; otherwise its whole months from the monthly facts and the edges from its
    orders. The choice is made inside the statement (a one-time filter on the mark, evaluated once
    per statement; the branch not taken is not executed), so it costs no query."""
    named = {metrics.to_date(today): "to_date", metrics.last_12_months(today): "last12",
             metrics.previous_12_months(today): "prev12"} if today else {}
    if not (today and all(window in named for window in windows)):
        return _monthly_sql(windows, account=account, group=group)
    fresh = f"EXISTS (SELECT 1 FROM reports_windowmark m WHERE m.as_of = {date_literal(today)})"
    sums = ", ".join(f"coalesce(sum({amount_sql(f'w.{named[window]}', 'w.currency')}), 0) AS r{n}"
                     for n, window in enumerate(windows))
    if group:
        head, where, tail = "w.account_id, ", fresh, "GROUP BY w.account_id"
    else:
        # An aggregate without GROUP BY gives a row even from no rows: HAVING keeps one branch's.
        head, where, tail = "", f"{fresh} AND w.account_id = {account}", f"HAVING {fresh}"
    return f"""
SELECT {head}{sums} FROM reports_accountwindow w WHERE {where} {tail}
UNION ALL
{_monthly_sql(windows, account=account, group=group, unless=fresh)}"""


def _monthly_sql(windows, *, account=None, group=False, unless=None):
    parts = [split(window) for window in windows]
    months = " OR ".join(_whole_sql(whole) for whole, _edges in parts)
    edge_windows = [edge for _whole, edges in parts for edge in edges]
    edge_days = " OR ".join(metrics.orders_in_sql(edge) for edge in edge_windows) or "false"
    columns = []
    for n, (whole, edges) in enumerate(parts):
        days = " OR ".join(edge.sql("p.day") for edge in edges) or "false"
        columns.append(f"coalesce(sum(p.amount) FILTER (WHERE (p.day IS NULL AND {_whole_sql(whole, 'p.month')}) "
                       f"OR (p.day IS NOT NULL AND ({days}))), 0) AS r{n}")
    taken = "true" if unless is None else f"NOT {unless}"
    facts_of = "true" if group else f"f.account_id = {account}"
    orders_of = "true" if group else f"o.account_id = {account}"
    head, tail = ("p.account_id, ", "GROUP BY p.account_id") if group else ("", f"HAVING {taken}")
    return f"""
SELECT {head}{', '.join(columns)}
FROM (
    SELECT f.account_id, f.month, NULL::date AS day, {amount_sql('f.amount', 'f.currency')} AS amount
    FROM reports_revenuefact f WHERE {taken} AND {facts_of} AND ({months})
    UNION ALL
    SELECT o.account_id, NULL, o.signed_on, {amount_sql('o.amount', 'o.currency')}
    FROM accounts_order o WHERE {taken} AND {orders_of} AND ({edge_days})
) p
{tail}"""
