from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Account
from core.exports import export_format, export_response
from core.money import reporting_currency
from core.params import MonthForm, NameSearchForm, PageForm, note_ignored, reads_query
from core.views import form_page, people_page, run_service, submit_form
from reports import analytics, charts, dashboards, groups, permissions, services, visit_report
from reports.churn import churn_breakdown, loss_breakdown
from reports.forms import (
    ActForm,
    ConcentrationForm,
    ConversionForm,
    PeriodForm,
    QuarterlyAnalysisForm,
    QuarterlyForm,
    ReportFilterForm,
    TargetForm,
    ValueForm,
    report_people,
    target_people,
)
from reports.models import QuarterlyAnalysis, Target
from reports.visit_report import current_quarter, quarterly_report
from reports.visit_report import table as report_table
from reports.visit_report import totals as report_totals
from tiering.models import Tier
from users.forms import find_team_by_name
from users.models import Team
from visits.models import Visit
from visits.permissions import can_see_department_performance


def home(request):
    """The start page is the dashboard of the person's role (K-50): a to-do list first. Department
    staff have their department's home (departments.middleware sends them there first)."""
    user = request.user
    if user.is_department_staff:
        return redirect("departments:home")
    if user.is_admin:
        return render(request, "reports/dashboard_admin.html", dashboards.admin_dashboard())
    if user.is_supervisor:
        return render(request, "reports/dashboard_supervisor.html", dashboards.supervisor_dashboard(user))
    return render(request, "reports/dashboard_manager.html", dashboards.manager_dashboard(user))


ISSUES_PAGE = 25


@reads_query(QuarterlyForm, PageForm)
def visit_quarterly(request):
    """The quarterly visit report (K-23): the counts, each issue raised and how it was handled,
    the change from the previous quarter and each supervisor's analysis. Printable, and as CSV or XLSX."""
    teams = Team.objects.visible_to(request.user).order_by("name")
    form = QuarterlyForm(request.GET, teams=teams)
    find_team_by_name(form.fields["team"], request.user)
    note_ignored(request, form)
    chosen = form.values()
    year, quarter = (chosen["year"], chosen["quarter"]) if chosen["quarter"] else current_quarter(timezone.localdate())
    team = chosen["team"]
    rows = quarterly_report(user=request.user, year=year, quarter=quarter, team=team)
    tiers = list(Tier.objects.all())
    label = f"{year}-Q{quarter}"
    if (export := request.GET.get("format")) in ("csv", "xlsx"):
        header, body = report_table(rows, tiers)
        return export_response(request, export, f"visits-{label}", header, body)
    before = visit_report.previous_quarter(year, quarter)
    total = report_totals(rows)
    previous_total = visit_report.quarter_totals(user=request.user, year=before[0], quarter=before[1], team=team)
    issues = Paginator(visit_report.issues_raised(user=request.user, year=year, quarter=quarter, team=team),
                       ISSUES_PAGE).get_page(_extra(request, PageForm)["page"])
    analyses = [(t, analysis, permissions.can_write_quarterly_analysis(request.user, t))
                for t, analysis in visit_report.analyses(user=request.user, year=year, quarter=quarter, team=team)]
    return render(request, "reports/visit_quarterly.html", {
        "rows": rows, "total": total, "label": label, "year": year, "quarter": quarter,
        "previous_label": f"{before[0]}-Q{before[1]}", "changes": visit_report.compare(total, previous_total),
        "issues": issues, "page_obj": issues, "analyses": analyses, "now": timezone.now(),
        "quarters": [f"{y}-Q{q}" for y in (year, year - 1) for q in (4, 3, 2, 1)],
        "form": form, "team": team, "tiers": tiers,
        "channels": Visit.Channel.choices, "kinds": Account.Kind.choices,
    })


def quarterly_analysis(request, team, year, quarter):
    """The supervisor writes the team's analysis of the quarter (K-23): another team's is not
    there for them (404); a manager of the team reads it on the report but may not write it (403)."""
    team = get_object_or_404(Team.objects.visible_to(request.user).select_related("supervisor"), pk=team)
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        raise Http404
    if not permissions.can_write_quarterly_analysis(request.user, team):
        raise PermissionDenied
    instance = QuarterlyAnalysis.objects.filter(team=team, year=year, quarter=quarter).first()
    form = QuarterlyAnalysisForm(request.POST or None, instance=instance)
    back = f"{reverse('visit-quarterly')}?quarter={year}-Q{quarter}&team={team.pk}"
    if saved := submit_form(request, form, lambda data: services.quarterly_analysis_save(
            team=team, year=year, quarter=quarter, by=request.user, **data),
            success=_("Analysis saved."), redirect_to=back):
        return saved
    return form_page(request, form, cancel_url=back, title=_("Analysis of %(team)s, %(quarter)s") % {
        "team": team, "quarter": f"{year}-Q{quarter}"})


