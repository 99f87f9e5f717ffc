"""Reads for the plan page, the print view and satisfaction, at fixed query counts."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import metrics
from accounts.models import Account, Order, ProductPosition
from contacts.models import BuyerRole
from core.money import format_money
from plans.models import PlanGoal, PlannedVisit, SatisfactionSurvey
from tiering.models import AccountTier
from visits.models import Visit


@dataclass
class MonthRow:
    month: date
    planned: list = field(default_factory=list)
    logged: int = 0
    orders: Decimal = Decimal(0)
    actions_due: list = field(default_factory=list)
    review: object = None
    is_past: bool = False
    is_current: bool = False

    @property
    def held(self):
        return sum(1 for p in self.planned if p.visit_id)

    @property
    def behind(self):
        return self.is_past and self.logged < len(self.planned)


@dataclass
class GoalRow:
    goal: PlanGoal
    target: str
    actual: str
    reached: bool


def _by_month(rows):
    return {month.date() if hasattr(month, "date") else month: value for month, value in rows}


def plan_months(plan):
    """Twelve months of plan against actual in five queries: planned visits, logged
    visits, orders, the month's actions and the reviews (K-09)."""
    year_range = (date(plan.year, 1, 1), date(plan.year, 12, 31))
    today = timezone.localdate()
    this_month = today.replace(day=1)
    rows = {m: MonthRow(month=m, is_past=m < this_month, is_current=m == this_month) for m in plan.months()}
    planned = (PlannedVisit.objects.filter(plan=plan).select_related("owner", "visit")
               .prefetch_related("questions").order_by("month", "planned_on", "pk"))
    for visit in planned:
        rows[visit.month].planned.append(visit)
    # What happened (accounts.metrics): a visit logged ahead of its time or an order dated after
    # today is no actual yet, so a month to come shows none.
    logged = (Visit.objects.filter(metrics.touches_counted(timezone.now()), account_id=plan.account_id,
                                   log_month__range=year_range)
              .values_list("log_month").annotate(n=Count("pk")))
    for month, n in logged:
        rows[month].logged = n
    orders = (Order.objects.filter(metrics.orders_in(metrics.period(*year_range, today=today)),
                                   account_id=plan.account_id)
              .annotate(m=TruncMonth("signed_on")).values_list("m")
              # in the account's currency, as its goals are (core/money.py)
              .annotate(total=metrics.revenue(None, currency=plan.account.currency)))
    for month, total in _by_month(orders).items():
        rows[month].orders = total
    for action in plan.actions.select_related("owner"):
        rows[action.due_on.replace(day=1)].actions_due.append(action)
    for review in plan.reviews.select_related("by"):
        rows[review.month].review = review
    return list(rows.values())


def _money(value, currency):
    return format_money(value, currency)


def goal_rows(plan, months):
    """Each goal beside today's figure (K-09): orders, products, relationship, role coverage, tier."""
    account = plan.account
    goals = list(plan.goals.select_related("target_tier"))
    kinds = {g.kind for g in goals}
    revenue = sum((row.orders for row in months), Decimal(0))
    products = (dict(ProductPosition.objects.filter(account=account).values_list("product", "status"))
                if PlanGoal.Kind.PRODUCT in kinds else {})
    covered = (BuyerRole.objects.filter(account=account, contact__archived_at__isnull=True)
               .values("role").distinct().count() if PlanGoal.Kind.COVERAGE in kinds else 0)
    tier = (AccountTier.objects.filter(account=account).select_related("tier").first()
            if PlanGoal.Kind.TIER in kinds else None)
    return [_goal_row(g, revenue, products, covered, tier, account) for g in goals]


