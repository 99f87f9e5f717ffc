"""The pipeline's read model (issue 19): an admin's forecast and win rates summed from a few hundred
cells instead of every opportunity (300k at 100k accounts), kept current by the database.

Three fact tables, each a sum of the opportunities that fall in one cell:
- `opportunities_forecastfact`: per stage, month of expected close (NULL: no date) and currency;
- `opportunities_closedfact`: per stage, month of closing, owner and currency;
- `opportunities_closedtierfact`: per stage, month of closing, the account's tier and currency
  (accounts without a tier are the total less the tiered: no cell of their own).
The stage's kind and probability, the owner's name and the tier's code are joined when read, so
an admin who edits a stage or a tier writes nothing here.

Kept as reports/facts.py keeps revenue: statement-level triggers with transition tables add what a
statement's new rows contribute and take off what its old rows did, one grouped upsert per
statement, in the writer's transaction — on opportunities (every fact) and on the account tiers
(the tier cells: a re-tiered account's closed opportunities move from its old tier's cells to the
new one's). What no trigger sees (a replica-mode load, a TRUNCATE; and a tier change racing a
close of the same account in two open transactions, where each trigger reads the other's rows as
they were) is repaired by `rebuild`, which recomputes every cell and writes what differs (0 rows
when current; `manage.py pipeline_facts_rebuild`, also run by the bench's seed).

Reading a period of closing (`win_rates_sql`): its whole months from the cells, its partial edge
months live from the opportunities by `opportunity_closed_on_idx` — at most two months' closings.
The live computation (opportunities.selectors with `every=False`) is the definition the tests
hold this to.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction

from core.money import amount_sql
from core.sql import literals, statement_trigger_sql


@dataclass(frozen=True)
class Fact:
    table: str
    keys: tuple
    contributions: str  # one row per opportunity: keys, then opportunities (1) and amount, from {rows}
    nullable: tuple = ()

    measures = ("opportunities", "amount")

    def over(self, rows, *, negate=False):
        measures = ["-opportunities AS opportunities", "-amount AS amount"] if negate else list(self.measures)
        return f"SELECT {', '.join([*self.keys, *measures])} FROM ({self.contributions.format(rows=rows)}) c"

    def match(self, one, other):
        """The two aliases' rows are one cell (`=` where a key cannot be NULL: a hash or index join)."""
        return " AND ".join(f"{one}.{k} IS NOT DISTINCT FROM {other}.{k}" if k in self.nullable
                            else f"{one}.{k} = {other}.{k}" for k in self.keys)

    def apply_sql(self, delta):
        """Add the grouped delta to the cells, then drop the cells it emptied."""
        keys = ", ".join(self.keys)
        grouped = (f"SELECT {keys}, sum(opportunities) AS opportunities, sum(amount) AS amount FROM ({delta}) d "
                   f"GROUP BY {keys} HAVING sum(opportunities) <> 0 OR sum(amount) <> 0")
        match = self.match("f", "d")
        return (f"INSERT INTO {self.table} AS f ({keys}, opportunities, amount) SELECT * FROM ({grouped}) g "
                f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET "
                f"opportunities = f.opportunities + EXCLUDED.opportunities, amount = f.amount + EXCLUDED.amount;\n"
                f"    DELETE FROM {self.table} f USING (SELECT DISTINCT {keys} FROM ({delta}) x) d "
                f"WHERE {match} AND f.opportunities = 0;")


MONTH = "date_trunc('month', {column})::date"
FORECAST = Fact(
    table="opportunities_forecastfact", keys=("stage_id", "month", "currency"), nullable=("month",),
    contributions=f"SELECT stage_id, {MONTH.format(column='expected_close')} AS month, currency, "
                  "1 AS opportunities, amount FROM {rows}")
CLOSED = Fact(
    table="opportunities_closedfact", keys=("month", "stage_id", "owner_id", "currency"),
    contributions=f"SELECT stage_id, {MONTH.format(column='closed_on')} AS month, owner_id, currency, "
                  "1 AS opportunities, amount FROM {rows} WHERE closed_on IS NOT NULL")
# The tier cells from opportunities (their account's tier now) and from account tiers (their
# account's closed opportunities): the same cells, reached from either side.
CLOSED_TIER = Fact(
    table="opportunities_closedtierfact", keys=("month", "stage_id", "tier_id", "currency"),
    contributions=f"SELECT o.stage_id, {MONTH.format(column='o.closed_on')} AS month, t.tier_id, o.currency, "
                  "1 AS opportunities, o.amount FROM {rows} o "
                  "JOIN tiering_accounttier t ON t.account_id = o.account_id WHERE o.closed_on IS NOT NULL")
