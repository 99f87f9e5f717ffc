from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Account
from core.exports import csv_response, xlsx_response
from core.params import MonthForm, PageForm, note_ignored, reads_query
from core.views import run_service, submit_form
from reports import analytics, charts, dashboards, permissions, services
from reports.forms import ConcentrationForm, ConversionForm, QuarterlyForm, ReportFilterForm, TargetForm, ValueForm
from reports.models import Target
from reports.visit_report import current_quarter, quarterly_report
from reports.visit_report import table as report_table
from reports.visit_report import totals as report_totals
from tiering.models import Tier
from users.models import Team
from visits.models import Visit


def home(request):
    """The start page is the dashboard of the person's role (K-50): a to-do list first."""
    user = request.user
    if user.is_admin:
        return render(request, "reports/dashboard_admin.html", dashboards.admin_dashboard())
    if user.is_supervisor:
        return render(request, "reports/dashboard_supervisor.html", dashboards.supervisor_dashboard(user))
    return render(request, "reports/dashboard_manager.html", dashboards.manager_dashboard(user))


@reads_query(QuarterlyForm)
def visit_quarterly(request):
    """The quarterly visit report (K-23): printable, and as CSV or XLSX."""
    teams = Team.objects.visible_to(request.user).order_by("name")
    form = QuarterlyForm(request.GET, teams=teams)
    note_ignored(request, form)
    chosen = form.values()
    year, quarter = (chosen["year"], chosen["quarter"]) if chosen["quarter"] else current_quarter(timezone.localdate())
    team = chosen["team"]
    rows = quarterly_report(user=request.user, year=year, quarter=quarter, team=team)
    tiers = list(Tier.objects.all())
    label = f"{year}-Q{quarter}"
    if (export := request.GET.get("format")) in ("csv", "xlsx"):
        header, body = report_table(rows, tiers)
        respond = csv_response if export == "csv" else xlsx_response
        return respond(f"visits-{label}", header, body)
    return render(request, "reports/visit_quarterly.html", {
        "rows": rows, "total": report_totals(rows), "label": label,
        "quarters": [f"{y}-Q{q}" for y in (year, year - 1) for q in (4, 3, 2, 1)],
        "teams": teams, "team": team, "tiers": tiers,
        "channels": Visit.Channel.choices, "kinds": Account.Kind.choices,
    })


# --- Reports (K-51, K-54, K-55) ---------------------------------------------------------------------

REPORTS = [
    ("reports:concentration", gettext_lazy("Revenue concentration"),
     gettext_lazy("The Pareto curve: how much revenue the top accounts bring.")),
    ("reports:conversion", gettext_lazy("Conversion by tier and channel"),
     gettext_lazy("Which touches are followed by an order.")),
    ("reports:evaluation", gettext_lazy("Monthly evaluation per manager"),
     gettext_lazy("Cadence, care, issues and sign-off, month by month.")),
    ("reports:targets", gettext_lazy("Targets (plan–do–check–act)"),
     gettext_lazy("Monthly targets for visits, conversions and revenue, and how each week went.")),
    ("reports:value", gettext_lazy("Customer value and churn"),
     gettext_lazy("Lifetime value per account and tier, churn per quarter, accounts at risk and why.")),
    ("reports:operating", gettext_lazy("Account operating analysis"),
     gettext_lazy("Revenue and its change, potential, competitors and issues, account by account.")),
    ("visit-quarterly", gettext_lazy("Quarterly visit report"),
     gettext_lazy("Visits, issues and comments per quarter.")),
]


def report_index(request):
    return render(request, "reports/index.html", {"reports": REPORTS})


def _filters(request):
    form = ReportFilterForm(request.GET or None, user=request.user)
    values = form.values()
    return form, values, analytics.scope(request.user, team=values["team"], manager=values["manager"],
                                         tier=values["tier"])


def _extra(request, form_class):
    """A report's own parameters beside the shared filters (they have no field on the page)."""
    form = form_class(request.GET)
    note_ignored(request, form)
    return form.values()


