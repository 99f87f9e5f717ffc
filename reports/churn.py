"""Churn analysis (K-52): the customers lost in a period, broken down by tier, by how often we
touched them in the year before, and by the lost reason and objection type recorded when they
were marked lost (accounts.LostReason, accounts.ObjectionType, lists an admin keeps).

An account counts as lost at the first time its history shows it lost, as in the churn per
quarter (reports.analytics.churn_by_quarter), so the totals of the two agree."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.models import LostReason, ObjectionType

LOST_SQL = """
WITH lost AS (
    -- the first time each account was recorded as lost
    SELECT h.id, min(h.history_date) AS lost_at FROM accounts_historicalaccount h
    WHERE h.status = 'lost' AND h.id IN ({scope}) GROUP BY h.id
)
SELECT a.id, coalesce(t.code, ''), a.lost_reason_id, a.objection_type_id,
       (SELECT count(*) FROM visits_visit v WHERE v.account_id = a.id
          AND v.occurred_at >= l.lost_at - interval '365 days' AND v.occurred_at < l.lost_at) AS touches
FROM lost l JOIN accounts_account a ON a.id = l.id
LEFT JOIN tiering_accounttier at ON at.account_id = a.id LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE l.lost_at >= %s AND l.lost_at < %s::date + 1
"""

# Touches logged in the year before the loss: (lowest, highest or None, label).
BANDS = [
    (0, 0, _("No touch in the year before")),
    (1, 3, _("1–3 touches in the year before")),
    (4, 11, _("4–11 touches in the year before")),
    (12, None, _("12 or more touches in the year before")),
]


@dataclass(frozen=True)
class Share:
    label: str
    lost: int
    percent: float


@dataclass
class ChurnBreakdown:
    total: int = 0
    by_tier: list = field(default_factory=list)
    by_band: list = field(default_factory=list)
    by_reason: list = field(default_factory=list)
    by_objection: list = field(default_factory=list)

    def sections(self):
        return [(_("By tier"), self.by_tier), (_("By contact frequency"), self.by_band),
                (_("By lost reason"), self.by_reason), (_("By objection type"), self.by_objection)]


def _shares(counts, total, order=None):
    keys = order if order is not None else sorted(counts, key=lambda key: (-counts[key], str(key)))
    return [Share(str(key), counts[key], round(counts[key] * 100 / total, 1)) for key in keys if counts.get(key)]


def churn_breakdown(scope, *, start, end):
    """The accounts of `scope` first lost between `start` and `end` (dates, inclusive): three queries."""
    with connection.cursor() as cursor:
        cursor.execute(LOST_SQL.format(scope=scope.account_ids_sql), [*scope.params, start, end])
        rows = cursor.fetchall()
    return _breakdown(rows)


# --- Opportunities lost (K-52 on the pipeline, issue 22) -------------------------------------------
# The same breakdown for deals: each opportunity closed at a lost stage in the period, by its account's
# tier, by how often we touched that account in the year before the loss, and by the lost reason and
# objection type recorded when it was marked lost.
LOST_OPPORTUNITIES_SQL = """
SELECT o.id, coalesce(t.code, ''), o.lost_reason_id, o.objection_type_id,
       (SELECT count(*) FROM visits_visit v WHERE v.account_id = o.account_id
          AND v.occurred_at >= o.closed_on - interval '365 days' AND v.occurred_at < o.closed_on + 1) AS touches
FROM opportunities_opportunity o JOIN opportunities_stage s ON s.id = o.stage_id
LEFT JOIN tiering_accounttier at ON at.account_id = o.account_id LEFT JOIN tiering_tier t ON t.id = at.tier_id
WHERE s.kind = 'lost' AND o.account_id IN ({scope}) AND o.closed_on BETWEEN %s AND %s
"""


def _band(touches):
    return next(n for n, (low, high, _label) in enumerate(BANDS)
                if touches >= low and (high is None or touches <= high))


def _breakdown(rows):
    """Counted by plain keys, labelled once at the end: a lazy label as a key is translated at every
    hash, which cost seconds over an admin's hundred thousand rows (make bench, 2026-12-02)."""
    if not rows:
        return ChurnBreakdown()
    tiers, bands, by_reason, by_objection = Counter(), Counter(), Counter(), Counter()
    for _pk, tier, reason_id, objection_id, touches in rows:
        tiers[tier] += 1
        bands[_band(touches)] += 1
        by_reason[reason_id] += 1
        by_objection[objection_id] += 1
    reasons = LostReason.objects.in_bulk([pk for pk in by_reason if pk])
    objections = ObjectionType.objects.in_bulk([pk for pk in by_objection if pk])
    not_recorded = str(_("Not recorded"))

    def named(counts, names):
        out = Counter()
        for pk, n in counts.items():
            out[str(names[pk]) if pk else not_recorded] += n
        return out
    total = len(rows)
    tier_counts = Counter({tier or str(_("Not tiered")): n for tier, n in tiers.items()})
    band_counts = Counter({str(BANDS[n][2]): count for n, count in bands.items()})
    return ChurnBreakdown(
        total, _shares(tier_counts, total, sorted(tier_counts)),
        _shares(band_counts, total, [str(label) for _low, _high, label in BANDS]),
        _shares(named(by_reason, reasons), total), _shares(named(by_objection, objections), total))


def loss_breakdown(scope, *, start, end):
    """The opportunities of `scope`'s accounts lost between `start` and `end` (inclusive): three queries."""
    with connection.cursor() as cursor:
        cursor.execute(LOST_OPPORTUNITIES_SQL.format(scope=scope.account_ids_sql), [*scope.params, start, end])
        return _breakdown(cursor.fetchall())