CLOSED_TIER_BY_TIERS = Fact(
    table=CLOSED_TIER.table, keys=CLOSED_TIER.keys,
    contributions=f"SELECT o.stage_id, {MONTH.format(column='o.closed_on')} AS month, t.tier_id, o.currency, "
                  "1 AS opportunities, o.amount FROM {rows} t "
                  "JOIN opportunities_opportunity o ON o.account_id = t.account_id WHERE o.closed_on IS NOT NULL")
FACTS = [FORECAST, CLOSED, CLOSED_TIER]


# --- Keeping the cells: the triggers -----------------------------------------------------------------

def read_model_sql():
    """The trigger functions (installed by opportunities/migrations/0006; run again by a migration if
    the cells' shape changes). Each runs its statements itself: the transition tables are visible
    only inside the trigger's own function."""
    changed_tier = ("(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id "
                    "WHERE n.tier_id <> o.tier_id)")
    by_tiers = CLOSED_TIER_BY_TIERS
    sources = {
        ("opportunity", "opportunities_opportunity"): {
            "insert": ("REFERENCING NEW TABLE AS new_rows", [(f, f.over("new_rows")) for f in FACTS]),
            "delete": ("REFERENCING OLD TABLE AS old_rows", [(f, f.over("old_rows", negate=True)) for f in FACTS]),
            "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       [(f, f"{f.over('new_rows')} UNION ALL {f.over('old_rows', negate=True)}") for f in FACTS]),
        },
        ("accounttier", "tiering_accounttier"): {
            "insert": ("REFERENCING NEW TABLE AS new_rows", [(CLOSED_TIER, by_tiers.over("new_rows"))]),
            "delete": ("REFERENCING OLD TABLE AS old_rows", [(CLOSED_TIER, by_tiers.over("old_rows", negate=True))]),
            # only the accounts whose tier changed: the quarterly review rewrites many rows alike
            "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       [(CLOSED_TIER, f"{by_tiers.over(changed_tier.format(side='n'))} UNION ALL "
                                      f"{by_tiers.over(changed_tier.format(side='o'), negate=True)}")]),
        },
    }
    parts = []
    for (short, table), events in sources.items():
        for event, (referencing, deltas) in events.items():
            statements = "\n    ".join(fact.apply_sql(delta) for fact, delta in deltas)
            parts.append(statement_trigger_sql(f"opportunities_facts_{short}_{event}", table, event, referencing,
                                               statements=statements))
    return "".join(parts)


def _names():
    return [(f"opportunities_facts_{short}_{event}", table)
            for short, table in (("opportunity", "opportunities_opportunity"), ("accounttier", "tiering_accounttier"))
            for event in ("insert", "delete", "update")]


def read_model_drop_sql():
    return "".join(f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}(); "
                   "\n" for name, table in _names())


# --- Checking the cells: the full, set-based recomputation ----------------------------------------------

def rebuild_sql(fact):
    keys = ", ".join(fact.keys)
    source = "opportunities_opportunity"
    match = fact.match("e", "f")
    return [
        f"LOCK TABLE {fact.table} IN EXCLUSIVE MODE",
        f"CREATE TEMPORARY TABLE expected_cells ON COMMIT DROP AS SELECT {keys}, sum(opportunities) AS opportunities, "
        f"sum(amount) AS amount FROM ({fact.over(source)}) c GROUP BY {keys}",
        f"DELETE FROM {fact.table} f WHERE NOT EXISTS (SELECT 1 FROM expected_cells e WHERE {match})",
        f"INSERT INTO {fact.table} AS f ({keys}, opportunities, amount) SELECT {keys}, opportunities, amount "
        f"FROM expected_cells ON CONFLICT ({keys}) DO UPDATE SET opportunities = EXCLUDED.opportunities, "
        f"amount = EXCLUDED.amount WHERE (f.opportunities, f.amount) IS DISTINCT FROM "
        f"(EXCLUDED.opportunities, EXCLUDED.amount)",
        "DROP TABLE expected_cells",
    ]