def _month_form(request):
    form = MonthForm(request.GET)
    note_ignored(request, form)
    return form


def _export(request, name, header, rows):
    respond = {"csv": csv_response, "xlsx": xlsx_response}.get(request.GET.get("format"))
    return respond(name, header, rows) if respond else None


@reads_query(ReportFilterForm, ConcentrationForm)
def concentration(request):
    """K-54: revenue concentration over the period."""
    form, values, scope = _filters(request)
    top_percent = _extra(request, ConcentrationForm)["top"]
    result = analytics.revenue_concentration(scope, start=values["start"], end=values["end"],
                                             today=timezone.localdate(), top_percent=top_percent)
    header = [_("Rank"), _("Account"), _("Revenue"), _("Cumulative share (%)")]
    rows = [(n, name, amount, round(share, 1)) for n, name, _pk, amount, share in result.top]
    if export := _export(request, "revenue-concentration", header, rows):
        return export
    return render(request, "reports/concentration.html", {
        "form": form, "result": result, "top_percent": top_percent, "line": charts.polyline(result.curve),
        "title": _("Revenue concentration"),
    })


@reads_query(ReportFilterForm, ConversionForm)
def conversion(request):
    """K-51: touches followed by an order within N days, by tier and channel."""
    form, values, scope = _filters(request)
    within = _extra(request, ConversionForm)["within"]
    rows = analytics.conversion(scope, start=values["start"], end=values["end"], now=timezone.now(),
                                within_days=within)
    channels = dict(Visit.Channel.choices)
    table = [(tier or _("Not tiered"), channels.get(channel, channel), touches, converted,
              round(converted * 100 / touches, 1) if touches else 0) for tier, channel, touches, converted in rows]
    header = [_("Tier"), _("Channel"), _("Touches"), _("Followed by an order"), _("Conversion (%)")]
    if export := _export(request, "conversion", header, table):
        return export
    return render(request, "reports/conversion.html", {
        "form": form, "table": table, "within": within, "title": _("Conversion by tier and channel"),
        "bars": charts.bars((f"{tier} · {channel}", rate) for tier, channel, _t, _c, rate in table),
    })


@reads_query(ReportFilterForm, MonthForm)
def evaluation(request):
    """K-55: each manager's month — cadence kept, care and issues on time, sign-off."""
    form, values, scope = _filters(request)
    months = list(analytics.months_back(timezone.localdate(), 12))
    month = _month_form(request).month_among(months, months[0])
    rows = analytics.evaluation(scope, month=month, now=timezone.now())
    header = [_("Manager"), _("Cadence kept (%)"), _("Care on time (%)"), _("Issues on time (%)"),
              _("Sign-off"), _("Late")]
    table = [(r.manager, r.cadence_rate, r.care_rate, r.issue_rate, r.sign_off or "", bool(r.late)) for r in rows]
    if export := _export(request, f"evaluation-{month:%Y-%m}", header, table):
        return export
    return render(request, "reports/evaluation.html", {
        "form": form, "rows": rows, "month": month, "months": months, "title": _("Monthly evaluation per manager"),
        "bars": charts.bars((r.manager, r.cadence_rate or 0) for r in rows),
    })


RISK_LABELS = {
    "falling": gettext_lazy("Order value falling"),
    "overdue": gettext_lazy("Cadence overdue"),
    "silent": gettext_lazy("Every contact silent"),
    "role_left": gettext_lazy("A role holder left"),
}


