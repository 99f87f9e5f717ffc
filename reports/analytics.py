"""The reports' figures (K-51, K-54, K-55), each a few SQL aggregates, scoped to
what the user may see and to the filters (team, manager, tier, period).

Windows, "due", "on time" and "cadence kept" are accounts.metrics' definitions, the same as the
account page's, the tier engine's, the cadence board's and the dashboards'. "Today" and "now"
come from the caller (Python's clock), never from SQL's now(): a frozen clock holds here too.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts import metrics
from accounts.models import Account
from core.money import amount_sql
from core.sql import date_literal, literals, moment_literal
from reports import facts
from visits.models import MonthlyLog


@dataclass
class Scope:
    """Which accounts a report covers: visible to the user, narrowed by the filters."""

    account_ids_sql: str
    params: list
    every: bool = False  # every active account (an admin, no filter): the read model is read whole


def scope(user, *, team=None, manager=None, tier=None):
    accounts = Account.objects.visible_to(user).active()
    if team:
        accounts = accounts.filter(owner__team=team)
    if manager:
        accounts = accounts.filter(owner=manager)
    if tier:
        accounts = accounts.filter(tier_state__tier=tier)
    # No ORDER BY: the accounts' default ordering (by name) would sort the scope's ids in every
    # subquery that names it.
    sql, params = accounts.order_by().values("pk").query.sql_with_params()
    every = user.is_admin and not (team or manager or tier)
    if not every:
        sql = bounded_ids_sql(sql)
    return Scope(sql, list(params), every=every)


def bounded_ids_sql(ids_sql):
    """A scope of some accounts as a subquery that each report joins by index: its ids read once
    into an array (an InitPlan: the UNION of visible_to's indexed branches), then unnested.
    Embedded as it is, `a.id IN (scope)` let PostgreSQL pull the scope's own accounts_account up
    into the report's join, misjudge its size and hash it against a scan of every account or
    tier row: ~300 ms of a supervisor's evaluation at 100k accounts, for ~2,000 of them
    (docs/PERFORMANCE.md, "Admin reports at scale"). An unnested array is estimated at a
    hundred rows, so every statement probes the accounts' keys and their indexes instead."""
    return f"SELECT unnest(ARRAY({ids_sql}))"


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Revenue concentration (K-54) ------------------------------------------------------------

RANKED_SQL = """
WITH revenue AS (
    -- each account's revenue over the period from the read model (reports/facts.py)
    SELECT a.id, a.name, a.kind IN """ + literals(Account.KEY_KINDS) + """ AS is_key, coalesce(r.r0, 0) AS amount
    FROM accounts_account a
    {revenue}
    WHERE a.id IN ({scope})
), ranked AS (
    SELECT *, row_number() OVER (ORDER BY amount DESC, id) AS n, count(*) OVER () AS total_n,
           sum(amount) OVER () AS total, sum(amount) OVER (ORDER BY amount DESC, id) AS running
    FROM revenue
)
"""

# In one statement, since the ranking is the cost (every account in scope, ~0.5 s of an admin's
# 100k): the summary, then the curve sampled to about a hundred points and the largest accounts
# (none when the scope has no account).
CONCENTRATION_SQL = RANKED_SQL + """, summary AS (
    SELECT max(total) AS total, count(*) AS accounts,
           sum(amount) FILTER (WHERE n <= greatest(round(total_n * %s / 100.0), 1)) AS top_sum,
           sum(amount) FILTER (WHERE is_key) AS key_sum
    FROM ranked
)
SELECT s.total, s.accounts, s.top_sum, s.key_sum, r.n, r.total_n, r.running, r.amount, r.name, r.id
FROM summary s
LEFT JOIN ranked r ON r.n = r.total_n OR r.n %% greatest(r.total_n / 100, 1) = 0 OR r.n <= %s
ORDER BY r.n
"""


@dataclass
class Concentration:
    curve: list          # (% of accounts, % of revenue), at most ~100 points
    top: list            # (rank, name, id, amount, cumulative %) for the largest accounts
    total: Decimal
    accounts: int
    top_share: Decimal   # share of revenue from the top `top_percent` of accounts
    key_share: Decimal   # share of revenue from key accounts


def revenue_concentration(scope, *, start, end, today, top_percent=20, top_rows=20):
    """K-54: the Pareto curve of revenue over accounts, the top X%'s share and the key accounts' share,
    over the period cut at today (accounts.metrics.period: a future-dated order is not revenue yet)."""
    base = scope.params
    window = metrics.period(start, end, today=today)
    fields = {"scope": scope.account_ids_sql, "revenue": facts.revenue_join([window], today=today, every=scope.every)}
    result = _rows(CONCENTRATION_SQL.format(**fields), [*base, top_percent, top_rows])
    total, count, top_sum, key_sum = result[0][:4]
    if not total:
        return Concentration([], [], Decimal(0), count, Decimal(0), Decimal(0))
    rows = [row[4:] for row in result]
    curve = [(Decimal(0), Decimal(0))] + [(Decimal(n * 100) / count, running * 100 / total)
                                          for n, _c, running, *_rest in rows]
    top = [(n, name, pk, amount, running * 100 / total) for n, _c, running, amount, name, pk in rows
           if n <= top_rows]
    return Concentration(curve, top, total, count, top_sum * 100 / total, (key_sum or 0) * 100 / total)


# --- Conversion by tier and channel (K-51) -------------------------------------------------------

CONVERSION_SQL = """
SELECT coalesce(t.code, '') AS tier, v.channel, count(*) AS touches,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM accounts_order o WHERE o.account_id = v.account_id AND {order_counted}
             AND o.signed_on BETWEEN (v.occurred_at AT TIME ZONE %s)::date
                                 AND (v.occurred_at AT TIME ZONE %s)::date + %s)) AS converted
FROM visits_visit v
LEFT JOIN tiering_accounttier at ON at.account_id = v.account_id
LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE v.account_id IN ({scope}) AND v.log_month BETWEEN %s AND %s AND {touch_counted}
GROUP BY 1, 2 ORDER BY 1, 2
"""


# K-51 measured on the pipeline (issue 22): a touch converts when an opportunity of its account is
# created, advanced or won within N days after it (opportunities.StageChange, by account and time),
# by the team: a step loaded by an import or the checkbox's migration is history made elsewhere.
PIPELINE_CONVERSION_SQL = """
SELECT coalesce(t.code, '') AS tier, v.channel, count(*) AS touches,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM opportunities_stagechange sc WHERE sc.account_id = v.account_id
             AND sc.kind IN ('created', 'advanced', 'won') AND sc.origin = 'team'
             AND sc.changed_at >= v.occurred_at AND sc.changed_at < v.occurred_at + make_interval(days => %s)
             AND sc.changed_at <= %s)) AS converted
FROM visits_visit v
LEFT JOIN tiering_accounttier at ON at.account_id = v.account_id
LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE v.account_id IN ({scope}) AND v.log_month BETWEEN %s AND %s AND {touch_counted}
GROUP BY 1, 2 ORDER BY 1, 2
"""

PIPELINE, ORDERS = "pipeline", "orders"


def conversion(scope, *, start, end, now, within_days=30, measure=PIPELINE):
    """[(tier code, channel, touches, converted)]: touches followed within N days by a step forward
    of the account's pipeline (`measure` "pipeline": an opportunity created, advanced or won) or by
    an order ("orders", the measure before opportunities). A touch, an order or a step after now has
    not happened yet (accounts.metrics) and counts in neither."""
    touch_counted = metrics.touch_counted_sql("v.occurred_at", now)
    months = [start.replace(day=1), end]
    if measure == PIPELINE:
        sql = PIPELINE_CONVERSION_SQL.format(scope=scope.account_ids_sql, touch_counted=touch_counted)
        return _rows(sql, [within_days, now, *scope.params, *months])
    tz = settings.TIME_ZONE
    sql = CONVERSION_SQL.format(scope=scope.account_ids_sql,
                                order_counted=metrics.orders_in_sql(metrics.to_date(timezone.localdate(now))),
                                touch_counted=touch_counted)
    return _rows(sql, [tz, tz, within_days, *scope.params, *months])


# --- Per-manager monthly evaluation (K-55) --------------------------------------------------------

EVALUATION_SQL = """{kept},
people AS (SELECT DISTINCT a.owner_id AS id FROM accounts_account a
           WHERE a.id IN ({scope}) AND a.owner_id IS NOT NULL),
cadence AS (
    -- accounts.metrics "cadence kept": the cadence board's rule, judged at the month's end (or now)
    SELECT a.owner_id AS id, count(*) AS accounts, count(*) FILTER (WHERE k.kept) AS kept
    FROM kept k JOIN accounts_account a ON a.id = k.account_id GROUP BY a.owner_id
),
care AS (
    -- accounts.metrics "due" and "on time": a task still open before its day is over is not counted
    {care}
),
issues AS ({issues})
SELECT u.id, coalesce(nullif(u.display_name, ''), u.username), coalesce(c.accounts, 0), coalesce(c.kept, 0),
       coalesce(cr.due, 0), coalesce(cr.on_time, 0), coalesce(i.due, 0), coalesce(i.on_time, 0),
       l.status, l.is_late, l.submitted_at
FROM people p JOIN users_user u ON u.id = p.id
LEFT JOIN cadence c ON c.id = p.id LEFT JOIN care cr ON cr.id = p.id LEFT JOIN issues i ON i.id = p.id
LEFT JOIN visits_monthlylog l ON l.author_id = p.id AND l.month = %s
ORDER BY 2
"""


@dataclass
class Evaluation:
    manager_id: int
    manager: str
    accounts: int
    kept: int
    care_due: int
    care_on_time: int
    issues_due: int
    issues_on_time: int
    sign_off: str | None
    late: bool | None
    submitted_at: object

    @staticmethod
    def rate(part, whole):
        return round(part * 100 / whole) if whole else None

    @property
    def sign_off_label(self):
        """The month's sign-off state in the reader's words (returned → 已退回), "" before any log."""
        return MonthlyLog.Status(self.sign_off).label if self.sign_off in MonthlyLog.Status.values else ""

    @property
    def cadence_rate(self):
        return self.rate(self.kept, self.accounts)

    @property
    def care_rate(self):
        return self.rate(self.care_on_time, self.care_due)

    @property
    def issue_rate(self):
        return self.rate(self.issues_on_time, self.issues_due)


care_due_sql, care_on_time_sql = facts.care_due_sql, facts.care_on_time_sql  # the dashboards' too


def care_done_due_sql(window, *, now):
    """SQL of (id, due, on_time) per owner: the care tasks due in the month `window` at `now` and
    those done on their day (accounts.metrics "due" and "on time"), from the read model
    (reports/facts.py CARE: every task of the month) less the month's tasks not due yet — still
    open on or before their day — read live."""
    return f"""
    SELECT p.owner_id AS id, sum(p.due) AS due, sum(p.on_time) AS on_time
    FROM (SELECT f.owner_id, f.tasks AS due, f.on_time FROM reports_carefact f
          WHERE f.month = {date_literal(window.start)}
          UNION ALL
          SELECT t.owner_id, -1, -(CASE WHEN {care_on_time_sql('t')} THEN 1 ELSE 0 END)
          FROM care_caretask t WHERE {window.sql('t.due_on')} AND NOT {care_due_sql(window, now=now, table='t')}) p
    GROUP BY p.owner_id"""


def issues_due_sql(window, *, now):
    """SQL of (id, due, on_time) per owner: the customer issues due in the month `window` at `now`
    and those closed by their deadline (accounts.metrics "due" and "on time"), from the read model
    (reports/facts.py ISSUES: every issue of the month) less the issues of the month not due yet —
    still open before their deadline, which only the clock can tell, few and read live."""
    from visits.models import CustomerIssue

    issues = "i"
    due = metrics.falls_due_sql(due=f"{issues}.due_at", window=window, now=now, day=False,
                                closed=f"{issues}.status = '{CustomerIssue.Status.INFORMED}'")
    on_time = metrics.on_time_sql(closed_at=f"{issues}.informed_at", due=f"{issues}.due_at", day=False)
    return f"""
    SELECT p.owner_id AS id, sum(p.due) AS due, sum(p.on_time) AS on_time
    FROM (SELECT f.owner_id, f.issues AS due, f.on_time FROM reports_issuefact f
          WHERE f.month = {date_literal(window.start)}
          UNION ALL
          SELECT {issues}.owner_id, -1, -(CASE WHEN {on_time} THEN 1 ELSE 0 END)
          FROM visits_customerissue {issues} WHERE {window.sql_moment(f"{issues}.due_at")} AND NOT {due}) p
    GROUP BY p.owner_id"""


def evaluation(scope, *, month, now):
    """K-55: each manager's month, as of `now` (a running month is judged so far)."""
    from tiering.cadence import kept_sql

    window = metrics.month_of(month)
    fields = {
        "scope": scope.account_ids_sql,
        "kept": kept_sql(f"t.account_id IN ({scope.account_ids_sql})",
                         checkpoint=metrics.cadence_checkpoint(month, now=now)),
        "care": care_done_due_sql(window, now=now),
        "issues": issues_due_sql(window, now=now),
    }
    params = [*scope.params, *scope.params, month]
    return [Evaluation(*row) for row in _rows(EVALUATION_SQL.format(**fields), params)]


def months_back(today, count):
    month = today.replace(day=1)
    for _ in range(count):
        yield month
        month = (month - timedelta(days=1)).replace(day=1)




# --- Customer lifetime value, churn and accounts at risk (K-52) -------------------------------------

VALUE_SQL = """
SELECT a.id, a.name, coalesce(t.code, '') AS tier, a.status,
       coalesce(r.r0, 0) AS to_date, coalesce(r.r1, 0) AS last12, coalesce(r.r2, 0) AS prev12
FROM accounts_account a
{revenue}
LEFT JOIN tiering_accounttier at ON at.account_id = a.id LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE a.id IN ({scope})
"""


@dataclass
class AccountValue:
    id: int
    name: str
    tier: str
    status: str
    to_date: Decimal
    last12: Decimal
    prev12: Decimal

    def clv(self, years):
        """Value to date plus the last year's value for the years still expected."""
        return self.to_date + self.last12 * years

    @property
    def change(self):
        return round((self.last12 - self.prev12) * 100 / self.prev12, 1) if self.prev12 else None


def account_values(scope, *, today):
    windows = [metrics.to_date(today), metrics.last_12_months(today), metrics.previous_12_months(today)]
    revenue = facts.revenue_join(windows, today=today, every=scope.every)
    sql = VALUE_SQL.format(scope=scope.account_ids_sql, revenue=revenue)
    return [AccountValue(*row) for row in _rows(sql, scope.params)]


# The value page's own figures in one statement: the tiers' averages over every account in scope,
# and only the rows it shows (the top by lifetime value, the accounts most at risk). Read into Python
# as AccountValues, an admin's 100k accounts cost ~2 s of the page's 4.8 (make bench, 2026-12-02);
# the export alone still reads every row (account_values, at_risk).
VALUE_SUMMARY_SQL = """
WITH v AS ({values}),
overdue AS (SELECT account_id FROM ({overdue}) o),
flagged(flag, account_id) AS ({risk}),
s AS MATERIALIZED (
    SELECT v.*, v.to_date + v.last12 * %s AS clv,
           v.status IN {customer} AND v.prev12 <> 0
               AND round((v.last12 - v.prev12) * 100 / v.prev12, 1) <= %s AS falling,
           v.status IN {customer} AND v.id IN (SELECT account_id FROM overdue) AS overdue,
           v.status IN {customer} AND v.id IN (SELECT account_id FROM flagged WHERE flag = 'silent') AS silent,
           v.status IN {customer} AND v.id IN (SELECT account_id FROM flagged WHERE flag = 'role_left') AS role_left
    FROM v
)
SELECT
    (SELECT json_agg(json_build_array(x.tier, x.total::text, x.n))
     FROM (SELECT tier, sum(clv) AS total, count(*) AS n FROM s GROUP BY tier) x),
    (SELECT json_agg(json_build_array(x.id, x.name, x.tier, x.status, x.to_date::text, x.last12::text,
                                      x.prev12::text) ORDER BY x.clv DESC, x.id)
     FROM (SELECT * FROM s ORDER BY clv DESC, id LIMIT %s) x),
    (SELECT json_agg(json_build_array(x.id, x.name, x.tier, x.status, x.to_date::text, x.last12::text,
                                      x.prev12::text, x.falling, x.overdue, x.silent, x.role_left)
                     ORDER BY x.reasons DESC, x.last12 DESC, x.id)
     FROM (SELECT *, falling::int + overdue::int + silent::int + role_left::int AS reasons FROM s
           WHERE falling OR overdue OR silent OR role_left
           ORDER BY reasons DESC, last12 DESC, id LIMIT %s) x)
"""

RISK_CODES = ("falling", "overdue", "silent", "role_left")


@dataclass
class ValueSummary:
    tiers: list  # [(tier code or "—", average lifetime value, accounts)], by tier
    top: list  # [AccountValue], by lifetime value
    risky: list  # [(AccountValue, [(reason code, its figure or None)])], most reasons first


def value_summary(scope, *, today, years, top=20, risky=50, falling_below=-20):
    """What the value page shows (K-52), the same figures as account_values and at_risk give for
    every account: the tiers' average lifetime value over `years`, the `top` accounts by it, and
    the `risky` accounts at risk with the most reasons."""
    from tiering.cadence import overdue_account_ids_sql

    windows = [metrics.to_date(today), metrics.last_12_months(today), metrics.previous_12_months(today)]
    values = VALUE_SQL.format(scope=scope.account_ids_sql,
                              revenue=facts.revenue_join(windows, today=today, every=scope.every))
    among = None if scope.every else Account.objects.filter(pk__in=RawSQL(scope.account_ids_sql, scope.params))
    overdue, overdue_params = overdue_account_ids_sql(among=among)
    sql = VALUE_SUMMARY_SQL.format(values=values, overdue=overdue, risk=RISK_SQL.format(scope=scope.account_ids_sql),
                                   customer=literals(Account.CUSTOMER_STATUSES))
    params = [*scope.params, *overdue_params, *scope.params, *scope.params, years, falling_below, top, risky]
    [(tiers, ranked, flagged)] = _rows(sql, params)

    def value(row):
        id_, name, tier, status, to_date, last12, prev12 = row[:7]
        return AccountValue(id_, name, tier, status, Decimal(to_date), Decimal(last12), Decimal(prev12))

    def reasons(row):
        account = value(row)
        return account, [(code, account.change if code == "falling" else None)
                         for code, raised in zip(RISK_CODES, row[7:], strict=True) if raised]

    averages = sorted((tier or "—", Decimal(total) / n, n) for tier, total, n in tiers or [])
    return ValueSummary(averages, [value(row) for row in ranked or []], [reasons(row) for row in flagged or []])


CHURN_SQL = """
WITH quarters AS (
    SELECT generate_series(date_trunc('quarter', %s::date), date_trunc('quarter', %s::date),
                           interval '3 months')::date AS q
), lost AS (
    -- the first time each account was recorded as lost
    SELECT h.id, min(h.history_date) AS lost_at FROM accounts_historicalaccount h
    WHERE h.status = 'lost' AND h.id IN ({scope}) GROUP BY h.id
)
SELECT q.q,
       (SELECT count(*) FROM accounts_account a WHERE a.id IN ({scope}) AND a.created_at < q.q
          AND a.status <> 'prospect'
          AND NOT EXISTS (SELECT 1 FROM lost l WHERE l.id = a.id AND l.lost_at < q.q)) AS at_start,
       (SELECT count(*) FROM lost l WHERE l.lost_at >= q.q AND l.lost_at < q.q + interval '3 months') AS churned
FROM quarters q ORDER BY q.q
"""


def churn_by_quarter(scope, *, start, end):
    """[(quarter start, accounts at its start, accounts lost in it)]."""
    sql = CHURN_SQL.format(scope=scope.account_ids_sql)
    return _rows(sql, [start, end, *scope.params, *scope.params])


# The two flags of K-52 that are about people, each asked from the few rows that can raise it (the
# contacts in a silent period, the contacts who left) rather than of every account in scope: one
# EXISTS pair per account cost 19 s for an admin's 100k accounts under load (make bench, 2026-12-02).
RISK_SQL = """
SELECT DISTINCT 'silent', c.account_id FROM contacts_contact c
WHERE c.silent_since IS NOT NULL AND c.status = 'active' AND c.archived_at IS NULL AND c.account_id IN ({scope})
  -- every active contact is silent: this one is, and none is not
  AND NOT EXISTS (SELECT 1 FROM contacts_contact c2 WHERE c2.account_id = c.account_id AND c2.status = 'active'
                    AND c2.archived_at IS NULL AND c2.silent_since IS NULL)
UNION ALL
SELECT DISTINCT 'role_left', r.account_id FROM contacts_buyerrole r JOIN contacts_contact c ON c.id = r.contact_id
WHERE c.status = 'left' AND r.account_id IN ({scope})
  -- a role whose holder left and that no active contact holds
  AND NOT EXISTS (SELECT 1 FROM contacts_buyerrole r2 JOIN contacts_contact c2 ON c2.id = r2.contact_id
                  WHERE r2.account_id = r.account_id AND r2.role = r.role AND c2.status = 'active')
"""


def at_risk(values, scope, *, falling_below=-20):
    """Accounts at risk (K-52) with their reasons: falling order value, cadence overdue,
    a silent period on every contact, a buyer role whose holder left.

    The flags are asked of the scope in SQL, not of a list of ids: an admin's scope is every
    account, and 100k ids as a parameter, with the cadence of each read into Python, cost 8 s of
    the value page's 15 (make bench, 2026-12-02)."""
    from tiering.cadence import overdue_account_ids_sql

    live = [v for v in values if v.status in Account.CUSTOMER_STATUSES]
    if not live:
        return []
    among = None if scope.every else Account.objects.filter(pk__in=RawSQL(scope.account_ids_sql, scope.params))
    overdue = {pk for (pk,) in _rows(*overdue_account_ids_sql(among=among))}
    flagged = {"silent": set(), "role_left": set()}
    for flag, pk in _rows(RISK_SQL.format(scope=scope.account_ids_sql), [*scope.params, *scope.params]):
        flagged[flag].add(pk)
    risky = []
    for value in live:
        reasons = []
        if value.change is not None and value.change <= falling_below:
            reasons.append(("falling", value.change))
        if value.id in overdue:
            reasons.append(("overdue", None))
        if value.id in flagged["silent"]:
            reasons.append(("silent", None))
        if value.id in flagged["role_left"]:
            reasons.append(("role_left", None))
        if reasons:
            risky.append((value, reasons))
    return sorted(risky, key=lambda item: (-len(item[1]), -item[0].last12))


# --- Account operating analysis (K-54) ---------------------------------------------------------------

OPERATING_SQL = """
SELECT a.id, a.name, coalesce(t.code, '') AS tier, a.potential, a.kind,
       coalesce(r.r0, 0), coalesce(r.r1, 0),
       (SELECT count(*) FROM accounts_competitor c WHERE c.account_id = a.id),
       (SELECT count(*) FROM visits_customerissue i WHERE i.account_id = a.id AND i.status <> 'informed'),
       (SELECT count(*) FROM visits_customerissue i WHERE i.account_id = a.id AND i.status <> 'informed'
          AND i.due_at < {now})
FROM accounts_account a
{revenue}
LEFT JOIN tiering_accounttier at ON at.account_id = a.id LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE a.id IN ({scope})
ORDER BY 6 DESC, a.name
LIMIT %s OFFSET %s
"""


@dataclass
class OperatingRow:
    id: int
    name: str
    tier: str
    potential: int | None
    kind: str
    last12: Decimal
    prev12: Decimal
    competitors: int
    open_issues: int
    overdue_issues: int

    @property
    def change(self):
        return round((self.last12 - self.prev12) * 100 / self.prev12, 1) if self.prev12 else None


def operating(scope, *, now, limit=50, offset=0):
    today = timezone.localdate(now)
    windows = [metrics.last_12_months(today), metrics.previous_12_months(today)]
    sql = OPERATING_SQL.format(scope=scope.account_ids_sql, now=moment_literal(now),
                               revenue=facts.revenue_join(windows, today=today, every=scope.every))
    return [OperatingRow(*row) for row in _rows(sql, [*scope.params, limit, offset])]


# --- Targets and weekly progress (K-53) -----------------------------------------------------------------

DAY_OF_VISIT = facts.week_of_month_sql("v.occurred_at", "%s")  # the time zone a parameter
WEEKLY_SQL = {
    # (team, tier, manager, week of the month, amount) for one month; week 1 is days 1–7, week 5 days 29–31
    # (accounts.metrics.weeks_of). The manager is the visit's author, or the account's owner for revenue.
    # Each entry: the SQL and the order of its parameters ("scope" stands for the scope's own).
    # {touch_counted} and {order_counted} (accounts.metrics): what is dated after now has not
    # happened, so it is in no week's actual.
    # Visits from the read model (reports/facts.py): the month's touches per account, author and
    # week, less the visits dated after now (not counted yet), which are few and found by time.
    "visits": (f"""
        SELECT u.team_id, at.tier_id, p.author_id, p.week, sum(p.n)
        FROM (SELECT f.account_id, f.author_id, f.week, f.touches AS n FROM reports_touchfact f
              WHERE f.month = %s AND f.account_id IN ({{scope}})
              UNION ALL
              SELECT v.account_id, v.author_id, {DAY_OF_VISIT}, -1 FROM visits_visit v
              WHERE v.log_month = %s AND v.account_id IN ({{scope}}) AND NOT ({{touch_counted}})) p
        JOIN users_user u ON u.id = p.author_id
        LEFT JOIN tiering_accounttier at ON at.account_id = p.account_id
        GROUP BY 1, 2, 3, 4 HAVING sum(p.n) <> 0""", ["month", "scope", "tz", "month", "scope"]),
    "conversions": (f"""
        SELECT u.team_id, at.tier_id, v.author_id, {DAY_OF_VISIT}, count(*)
        FROM visits_visit v JOIN users_user u ON u.id = v.author_id
        LEFT JOIN tiering_accounttier at ON at.account_id = v.account_id
        WHERE v.log_month = %s AND v.account_id IN ({{scope}}) AND {{touch_counted}} AND EXISTS (
            SELECT 1 FROM accounts_order o WHERE o.account_id = v.account_id AND {{order_counted}}
              AND o.signed_on BETWEEN (v.occurred_at AT TIME ZONE %s)::date
                                  AND (v.occurred_at AT TIME ZONE %s)::date + 30)
        GROUP BY 1, 2, 3, 4""", ["tz", "month", "scope", "tz", "tz"]),
    "revenue": ("""
        SELECT u.team_id, at.tier_id, a.owner_id, (extract(day FROM o.signed_on)::int - 1) / 7 + 1,
               sum(""" + amount_sql("o.amount", "o.currency") + """)
        FROM accounts_order o JOIN accounts_account a ON a.id = o.account_id
        LEFT JOIN users_user u ON u.id = a.owner_id
        LEFT JOIN tiering_accounttier at ON at.account_id = o.account_id
        WHERE {in_month} AND o.account_id IN ({scope})
        GROUP BY 1, 2, 3, 4""", ["scope"]),
}


@dataclass
class TargetProgress:
    target: object
    weeks: list      # cumulative actual at the end of each week of the month; None for a week not begun
    expected: list   # the target, pro rata to the end of each week

    @property
    def actual(self):
        """The actual so far: the last week that has begun."""
        return next((week for week in reversed(self.weeks) if week is not None), 0)

    @property
    def percent(self):
        return round(self.actual * 100 / self.target.value) if self.target.value else None


def target_progress(targets, scope, *, month, now):
    """Weekly progress of each target of the month: one query per measure, however many targets.
    A week that has not begun shows no actual (None), not a zero nor the total so far."""
    today = timezone.localdate(now)
    weeks = metrics.weeks_of(month)
    days = (weeks[-1].end - weeks[0].start).days + 1
    in_month = metrics.period(weeks[0].start, weeks[-1].end, today=today)
    fields = {"scope": scope.account_ids_sql, "touch_counted": metrics.touch_counted_sql("v.occurred_at", now),
              "order_counted": metrics.orders_in_sql(metrics.to_date(today)),
              "in_month": metrics.orders_in_sql(in_month)}
    values = {"tz": settings.TIME_ZONE, "month": month}
    found = {}
    for metric in {t.metric for t in targets}:
        sql, order = WEEKLY_SQL[metric]
        params = [p for name in order for p in (scope.params if name == "scope" else [values[name]])]
        found[metric] = _rows(sql.format(**fields), params)
    result = []
    for target in targets:
        per_week = [Decimal(0)] * len(weeks)
        for team_id, tier_id, manager_id, week, amount in found[target.metric]:
            if (target.team_id is None or target.team_id == team_id) and (
                    target.tier_id is None or target.tier_id == tier_id) and (
                    target.manager_id is None or target.manager_id == manager_id):
                per_week[min(week, len(weeks)) - 1] += Decimal(amount)
        running, cumulative = Decimal(0), []
        for week, amount in zip(weeks, per_week, strict=True):
            running += amount
            cumulative.append(running if metrics.has_begun(week, today) else None)
        expected = [target.value * ((week.end - weeks[0].start).days + 1) / days for week in weeks]
        result.append(TargetProgress(target, cumulative, expected))
    return result
