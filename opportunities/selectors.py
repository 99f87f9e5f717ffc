"""The pipeline's reads: the board's columns, the forecast by month, the win rates. Each is a
fixed number of queries whatever the number of accounts or opportunities (pinned by tests)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth

from core.money import converted
from opportunities import facts
from opportunities.models import Opportunity, Stage

CARDS_PER_COLUMN = 30


def scoped(user, *, owner=None, team=None):
    """The opportunities `user` sees, narrowed to a manager's or a team's."""
    opportunities = Opportunity.objects.visible_to(user)
    if owner is not None:
        opportunities = opportunities.filter(owner=owner)
    if team is not None:
        opportunities = opportunities.filter(owner__team=team)
    return opportunities


@dataclass
class Column:
    stage: Stage
    cards: list = field(default_factory=list)
    count: int = 0
    amount: Decimal = Decimal(0)  # in the reporting currency

    @property
    def weighted(self):
        return self.amount * self.stage.probability / 100

    @property
    def more(self):
        return max(self.count - len(self.cards), 0)


def board(opportunities, *, closed_since):
    """Columns by stage (the offered ones, and any an opportunity still sits at): three queries —
    the stages, the totals per stage, the first cards of each column by expected close. Closed
    columns show what closed since `closed_since`, so won and lost do not grow for ever."""
    recent = opportunities.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=closed_since))
    totals = {row["stage"]: row for row in recent.order_by().values("stage").annotate(
        n=Count("pk"), total=Sum(converted()))}
    stages = [s for s in Stage.objects.all() if s.active or s.pk in totals]
    columns = {s.pk: Column(s, count=totals.get(s.pk, {}).get("n", 0),
                            amount=totals.get(s.pk, {}).get("total") or Decimal(0)) for s in stages}
    for card in _first_cards(recent, columns, sum(c.count for c in columns.values())):
        columns[card.stage_id].cards.append(card)
    return list(columns.values())


# Above this many opportunities on the board, each column's cards are read by a LIMIT of their own.
WINDOW_ROWS = 20_000


def _first_cards(recent, columns, total):
    """Each column's first cards by expected close, in one query, chosen by how many rows there are
    (the totals just counted them). A window (ROW_NUMBER per stage) sorts them all: best for a
    manager's or a team's few thousand, 1.7 s for an admin's 300k. A LIMIT per column on the
    (stage, expected close) index, joined by UNION ALL, reads 30 rows a column whatever the total,
    but repeats the visibility subquery per column: ~0.3 s for a manager (docs/PERFORMANCE.md)."""
    if not columns:
        return []
    order = [F("expected_close").asc(nulls_last=True), F("pk").asc()]
    if total <= WINDOW_ROWS:
        return (recent.with_list_columns()
                .annotate(n=Window(RowNumber(), partition_by=[F("stage_id")], order_by=order))
                .filter(n__lte=CARDS_PER_COLUMN).order_by("stage_id", "n"))
    firsts = [recent.filter(stage_id=pk).with_list_columns().order_by(*order)[:CARDS_PER_COLUMN] for pk in columns]
    return firsts[0].union(*firsts[1:], all=True)


def covers_everything(user, *, owner=None, team=None):
    """Whether `scoped` gives every opportunity (an admin, no filter): then the forecast and the win
    rates read the read model's cells (opportunities.facts) instead of every opportunity."""
    return user.is_admin and owner is None and team is None


def _weighted_sum():
    # The sum of amount × probability, divided once: a division per row would round each row
    # (numeric division keeps ~16 digits) and the read model's cells could not give the same figure.
    money = DecimalField(max_digits=20, decimal_places=6)
    return ExpressionWrapper(Sum(ExpressionWrapper(converted() * F("stage__probability"), output_field=money)) / 100,
                             output_field=money)


@dataclass
class ForecastMonth:
    month: date | None  # None: expected close not set or already past
    count: int
    amount: Decimal
    weighted: Decimal


