"""The admin dashboard's tier counts kept by the database (tiering.models.TierTally, issue 19):
accounts per tier, tiers set by hand, customers without a tier.

Statement-level triggers with transition tables on the account tiers and the accounts add what a
statement's new rows count and take off what its old rows counted, one grouped upsert per
statement (none when nothing it changed is counted: an edit of an account's name writes nothing).
A customer without a tier is counted from the accounts' side (is it a customer, has it no tier row
now) and from the tiers' side (a tier row given or taken away from a customer), so either order of
writes in a transaction keeps the count. What no trigger sees (a replica-mode load; two open
transactions each writing one side of the same account) is repaired by `rebuild` (0 rows when
current; `manage.py tier_tally_rebuild`, also run by the bench's seed).
"""

from django.db import connection, transaction

from accounts import metrics
from core.sql import statement_trigger_sql

TIER, OVERRIDE, UNTIERED = "tier", "override", "untiered"


def _from_tiers(rows, sign):
    return f"""SELECT '{TIER}' AS kind, r.tier_id AS tier_id, {sign} AS n FROM {rows} r
    UNION ALL SELECT '{OVERRIDE}', 0, {sign} FROM {rows} r WHERE r.source = 'override'
    UNION ALL SELECT '{UNTIERED}', 0, -({sign}) FROM {rows} r JOIN accounts_account a ON a.id = r.account_id
              WHERE {metrics.customer_sql('a')}"""


def _from_accounts(rows, sign):
    return f"""SELECT '{UNTIERED}' AS kind, 0 AS tier_id, {sign} AS n FROM {rows} a
    WHERE {metrics.customer_sql('a')}
      AND NOT EXISTS (SELECT 1 FROM tiering_accounttier t WHERE t.account_id = a.id)"""


def _apply(delta):
    return (f"INSERT INTO tiering_tiertally AS t (kind, tier_id, accounts) "
            f"SELECT kind, tier_id, sum(n) FROM ({delta}) d GROUP BY kind, tier_id HAVING sum(n) <> 0 "
            f"ORDER BY kind, tier_id "
            f"ON CONFLICT (kind, tier_id) DO UPDATE SET accounts = t.accounts + EXCLUDED.accounts;")


def _changed(differs, side):
    return f"(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.{{key}} = o.{{key}} WHERE {differs})"


def read_model_sql():
    tiers_changed = _changed("(o.tier_id, o.source) IS DISTINCT FROM (n.tier_id, n.source)", "{side}")
    accounts_changed = _changed("(o.status, o.archived_at) IS DISTINCT FROM (n.status, n.archived_at)", "{side}")
    events = {
        ("accounttier", "tiering_accounttier", "insert"): ("REFERENCING NEW TABLE AS new_rows",
                                                           _from_tiers("new_rows", 1)),
        ("accounttier", "tiering_accounttier", "delete"): ("REFERENCING OLD TABLE AS old_rows",
                                                           _from_tiers("old_rows", -1)),
        ("accounttier", "tiering_accounttier", "update"): (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _from_tiers(tiers_changed.format(side="n", key="account_id"), 1) + " UNION ALL "
            + _from_tiers(tiers_changed.format(side="o", key="account_id"), -1)),
        ("account", "accounts_account", "insert"): ("REFERENCING NEW TABLE AS new_rows",
                                                    _from_accounts("new_rows", 1)),
        ("account", "accounts_account", "delete"): ("REFERENCING OLD TABLE AS old_rows",
                                                    _from_accounts("old_rows", -1)),
        ("account", "accounts_account", "update"): (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _from_accounts(accounts_changed.format(side="n", key="id"), 1) + " UNION ALL "
            + _from_accounts(accounts_changed.format(side="o", key="id"), -1)),
    }
    return "".join(statement_trigger_sql(f"tiering_tally_{short}_{event}", table, event, referencing,
                                         statements=_apply(delta))
                   for (short, table, event), (referencing, delta) in events.items())


def read_model_drop_sql():
    return "".join(f"DROP TRIGGER IF EXISTS tiering_tally_{short}_{event} ON {table}; "
                   f"DROP FUNCTION IF EXISTS tiering_tally_{short}_{event}();\n"
                   for short, table in (("accounttier", "tiering_accounttier"), ("account", "accounts_account"))
                   for event in ("insert", "delete", "update"))


# What the counts should be; a count of 0 is a row of 0 or no row at all.
EXPECTED_SQL = f"""
SELECT * FROM (
    SELECT '{TIER}' AS kind, r.tier_id AS tier_id, count(*) AS accounts FROM tiering_accounttier r GROUP BY r.tier_id
    UNION ALL SELECT '{OVERRIDE}', 0, count(*) FROM tiering_accounttier WHERE source = 'override'
    UNION ALL SELECT '{UNTIERED}', 0, count(*) FROM accounts_account a WHERE {metrics.customer_sql('a')}
        AND NOT EXISTS (SELECT 1 FROM tiering_accounttier t WHERE t.account_id = a.id)
) e WHERE e.accounts > 0"""


def rebuild_sql():
    return [
        "LOCK TABLE tiering_tiertally IN EXCLUSIVE MODE",
        f"DELETE FROM tiering_tiertally x WHERE x.accounts <> 0 AND NOT EXISTS (SELECT 1 FROM ({EXPECTED_SQL}) e "
        f"WHERE e.kind = x.kind AND e.tier_id = x.tier_id)",
        f"INSERT INTO tiering_tiertally AS x (kind, tier_id, accounts) SELECT * FROM ({EXPECTED_SQL}) e "
        f"ON CONFLICT (kind, tier_id) DO UPDATE SET accounts = EXCLUDED.accounts WHERE x.accounts <> EXCLUDED.accounts",
    ]


def rebuild():
    """Count everything again and write what differs: the rows written (0 when the triggers kept up)."""
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in rebuild_sql():
            cursor.execute(sql)
            if not sql.startswith("LOCK"):
                written += max(cursor.rowcount, 0)
    return written


def counts():
    """{(kind, tier_id): accounts}, one query (the dashboard reads it through fetch_together instead)."""
    from tiering.models import TierTally

    return {(t.kind, t.tier_id): t.accounts for t in TierTally.objects.all()}