@reads_query(ReportFilterForm, ValueForm)
def value(request):
    """K-52: lifetime value per account and tier, churn per quarter, accounts at risk and why."""
    form, values, scope = _filters(request)
    today = timezone.localdate()
    years = _extra(request, ValueForm)["years"]
    accounts = analytics.account_values(scope, today=today)
    by_tier = {}
    for account in accounts:
        by_tier.setdefault(account.tier or "—", []).append(account.clv(years))
    tiers = sorted((tier, sum(v) / len(v), len(v)) for tier, v in by_tier.items())
    churn = [(f"{quarter:%Y}-Q{(quarter.month - 1) // 3 + 1}", start_n, lost,
              round(lost * 100 / start_n, 1) if start_n else 0)
             for quarter, start_n, lost in analytics.churn_by_quarter(scope, start=values["start"], end=today)]
    risky = analytics.at_risk(accounts)
    header = [_("Account"), _("Tier"), _("Orders to date"), _("Last 12 months"), _("Change (%)"),
              _("Lifetime value"), _("At risk because")]
    reasons = {a.id: ", ".join(str(RISK_LABELS[code]) for code, _v in why) for a, why in risky}
    rows = [(a.name, a.tier, a.to_date, a.last12, a.change, a.clv(years), reasons.get(a.id, ""))
            for a in sorted(accounts, key=lambda a: -a.clv(years))]
    if export := _export(request, "customer-value", header, rows):
        return export
    return render(request, "reports/value.html", {
        "form": form, "title": _("Customer value and churn"), "years": years, "tiers": tiers,
        "churn": churn, "risky": risky[:50], "risk_labels": RISK_LABELS,
        "top": sorted(accounts, key=lambda a: -a.clv(years))[:20],
        "clv_bars": charts.bars((tier, float(avg)) for tier, avg, _n in tiers),
        "churn_bars": charts.bars((label, rate) for label, _s, _l, rate in churn),
    })


OPERATING_PAGE = 50


@reads_query(ReportFilterForm, PageForm)
def operating(request):
    """K-54: each account's revenue and its change, potential, competitors and open issues."""
    form, values, scope = _filters(request)
    page = _extra(request, PageForm)["page"]
    export = request.GET.get("format") in ("csv", "xlsx")
    limit, offset = (100_000, 0) if export else (OPERATING_PAGE + 1, (page - 1) * OPERATING_PAGE)
    rows = analytics.operating(scope, now=timezone.now(), limit=limit, offset=offset)
    header = [_("Account"), _("Tier"), _("Potential"), _("Last 12 months"), _("The 12 before"), _("Change (%)"),
              _("Competitors"), _("Open issues"), _("Overdue issues")]
    table = [(r.name, r.tier, r.potential, r.last12, r.prev12, r.change, r.competitors, r.open_issues,
              r.overdue_issues) for r in rows]
    if response := _export(request, "account-operations", header, table):
        return response
    return render(request, "reports/operating.html", {
        "form": form, "title": _("Account operating analysis"), "rows": rows[:OPERATING_PAGE], "page": page,
        "has_next": len(rows) > OPERATING_PAGE,
    })


@reads_query(MonthForm)
def targets(request):
    """K-53: the month's targets and their weekly progress; supervisors and admins set them."""
    months = list(analytics.months_back(timezone.localdate() + timedelta(days=31), 13))
    month = _month_form(request).month_among(months, months[1])
    form = TargetForm(request.POST or None, user=request.user, instance=Target(month=month, set_by=request.user))
    if request.method == "POST" and not permissions.can_set_targets(request.user):
        raise PermissionDenied  # the page is theirs to read, not to change
    if saved := submit_form(request, form, lambda data: services.target_set(month=month, by=request.user, **data),
                            success=_("Target saved."),
                            redirect_to=f"{reverse('reports:targets')}?month={month:%Y-%m}"):
        return saved
    visible = Target.objects.visible_to(request.user).filter(month=month).select_related("team", "tier")
    progress = analytics.target_progress(list(visible), analytics.scope(request.user), month=month,
                                         now=timezone.now())
    return render(request, "reports/targets.html", {
        "title": _("Targets (plan–do–check–act)"), "month": month, "months": months, "form": form,
        "can_set": permissions.can_set_targets(request.user),
        "rows": [(p, *charts.progress_lines(p.weeks, p.expected)) for p in progress],
    })


@require_POST
def target_delete(request, pk):
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("team"), pk=pk)
    if not permissions.can_delete_target(request.user, target):
        raise PermissionDenied
    return run_service(request, services.target_delete, target=target, by=request.user,
                       success=_("Target removed."),
                       redirect_to=f"{reverse('reports:targets')}?month={target.month:%Y-%m}")