def forecast(opportunities, *, today, months=12, every=False):
    """Open opportunities by month of expected close, their amount and their amount weighted by the
    stage's probability (in the reporting currency): one query. Those without a date or past it are
    one line of their own, "to date", so nothing open is left out of the total. With `every`
    (`opportunities` is all of them) the month rows are summed from the read model's cells."""
    start = today.replace(day=1)
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    if every:
        rows = [{"month": month, "n": n, "total": total, "weighted": weighted}
                for month, n, total, weighted in _rows(facts.forecast_sql(), [])]
    else:
        rows = (opportunities.open().order_by()
                .annotate(month=TruncMonth("expected_close"))
                .values("month")
                # not named "amount": F("amount") in the weighted sum would read the annotation
                .annotate(n=Count("pk"), total=Sum(converted()), weighted=_weighted_sum()))
    found = {}
    undated = ForecastMonth(None, 0, Decimal(0), Decimal(0))
    for row in rows:
        month = row["month"]
        if month is None or month < start or month >= end:
            if month is None or month < start:
                undated.count += row["n"]
                undated.amount += row["total"] or 0
                undated.weighted += row["weighted"] or 0
            continue
        found[month] = ForecastMonth(month, row["n"], row["total"] or Decimal(0), row["weighted"] or Decimal(0))
    result, month = [], start
    while month < end:
        result.append(found.get(month, ForecastMonth(month, 0, Decimal(0), Decimal(0))))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return undated, result


@dataclass
class WinRate:
    label: str
    won: int
    lost: int
    won_amount: Decimal

    @property
    def closed(self):
        return self.won + self.lost

    @property
    def percent(self):
        return round(self.won * 100 / self.closed, 1) if self.closed else None


def _rates(rows, label):
    return [WinRate(label(row), row["won"], row["lost"], row["won_amount"] or Decimal(0)) for row in rows]


def win_rates(opportunities, *, start, end, every=False):
    """Won ÷ (won + lost) of the opportunities closed between `start` and `end`, by the account's
    tier and by owner: two queries. With `every` (`opportunities` is all of them) from the read
    model's cells and the edge months' closings (opportunities.facts)."""
    if every:
        return _win_rates_from_facts(start, end)
    closed = opportunities.filter(stage__kind__in=Stage.CLOSED, closed_on__range=(start, end)).order_by()
    counts = {"won": Count("pk", filter=Q(stage__kind=Stage.Kind.WON)),
              "lost": Count("pk", filter=Q(stage__kind=Stage.Kind.LOST)),
              "won_amount": Sum(converted(), filter=Q(stage__kind=Stage.Kind.WON))}
    by_tier = closed.values("account__tier_state__tier__code").annotate(**counts).order_by(
        "account__tier_state__tier__code")
    by_owner = closed.values("owner_id", "owner__display_name", "owner__username").annotate(**counts).order_by(
        "owner__username")
    return (_rates(by_tier, lambda r: r["account__tier_state__tier__code"] or ""),
            _rates(by_owner, lambda r: r["owner__display_name"] or r["owner__username"]))


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _win_rates_from_facts(start, end):
    queries = facts.win_rates_sql(start, end)
    *tiered, (_part, _code, won, lost, won_amount) = _rows(*queries["by_tier"])
    by_tier = [WinRate(code, won_n, lost_n, amount or Decimal(0)) for _part, code, won_n, lost_n, amount in tiered]
    # the untiered: every closing less the tiered ones (the live rates' last row, code NULL)
    rest = WinRate("", won - sum(r.won for r in by_tier), lost - sum(r.lost for r in by_tier),
                   (won_amount or Decimal(0)) - sum((r.won_amount for r in by_tier), Decimal(0)))
    if rest.closed:
        by_tier.append(rest)
    by_owner = [WinRate(display_name or username, won_n, lost_n, amount or Decimal(0))
                for _pk, display_name, username, won_n, lost_n, amount in _rows(*queries["by_owner"])]
    return by_tier, by_owner