def _goal_row(goal, revenue, products, covered, tier, account):
    kind = PlanGoal.Kind
    if goal.kind == kind.REVENUE:
        return GoalRow(goal, _money(goal.target_amount, account.currency), _money(revenue, account.currency),
                       revenue >= goal.target_amount)
    if goal.kind == kind.PRODUCT:
        status = products.get(goal.target_text)
        label = ProductPosition.Status(status).label if status else "—"
        return GoalRow(goal, goal.target_text, label, status == ProductPosition.Status.IN_USE)
    if goal.kind == kind.RELATIONSHIP:
        order = list(Account.RelationshipStyle.values)
        now = account.relationship_style
        reached = bool(now) and order.index(now) >= order.index(goal.target_style)
        return GoalRow(goal, goal.get_target_style_display(), account.get_relationship_style_display() or "—", reached)
    if goal.kind == kind.COVERAGE:
        return GoalRow(goal, f"{goal.target_count} / 4", f"{covered} / 4", covered >= goal.target_count)
    if goal.kind == kind.TIER:
        reached = tier is not None and tier.tier.rank <= goal.target_tier.rank
        return GoalRow(goal, str(goal.target_tier), str(tier.tier) if tier else "—", reached)
    return GoalRow(goal, goal.target_text, "", False)


def plan_summary(months):
    planned = sum(len(m.planned) for m in months)
    actions = [a for m in months for a in m.actions_due]
    return {
        "planned": planned,
        "held": sum(m.held for m in months),
        "logged": sum(m.logged for m in months),
        "actions_done": sum(1 for a in actions if a.done_on),
        "actions_late": sum(1 for a in actions if a.is_late),
        "actions": len(actions),
    }


# --- Satisfaction (K-56) -----------------------------------------------------------------------

def target_percent():
    return settings.PLANS_SATISFACTION_TARGET_PERCENT


@dataclass
class TrendPoint:
    month: date
    surveys: int
    satisfied: int
    average: float

    @property
    def percent(self):
        return round(100 * self.satisfied / self.surveys) if self.surveys else None

    @property
    def on_target(self):
        return self.percent is not None and self.percent >= target_percent()


def satisfaction_trend(surveys, months=12, today=None):
    """Per month of the last `months`: surveys, satisfied share and average score, in one query."""
    today = today or timezone.localdate()
    first = _months_back(today.replace(day=1), months - 1)
    rows = (surveys.filter(taken_on__gte=first).annotate(m=TruncMonth("taken_on")).values("m")
            .annotate(n=Count("pk"), ok=Count("pk", filter=Q(score__gte=SatisfactionSurvey.SATISFIED_FROM)),
                      avg=Avg("score")).order_by("m"))
    found = {(r["m"].date() if hasattr(r["m"], "date") else r["m"]): r for r in rows}
    points = []
    for i in range(months):
        month = _months_back(today.replace(day=1), months - 1 - i)
        r = found.get(month)
        points.append(TrendPoint(month, r["n"] if r else 0, r["ok"] if r else 0, round(r["avg"], 1) if r else 0))
    return points


def trend_total(points):
    surveys = sum(p.surveys for p in points)
    satisfied = sum(p.satisfied for p in points)
    return TrendPoint(points[-1].month if points else None, surveys, satisfied, 0)


def _months_back(month, n):
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def account_satisfaction(accounts, since):
    """Accounts with their survey count and satisfied share since `since`, the lowest first."""
    satisfied = Q(satisfaction_surveys__score__gte=SatisfactionSurvey.SATISFIED_FROM,
                  satisfaction_surveys__taken_on__gte=since)
    recent = Q(satisfaction_surveys__taken_on__gte=since)
    return (accounts.annotate(surveys=Count("satisfaction_surveys", filter=recent),
                              satisfied=Count("satisfaction_surveys", filter=satisfied),
                              low=Count("satisfaction_surveys", filter=recent & Q(
                                  satisfaction_surveys__score__lte=SatisfactionSurvey.LOW_UP_TO)))
            .filter(surveys__gt=0).annotate(percent=F("satisfied") * 100 / F("surveys"))
            .select_related("owner").order_by("percent", "-low", "name", "pk"))
