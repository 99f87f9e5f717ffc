"""Plan and preparation panels for the account page and the visit page
(accounts and visits may not import plans; their templates compose the panels)."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from core.batch import fetch_together
from plans import permissions
from plans.models import AccountPlan, PlannedVisit, SatisfactionSurvey

register = template.Library()


@register.inclusion_tag("plans/_account_panel.html")
def account_plan(account, can_edit):
    """This year's plan, the next planned visits and satisfaction. Plans are for the
    account team and their supervisor only (`can_edit` is exactly that scope)."""
    today = timezone.localdate()
    since = today.replace(year=today.year - 1)
    satisfied = Q(score__gte=SatisfactionSurvey.SATISFIED_FROM)
    lists = {"satisfaction": SatisfactionSurvey.objects.filter(account=account, taken_on__gt=since).order_by()
             .values("account").annotate(n=Count("pk"), ok=Count("pk", filter=satisfied))}
    if can_edit:
        lists["plan"] = AccountPlan.objects.filter(account=account, year=today.year)[:1]
        lists["upcoming"] = (PlannedVisit.objects.filter(account=account, visit__isnull=True,
                                                         month__gte=today.replace(day=1))
                             .select_related("owner").order_by("month", "planned_on", "pk")[:3])
    rows = fetch_together(**lists)  # one statement for the panel (core.batch, issue 19)
    satisfaction = rows["satisfaction"][0] if rows["satisfaction"] else {"n": 0, "ok": 0}
    context = {
        "account": account, "can_edit": can_edit, "year": today.year,
        "surveys": satisfaction["n"],
        "satisfied": round(100 * satisfaction["ok"] / satisfaction["n"]) if satisfaction["n"] else None,
    }
    if can_edit:
        context["plan"] = rows["plan"][0] if rows["plan"] else None
        context["upcoming"] = rows["upcoming"]
    return context


@register.inclusion_tag("plans/_visit_panel.html")
def visit_preparation(visit, user):
    """K-28: the preparation beside the logged visit, with the answers per question;
    or, before they are linked, the planned visits it may have been."""
    if not permissions.can_plan(user, visit.account):
        return {"hidden": True}
    planned = PlannedVisit.objects.filter(visit=visit).select_related("owner").first()
    if planned:
        return {"visit": visit, "planned": planned, "questions": list(planned.questions.all())}
    month = timezone.localdate(visit.occurred_at).replace(day=1)
    candidates = (PlannedVisit.objects.filter(account_id=visit.account_id, visit__isnull=True, month__lte=month)
                  .order_by("-month", "-planned_on", "-pk")[:5])
    return {"visit": visit, "candidates": list(candidates)}