def rebuild():
    """Recompute every cell from the opportunities (and tiers) and write what differs: the rows written."""
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for fact in FACTS:
            for sql in rebuild_sql(fact):
                cursor.execute(sql)
                if sql.startswith(("DELETE", "INSERT")):
                    written += max(cursor.rowcount, 0)
    return written


# --- Reading ----------------------------------------------------------------------------------------------

def forecast_sql():
    """(month, opportunities, amount, amount × probability ÷ 100) of the open stages' cells, in the
    reporting currency: the live forecast's rows (opportunities.selectors.forecast)."""
    from opportunities.models import Stage

    converted = amount_sql("f.amount", "f.currency")
    return f"""
SELECT f.month, sum(f.opportunities), sum({converted}), sum({converted} * s.probability) / 100
FROM opportunities_forecastfact f JOIN opportunities_stage s ON s.id = f.stage_id
WHERE s.kind NOT IN {literals(Stage.CLOSED)}
GROUP BY f.month"""


def _next_month(first):
    """The first of the month after the month whose first day is `first`."""
    return (first + timedelta(days=32)).replace(day=1)


def split(start, end):
    """((first, last) whole months or None, [(start, end) of the partial edges]) of a period of days."""
    first = start if start.day == 1 else _next_month(start.replace(day=1))
    after = _next_month(end.replace(day=1))
    last = end.replace(day=1) if end + timedelta(days=1) == after else (end.replace(day=1) - timedelta(days=1)
                                                                       ).replace(day=1)
    if first > last:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if end >= _next_month(last):
        edges.append((_next_month(last), end))
    return (first, last), edges


def _cells_sql(fact_table, key, live_key, live_join, start, end):
    """SQL of one row per cell or edge opportunity closed in the period: (key, stage_id, currency,
    opportunities, amount) and its positional parameters."""
    whole, edges = split(start, end)
    parts, params = [], []
    if whole:
        parts.append(f"SELECT f.{key} AS key, f.stage_id, f.currency, f.opportunities, f.amount "
                     f"FROM {fact_table} f WHERE f.month BETWEEN %s AND %s")
        params += list(whole)
    if edges:
        days = " OR ".join("o.closed_on BETWEEN %s AND %s" for _edge in edges)
        parts.append(f"SELECT {live_key} AS key, o.stage_id, o.currency, 1 AS opportunities, o.amount "
                     f"FROM opportunities_opportunity o {live_join} WHERE ({days})")
        params += [day for edge in edges for day in edge]
    return " UNION ALL ".join(parts), params


def _rates_sql(cells, join):
    """The won, lost and won amount of the cells `cells` grouped by what `join` (aliased k) names."""
    from opportunities.models import Stage

    converted = amount_sql("c.amount", "c.currency")
    won = f"s.kind = '{Stage.Kind.WON}'"
    return (f"coalesce(sum(c.opportunities) FILTER (WHERE {won}), 0), "
            f"coalesce(sum(c.opportunities) FILTER (WHERE s.kind = '{Stage.Kind.LOST}'), 0), "
            f"sum({converted}) FILTER (WHERE {won}) "
            f"FROM ({cells}) c JOIN opportunities_stage s ON s.id = c.stage_id {join} "
            f"WHERE s.kind IN {literals(Stage.CLOSED)}")


def win_rates_sql(start, end):
    """{"by_tier": (sql, params), "by_owner": (sql, params)}: the won, lost and won amount of each
    tier by code, then a last row (code NULL) of every tier and none, whose rest are the untiered;
    and of each owner (id, display name, username): the opportunities closed from `start` to `end`."""
    owners, owner_params = _cells_sql("opportunities_closedfact", "owner_id", "o.owner_id", "", start, end)
    tiers, tier_params = _cells_sql("opportunities_closedtierfact", "tier_id", "t.tier_id",
                                    "JOIN tiering_accounttier t ON t.account_id = o.account_id", start, end)
    by_tier = (f"SELECT 0 AS part, k.code, {_rates_sql(tiers, 'JOIN tiering_tier k ON k.id = c.key')} "
               f"GROUP BY k.code UNION ALL SELECT 1, NULL, {_rates_sql(owners, '')} ORDER BY 1, 2")
    by_owner = (f"SELECT k.id, k.display_name, k.username, {_rates_sql(owners, 'JOIN users_user k ON k.id = c.key')} "
                "GROUP BY k.id, k.display_name, k.username ORDER BY k.username")
    return {"by_tier": (by_tier, [*tier_params, *owner_params]), "by_owner": (by_owner, owner_params)}