# --- Reports (K-51, K-54, K-55) ---------------------------------------------------------------------

REPORTS = [
    ("reports:concentration", gettext_lazy("Revenue concentration"),
     gettext_lazy("The Pareto curve: how much revenue the top accounts bring.")),
    ("reports:conversion", gettext_lazy("Conversion by tier and channel"),
     gettext_lazy("Which touches are followed by a step of the pipeline, or by an order.")),
    ("reports:evaluation", gettext_lazy("Monthly evaluation per manager"),
     gettext_lazy("Cadence, care, issues and sign-off, month by month.")),
    ("reports:targets", gettext_lazy("Targets (plan–do–check–act)"),
     gettext_lazy("Monthly targets for visits, conversions and revenue, and how each week went.")),
    ("reports:value", gettext_lazy("Customer value and churn"),
     gettext_lazy("Lifetime value per account and tier, churn per quarter, accounts at risk and why.")),
    ("reports:operating", gettext_lazy("Account operating analysis"),
     gettext_lazy("Revenue and its change, potential, competitors and issues, account by account.")),
    ("reports:groups", gettext_lazy("Group accounts"),
     gettext_lazy("Visits, cadence kept, buyer-role coverage and dangers rolled up over each group's subsidiaries.")),
    ("visit-quarterly", gettext_lazy("Quarterly visit report"),
     gettext_lazy("Visits, issues and comments per quarter.")),
]
DEPARTMENT_REPORT = (
    "departments:performance", gettext_lazy("Departmental performance"),
    gettext_lazy("Routed issues and green-channel work on time, by kind and department, month by month."))


def report_index(request):
    shown = [*REPORTS, DEPARTMENT_REPORT] if can_see_department_performance(request.user) else REPORTS
    return render(request, "reports/index.html", {"reports": shown})


def manager_options(request):
    """htmx: the people of the report filter whose name holds `q`, a page at a time (an admin's
    filter lists nobody: the company's staff are found by name; issue 19)."""
    chosen = NameSearchForm(request.GET).values()
    return people_page(request, report_people(request.user), q=chosen["q"], page=chosen["page"],
                       url_name="reports:manager-options")


def target_people_options(request):
    """htmx: whom the user may set a target for (target_people) whose name holds `q`, a page at a
    time: an admin's target form, which lists nobody (issue 19)."""
    if not permissions.can_set_targets(request.user):
        raise PermissionDenied
    chosen = NameSearchForm(request.GET).values()
    return people_page(request, target_people(request.user), q=chosen["q"], page=chosen["page"],
                       url_name="reports:target-people-options")


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


def in_currency(label):
    """An export's money column names its currency: the figures are numbers, converted (core/money.py)."""
    return f"{label} ({reporting_currency()})"


def _export(request, name, header, rows):
    wanted = export_format(request)
    return export_response(request, wanted, name, header, rows) if wanted else None


@reads_query(ReportFilterForm, ConcentrationForm)
def concentration(request):
    """K-54: revenue concentration over the period."""
    form, values, scope = _filters(request)
    top_percent = _extra(request, ConcentrationForm)["top"]
    result = analytics.revenue_concentration(scope, start=values["start"], end=values["end"],
                                             today=timezone.localdate(), top_percent=top_percent)
    header = [_("Rank"), _("Account"), in_currency(_("Revenue")), _("Cumulative share (%)")]
    rows = [(n, name, amount, round(share, 1)) for n, name, _pk, amount, share in result.top]
    if export := _export(request, "revenue-concentration", header, rows):
        return export
    return render(request, "reports/concentration.html", {
        "form": form, "result": result, "top_percent": top_percent, "line": charts.polyline(result.curve),
        "ticks": charts.PERCENT_TICKS, "pareto_table": charts.pareto_table(result.curve),
        "title": _("Revenue concentration"), "money_note": True,
    })


