import re

from django.shortcuts import render
from django.utils import timezone

from accounts.models import Account
from config.exports import csv_response, xlsx_response
from reports import dashboards
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


def visit_quarterly(request):
    """The quarterly visit report (K-23): printable, and as CSV or XLSX."""
    year, quarter = current_quarter(timezone.localdate())
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", request.GET.get("quarter", "")):
        year, quarter = int(match[1]), int(match[2])
    teams = Team.objects.visible_to(request.user).order_by("name")
    team = teams.filter(pk=request.GET.get("team") or 0).first()
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
