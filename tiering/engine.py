"""Tier rules as SQL (K-31, K-32): every account is measured and matched in one
statement, whether for the live preview of unsaved rules or for the evaluation
job over 100,000 accounts.

A rule is anything with the Rule fields (a saved Rule or an unsaved form's
instance); conditions left empty do not constrain. The first matching rule, by
position, wins; an account no rule matches goes to the default tier.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from accounts import metrics

# Order value in the last 12 months and the 12 before (accounts.metrics: an order counts from its
# date, a future-dated one in neither), growth, and revenue rank, for every customer (prospects and
# lost accounts have no tier). Placed into the statement by measures_sql(today).
MEASURES = """
measures AS (
    SELECT a.id AS account_id, a.kind, a.potential, EXISTS (
               -- K-32 "opens a tender": an opportunity at a stage of the tender kind (opportunities app)
               SELECT 1 FROM opportunities_opportunity op JOIN opportunities_stage st ON st.id = op.stage_id
               WHERE op.account_id = a.id AND st.kind = 'tender') AS in_tender, a.owner_id,
           coalesce(o.last12, 0) AS order_12m, coalesce(o.prev12, 0) AS order_prev_12m,
           CASE WHEN coalesce(o.prev12, 0) > 0
                THEN round((coalesce(o.last12, 0) - o.prev12) * 100 / o.prev12, 2) END AS growth,
           round((cume_dist() OVER (ORDER BY coalesce(o.last12, 0) DESC) * 100)::numeric, 2) AS revenue_pct,
           t.tier_id AS current_tier, t.source AS current_source
    FROM accounts_account a
    LEFT JOIN (
        SELECT o.account_id, {last12} AS last12, {prev12} AS prev12
        FROM accounts_order o WHERE {both} GROUP BY o.account_id
    ) o ON o.account_id = a.id
    LEFT JOIN tiering_accounttier t ON t.account_id = a.id
    WHERE {customer}
)
"""


def measures_sql(today):
    last12, prev12 = metrics.last_12_months(today), metrics.previous_12_months(today)
    return MEASURES.format(last12=metrics.revenue_sql(last12), prev12=metrics.revenue_sql(prev12),
                           both=metrics.orders_in_sql(metrics.Window(prev12.start, last12.end)),
                           customer=metrics.customer_sql("a"))


CONDITIONS = [
    # (attribute, SQL with one placeholder)
    ("min_order_value", "m.order_12m >= {}"),
    ("max_order_value", "m.order_12m < {}"),
    ("min_growth", "m.growth >= {}"),
    ("max_growth", "m.growth < {}"),
    ("min_potential", "coalesce(m.potential, 0) >= {}"),
    ("in_tender", "m.in_tender = {}"),
    ("top_revenue_percent", "(m.order_12m > 0 AND m.revenue_pct <= {})"),
]


class _Params:
    def __init__(self, base):
        self.values = dict(base)

    def add(self, value):
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"


def rule_condition(rule, params):
    parts = [sql.format(params.add(getattr(rule, attr))) for attr, sql in CONDITIONS
             if getattr(rule, attr) is not None]
    if rule.kinds:
        parts.append(f"m.kind = ANY({params.add(list(rule.kinds))})")
    return " AND ".join(parts) or "TRUE"


def placement_sql(rules, default_tier_id, params):
    """(tier, rule position) CASE expressions over the measures `m`: the first rule that holds."""
    tier_case = ["CASE"]
    position_case = ["CASE"]
    for rule in sorted(rules, key=lambda r: r.position):
        condition = rule_condition(rule, params)
        tier_case.append(f"WHEN {condition} THEN {params.add(rule.tier_id)}::bigint")
        position_case.append(f"WHEN {condition} THEN {params.add(rule.position)}::int")
    default = f"{params.add(default_tier_id)}::bigint"
    if len(tier_case) == 1:  # no rules at all: every account goes to the default tier
        return default, "NULL::int"
    return " ".join([*tier_case, f"ELSE {default} END"]), " ".join([*position_case, "END"])


def matched_sql(rules, default_tier_id, params, *, compare_with=None):
    """SELECT of every account's measures, proposed tier and the rule that placed it.

    `compare_with` (rules) adds `proposed_now`: where those rules (today's, beside an edit
    in the preview) place each account, so that one statement tells the two apart."""
    tier_sql, position_sql = placement_sql(rules, default_tier_id, params)
    extra = ""
    if compare_with is not None:
        extra = f", {placement_sql(compare_with, default_tier_id, params)[0]} AS proposed_now"
    return (f"WITH {measures_sql(params.values['today'])}, matched AS (SELECT m.*, {tier_sql} AS proposed, "
            f"{position_sql} AS rule_position{extra} FROM measures m)")


# --- Evidence (K-32): what a proposal says about itself ----------------------------------------
# Each condition of a rule as the measure it reads, its bound, the rule's threshold, the account's
# value and whether it holds, built in the same statement that matched the account: the evidence
# stored with a proposal is the engine's own reading, never a second implementation of the rules.
# tiering/evidence.py puts it into words in the reader's language.

CHECKS = [
    # (rule attribute, measure column of `m`, bound, SQL cast of the threshold)
    ("min_order_value", "order_12m", "min", "numeric"),
    ("max_order_value", "order_12m", "max", "numeric"),
    ("min_growth", "growth", "min", "numeric"),
    ("max_growth", "growth", "max", "numeric"),
    ("min_potential", "potential", "min", "int"),
    ("in_tender", "in_tender", "is", "boolean"),
    ("top_revenue_percent", "revenue_pct", "top", "numeric"),
]
EVIDENCE_VERSION = 3  # 3: "in_tender" (an opportunity in a tender stage) for the old checkbox
MEASURE_NAMES = ("order_12m", "order_prev_12m", "growth", "potential", "in_tender", "revenue_pct", "kind")


def _checks_sql(rule, params):
    conditions = dict(CONDITIONS)
    checks = []
    for attr, measure, bound, cast in CHECKS:
        threshold = getattr(rule, attr)
        if threshold is None:
            continue
        holds = conditions[attr].format(f"{params.add(threshold)}::{cast}")
        checks.append(f"jsonb_build_object('measure', '{measure}', 'bound', '{bound}', "
                      f"'threshold', {params.add(threshold)}::{cast}, 'value', m.{measure}, "
                      f"'holds', coalesce({holds}, FALSE))")
    if rule.kinds:
        kinds = params.add(list(rule.kinds))
        checks.append(f"jsonb_build_object('measure', 'kind', 'bound', 'in', 'threshold', to_jsonb({kinds}::text[]), "
                      f"'value', m.kind, 'holds', coalesce(m.kind = ANY({kinds}::text[]), FALSE))")
    return f"jsonb_build_array({', '.join(checks)})"


def _rule_sql(rule, params):
    label = getattr(rule, "label", "") or ""
    return (f"jsonb_build_object('position', {params.add(rule.position)}::int, "
            f"'tier', {params.add(rule.tier_id)}::bigint, 'label', {params.add(label)}::text, "
            f"'checks', {_checks_sql(rule, params)})")


def evidence_sql(rules, params):
    """A jsonb expression over a `matched` row `m`: the measures, the rule that placed the account
    with each of its conditions (`rule`; null when none matched and the default tier took it), the
    rules tried before it that did not hold (`missed`), and whether a hand-set tier stands against
    the rules (`override`). `key` names the sentence: "rule" or "default"."""
    ordered = sorted(rules, key=lambda r: r.position)
    rule_objects = [_rule_sql(rule, params) for rule in ordered]
    measures = ", ".join(f"'{name}', m.{name}" for name in MEASURE_NAMES)
    if ordered:
        rule_case = " ".join(f"WHEN {params.add(r.position)}::int THEN {obj}"
                             for r, obj in zip(ordered, rule_objects, strict=True))
        missed_case = " ".join(f"WHEN {params.add(r.position)}::int "
                               f"THEN jsonb_build_array({', '.join(rule_objects[:i])})" for i, r in enumerate(ordered))
        rule_sql = f"CASE m.rule_position {rule_case} END"
        missed_sql = f"CASE m.rule_position {missed_case} ELSE jsonb_build_array({', '.join(rule_objects)}) END"
    else:
        rule_sql, missed_sql = "NULL::jsonb", "'[]'::jsonb"
    return (f"jsonb_build_object('v', {EVIDENCE_VERSION}, "
            f"'key', CASE WHEN m.rule_position IS NULL THEN 'default' ELSE 'rule' END, {measures}, "
            f"'rule', {rule_sql}, 'missed', {missed_sql}, "
            f"'override', coalesce(m.current_source = 'override', FALSE), "
            # the day the measures were taken (accounts.metrics' windows end on it)
            f"'as_of', %(today)s::date)")


def base_params(today=None):
    """The day the measures are taken on, from Python's clock (a frozen test clock holds)."""
    return {"today": today or timezone.localdate()}