@reads_query(ReportFilterForm, ConversionForm)
def conversion(request):
    """K-51: touches followed within N days by a step of the account's pipeline (an opportunity
    created, advanced or won), by tier and channel; `?measure=orders` the order-based view of before."""
    form, values, scope = _filters(request)
    extra = _extra(request, ConversionForm)
    within, measure = extra["within"], extra["measure"] or analytics.PIPELINE
    rows = analytics.conversion(scope, start=values["start"], end=values["end"], now=timezone.now(),
                                within_days=within, measure=measure)
    channels = dict(Visit.Channel.choices)
    table = [(tier or _("Not tiered"), channels.get(channel, channel), touches, converted,
              round(converted * 100 / touches, 1) if touches else 0) for tier, channel, touches, converted in rows]
    followed = _("Followed by a step of the pipeline") if measure == analytics.PIPELINE else _("Followed by an order")
    header = [_("Tier"), _("Channel"), _("Touches"), followed, _("Conversion (%)")]
    if export := _export(request, "conversion" if measure == analytics.PIPELINE else "conversion-orders",
                         header, table):
        return export
    return render(request, "reports/conversion.html", {
        "form": form, "table": table, "within": within, "measure": measure, "followed": followed,
        "title": _("Conversion by tier and channel"),
        "chart": charts.bar_chart(((f"{tier} · {channel}", rate) for tier, channel, _t, _c, rate in table), unit="%"),
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
    table = [(r.manager, r.cadence_rate, r.care_rate, r.issue_rate, str(r.sign_off_label), bool(r.late)) for r in rows]
    if export := _export(request, f"evaluation-{month:%Y-%m}", header, table):
        return export
    return render(request, "reports/evaluation.html", {
        "form": form, "rows": rows, "month": month, "months": months, "title": _("Monthly evaluation per manager"),
        "chart": charts.bar_chart(((r.manager, r.cadence_rate or 0) for r in rows), unit="%"),
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
    if export_format(request):  # only an export writes every account's row (an admin's scope is all of them)
        return _value_export(request, scope, today=today, years=years)
    summary = analytics.value_summary(scope, today=today, years=years)
    churn = [(f"{quarter:%Y}-Q{(quarter.month - 1) // 3 + 1}", start_n, lost,
              round(lost * 100 / start_n, 1) if start_n else 0)
             for quarter, start_n, lost in analytics.churn_by_quarter(scope, start=values["start"], end=today)]
    breakdown = churn_breakdown(scope, start=values["start"], end=values["end"])
    losses = loss_breakdown(scope, start=values["start"], end=values["end"])
    return render(request, "reports/value.html", {
        "form": form, "title": _("Customer value and churn"), "money_note": True, "years": years,
        "tiers": summary.tiers, "churn": churn, "risky": summary.risky, "risk_labels": RISK_LABELS,
        "top": summary.top,
        "clv_chart": charts.bar_chart((tier, float(avg)) for tier, avg, _n in summary.tiers),
        "churn_chart": charts.bar_chart(((label, rate) for label, _s, _l, rate in churn), unit="%"),
        "breakdown": breakdown, "losses": losses, "start": values["start"], "end": values["end"],
        "reason_chart": charts.bar_chart(((s.label, s.lost) for s in breakdown.by_reason), whole=True),
    })


def _value_export(request, scope, *, today, years):
    accounts = analytics.account_values(scope, today=today)
    risky = analytics.at_risk(accounts, scope)
    header = [_("Account"), _("Tier"), in_currency(_("Orders to date")), in_currency(_("Last 12 months")),
              _("Change (%)"), in_currency(_("Lifetime value")), _("At risk because")]
    labels = {code: str(label) for code, label in RISK_LABELS.items()}
    reasons = {a.id: ", ".join(labels[code] for code, _v in why) for a, why in risky}
    rows = ((a.name, a.tier, a.to_date, a.last12, a.change, a.clv(years), reasons.get(a.id, ""))
            for a in sorted(accounts, key=lambda a: -a.clv(years)))
    return _export(request, "customer-value", header, rows)


OPERATING_PAGE = 50


@reads_query(ReportFilterForm, PageForm)
def operating(request):
    """K-54: each account's revenue and its change, potential, competitors and open issues."""
    form, values, scope = _filters(request)
    page = _extra(request, PageForm)["page"]
    export = request.GET.get("format") in ("csv", "xlsx")
    limit, offset = (100_000, 0) if export else (OPERATING_PAGE + 1, (page - 1) * OPERATING_PAGE)
    rows = analytics.operating(scope, now=timezone.now(), limit=limit, offset=offset)
    header = [_("Account"), _("Tier"), _("Potential"), in_currency(_("Last 12 months")),
              in_currency(_("The 12 before")), _("Change (%)"), _("Competitors"), _("Open issues"),
              _("Overdue issues")]
    table = [(r.name, r.tier, r.potential, r.last12, r.prev12, r.change, r.competitors, r.open_issues,
              r.overdue_issues) for r in rows]
    if response := _export(request, "account-operations", header, table):
        return response
    return render(request, "reports/operating.html", {
        "form": form, "title": _("Account operating analysis"), "money_note": True, "rows": rows[:OPERATING_PAGE],
        "page": page,
        "has_next": len(rows) > OPERATING_PAGE,
    })


GROUPS_PAGE = 25
MEMBERS_PAGE = 50


def group_header():
    return [_("Group"), _("Subsidiaries"), _("Visits"), _("Cadence kept"), _("Kept to a cadence"),
            _("Cadence kept (%)"), _("Role coverage (%)"), _("All four roles known"), _("In danger")]


def member_header():
    return [_("Account"), _("Visits"), _("Cadence kept"), _("Buyer roles filled (of 4)"), _("Danger score")]


def _groups_in(scope):
    from django.db.models.expressions import RawSQL

    return (Account.objects.filter(kind=Account.Kind.GROUP, parent__isnull=True,
                                   pk__in=RawSQL(scope.account_ids_sql, scope.params))
            .select_related("owner").order_by("name", "pk"))


@reads_query(ReportFilterForm, PageForm)
def group_list(request):
    """K-07: each group account with its work rolled up over its subsidiaries."""
    form, values, scope = _filters(request)
    if request.GET.get("format") in ("csv", "xlsx"):
        rollups = groups.group_rollups(_groups_in(scope), start=values["start"], end=values["end"])
        return _export(request, "group-accounts", group_header(), [
            (r.group.name, r.subsidiaries, r.visits, r.cadence_kept, r.with_cadence, r.cadence_rate, r.role_coverage,
             r.full_coverage, r.in_danger) for r in rollups])
    page = Paginator(_groups_in(scope), GROUPS_PAGE).get_page(_extra(request, PageForm)["page"])
    return render(request, "reports/groups.html", {
        "form": form, "title": _("Group accounts"), "page_obj": page, "start": values["start"], "end": values["end"],
        "rollups": groups.group_rollups(page.object_list, start=values["start"], end=values["end"]),
    })


@reads_query(PeriodForm, PageForm)
def group_detail(request, pk):
    """K-07: one group's figures, and each of its accounts' beside them, over a period."""
    group = get_object_or_404(Account.objects.visible_to(request.user).filter(kind=Account.Kind.GROUP), pk=pk)
    form = PeriodForm(request.GET or None, user=request.user)
    values = form.values()
    rollup = groups.group_rollups([group], start=values["start"], end=values["end"])[0]
    if export := _export(request, f"group-{group.pk}", member_header(), [
            (m.account.name, m.visits, "" if m.kept is None else m.kept, m.roles, m.danger_score)
            for m in rollup.members]):
        return export
    page = Paginator(rollup.members, MEMBERS_PAGE).get_page(_extra(request, PageForm)["page"])
    return render(request, "reports/group_detail.html", {
        "form": form, "title": _("Group %(name)s") % {"name": group.name}, "group": group, "rollup": rollup,
        "page_obj": page, "members": page.object_list, "start": values["start"], "end": values["end"],
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
    visible = (Target.objects.visible_to(request.user).filter(month=month)
               .select_related("team", "tier", "manager", "act_by").order_by("metric", "team__name", "pk"))
    progress = analytics.target_progress(list(visible), analytics.scope(request.user), month=month,
                                         now=timezone.now())
    return render(request, "reports/targets.html", {
        "title": _("Targets (plan–do–check–act)"), "money_note": True, "month": month, "months": months, "form": form,
        "can_set": permissions.can_set_targets(request.user),
        "rows": [(p, charts.progress_chart(p.weeks, p.expected), permissions.can_record_act(request.user, p.target))
                 for p in progress],
    })


def target_act(request, pk):
    """The month's corrective action on a target (K-53's "act"), once its progress is checked."""
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("team", "tier", "manager"),
                               pk=pk)
    if not permissions.can_record_act(request.user, target):
        raise PermissionDenied
    form = ActForm(request.POST or None, instance=target)
    back = f"{reverse('reports:targets')}?month={target.month:%Y-%m}"
    if saved := submit_form(request, form, lambda data: services.target_act_record(target=target, by=request.user,
                                                                                    **data),
                            success=_("Corrective action recorded."), redirect_to=back):
        return saved
    return form_page(request, form, cancel_url=back, title=_("Act: %(target)s") % {"target": target},
                     intro=_("Check the month's progress on the targets page, then write what will be done "
                             "differently."))


@require_POST
def target_delete(request, pk):
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("team"), pk=pk)
    if not permissions.can_delete_target(request.user, target):
        raise PermissionDenied
    return run_service(request, services.target_delete, target=target, by=request.user,
                       success=_("Target removed."),
                       redirect_to=f"{reverse('reports:targets')}?month={target.month:%Y-%m}")
