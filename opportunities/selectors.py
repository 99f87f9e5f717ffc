"""The pipeline's reads: the board's columns, the forecast by month, the win rates. Each is a
fixed number of queries whatever the number of accounts or opportunities (pinned by tests)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth

from core.money import converted
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


def _weighted():
    return ExpressionWrapper(converted() * F("stage__probability") / 100,
                             output_field=DecimalField(max_digits=20, decimal_places=6))


@dataclass
class ForecastMonth:
    month: date | None  # None: expected close not set or already past
    count: int
    amount: Decimal
    weighted: Decimal


def forecast(opportunities, *, today, months=12):
    """Open opportunities by month of expected close, their amount and their amount weighted by the
    stage's probability (in the reporting currency): one query. Those without a date or past it are
    one line of their own, "to date", so nothing open is left out of the total."""
    start = today.replace(day=1)
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    rows = (opportunities.open().order_by()
            .annotate(month=TruncMonth("expected_close"))
            .values("month")
            # not named "amount": F("amount") in the weighted sum would read the annotation
            .annotate(n=Count("pk"), total=Sum(converted()), weighted=Sum(_weighted())))
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


def win_rates(opportunities, *, start, end):
    """Won ÷ (won + lost) of the opportunities closed between `start` and `end`, by the account's
    tier and by owner: two queries."""
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