@dataclass
class Preview:
    per_tier: dict          # tier id -> accounts it would hold
    current_per_tier: dict  # tier id -> accounts it holds now
    movers: list            # (account id, name, from tier id, to tier id) — a sample
    mover_count: int
    unmatched: int          # accounts no rule matched (they go to the default tier)
    first_matches: dict     # rule position -> accounts it places
    raw_matches: dict       # rule position -> accounts it would match on its own
    overrides: int
    # Beside today's rules (K-32): what the edit itself changes, and what today's rules already
    # propose whatever the edit says. (account id, name, tier now, today's rules, the edit) — samples.
    edit_movers: list = field(default_factory=list)
    edit_mover_count: int = 0
    already_proposed: list = field(default_factory=list)
    already_proposed_count: int = 0


def scope_sql(accounts, params):
    """`m.account_id IN (…)` for a queryset of accounts (e.g. `visible_to(user)`), as one
    subquery in the statement: no extra round trip, and no id list of a big team's accounts."""
    sql, values = accounts.order_by().values("pk").query.sql_with_params()
    pieces = sql.split("%s")
    if len(pieces) != len(values) + 1:  # a literal "%s" in the SQL would shift every parameter
        raise ValueError("scope_sql: cannot place the parameters of this queryset")
    names = [params.add(value) for value in values]
    return "m.account_id IN (" + "".join(p + n for p, n in zip(pieces, [*names, ""], strict=True)) + ")"


def preview(rules, default_tier_id, *, sample=50, accounts=None, current_rules=None):
    """What the rules would do now, without saving anything (the live preview).

    `accounts` (a queryset) limits what is counted and listed to those accounts: a
    non-admin previews the rules on the accounts they may see. The measures are still
    taken over every account, so "top 20% of revenue" ranks an account against the whole
    company, exactly as the evaluation job will; only the answer is narrowed.

    `current_rules` (today's active rules) separates what the edit moves (accounts the edit
    places elsewhere than today's rules do) from what today's rules already propose.
    """
    params = _Params(base_params())
    matched = matched_sql(rules, default_tier_id, params,
                          compare_with=current_rules if current_rules is not None else rules)
    scope = scope_sql(accounts, params) if accounts is not None else "TRUE"
    raw = ", ".join(
        f"count(*) FILTER (WHERE {rule_condition(rule, params)}) AS r{rule.position}" for rule in rules
    ) or "0 AS none"
    moved_by_edit = "m.proposed IS DISTINCT FROM m.proposed_now"
    already = "m.proposed = m.proposed_now AND m.current_tier IS NOT NULL AND m.current_tier <> m.proposed_now"
    sample_sql = f"""{matched}
            SELECT m.account_id, a.name, m.current_tier, m.proposed_now, m.proposed FROM matched m
            JOIN accounts_account a ON a.id = m.account_id
            WHERE {{which}} AND {scope}
            ORDER BY m.order_12m DESC, a.id LIMIT {int(sample)}"""
    with connection.cursor() as cursor:
        cursor.execute(f"""{matched}
            SELECT proposed, current_tier, rule_position, count(*),
                   count(*) FILTER (WHERE current_source = 'override'),
                   count(*) FILTER (WHERE {moved_by_edit}), count(*) FILTER (WHERE {already})
            FROM matched m WHERE {scope} GROUP BY proposed, current_tier, rule_position""", params.values)
        groups = cursor.fetchall()
        cursor.execute(f"WITH {measures_sql(params.values['today'])} SELECT {raw} FROM measures m WHERE {scope}",
                       params.values)
        raw_row = cursor.fetchone()
        cursor.execute(f"""{matched}
            SELECT m.account_id, a.name, m.current_tier, m.proposed FROM matched m
            JOIN accounts_account a ON a.id = m.account_id
            WHERE m.current_tier IS DISTINCT FROM m.proposed AND m.current_source IS DISTINCT FROM 'override'
              AND {scope}
            ORDER BY m.order_12m DESC, a.id LIMIT {int(sample)}""", params.values)
        movers = cursor.fetchall()
        edit_movers, already_proposed = [], []
        if current_rules is not None:
            cursor.execute(sample_sql.replace("{which}", moved_by_edit), params.values)
            edit_movers = cursor.fetchall()
            cursor.execute(sample_sql.replace("{which}", already), params.values)
            already_proposed = cursor.fetchall()
    result = Preview({}, {}, movers, 0, 0, {}, {}, 0, edit_movers=edit_movers, already_proposed=already_proposed)
    for proposed, current, position, count, overrides, by_edit, already_count in groups:
        result.per_tier[proposed] = result.per_tier.get(proposed, 0) + count
        if current is not None:
            result.current_per_tier[current] = result.current_per_tier.get(current, 0) + count
        if position is None:
            result.unmatched += count
        else:
            result.first_matches[position] = result.first_matches.get(position, 0) + count
        if proposed != current:
            result.mover_count += count - overrides
        result.overrides += overrides
        if current_rules is not None:
            result.edit_mover_count += by_edit
            result.already_proposed_count += already_count
    result.raw_matches = {rule.position: raw_row[i] for i, rule in enumerate(rules)} if rules else {}
    return result
