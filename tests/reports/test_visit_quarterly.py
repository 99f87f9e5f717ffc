"""K-23: the quarterly visit report per team and manager, with CSV/XLSX export."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import safe_cell
from tests.factories import AccountFactory
from visits.models import CustomerIssue
from visits.services import issue_follow_up, monthly_log_approve, monthly_log_submit, visit_log

pytestmark = pytest.mark.django_db


def log(manager, account, when, channel="on_site", issues=()):
    return visit_log(account=account, by=manager, occurred_at=when, channel=channel, purpose="Review",
                     summary="Talked", issues=list(issues))


@pytest.fixture
def quarter_data(manager, teammate, supervisor):
    account = AccountFactory(owner=manager, kind="strategic")
    other = AccountFactory(owner=teammate, kind="important")
    oct_ = timezone.make_aware(datetime(2026, 10, 12, 10, 0))
    log(manager, account, oct_, "on_site")
    log(manager, account, oct_ + timedelta(days=1), "wechat")
    first = log(manager, account, oct_ + timedelta(days=2), "phone",
                [{"kind": "complaint", "description": "Late delivery"}])
    log(teammate, other, oct_, "email",
        [{"kind": "request", "description": "Price list"}])
    issue = first.issues.get()
    issue_follow_up(issue=issue, by=manager, status="informed", resolution="Re-shipped")
    CustomerIssue.objects.filter(pk=issue.pk).update(informed_at=issue.due_at - timedelta(hours=1))
    month = monthly_log_submit(author=manager, month=oct_.date().replace(day=1), by=manager)
    monthly_log_approve(log=month, by=supervisor, overall_comment="Solid month.")
    log(manager, account, timezone.make_aware(datetime(2026, 7, 1, 10, 0)))  # Q3: not counted
    return account


def rows_by_name(page):
    return {row.manager.username: row for row in page.context["rows"]}


def test_k23_supervisor_sees_each_managers_visits_by_channel_and_kind(client, supervisor, quarter_data):
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"})
    rows = rows_by_name(page)
    assert rows["li"].visits == 3 and rows["li"].by_channel == {"on_site": 1, "wechat": 1, "phone": 1}
    assert rows["li"].by_kind == {"strategic": 3}
    assert rows["chen"].by_channel == {"email": 1}
    assert page.context["total"].visits == 4


def test_k23_issues_are_counted_as_on_time_late_or_open(client, supervisor, quarter_data):
    client.force_login(supervisor)
    rows = rows_by_name(client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"}))
    assert (rows["li"].issues, rows["li"].on_time, rows["li"].late, rows["li"].open) == (1, 1, 0, 0)
    assert (rows["chen"].issues, rows["chen"].open) == (1, 1)


def test_k23_the_supervisors_overall_comment_is_in_the_report(client, supervisor, quarter_data):
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"})
    assert "Solid month." in page.content.decode()


def test_k23_a_manager_sees_only_their_own_row_and_an_outsider_none_of_ours(client, manager, outsider,
                                                                              quarter_data):
    client.force_login(manager)
    assert list(rows_by_name(client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"}))) == ["li"]
    client.force_login(outsider)
    assert "li" not in rows_by_name(client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"}))


def test_k23_csv_and_xlsx_exports_carry_the_same_table(client, supervisor, quarter_data):
    client.force_login(supervisor)
    response = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["Manager", "Team", "Visits"] and table[-1][0] == "Total" and table[-1][2] == "4"
    response = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))][:3] == ["Manager", "Team", "Visits"]


def test_exports_escape_cells_a_spreadsheet_would_run():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(v) for v in ("+1", "-2", "@SUM(A1)", "plain", 42)] == ["'+1", "'-2", "'@SUM(A1)", "plain", 42]
    # Spreadsheets skip leading blanks before a formula (issue 15.6).
    assert [safe_cell(v) for v in (" =1+1", "\n=cmd", "  @A1", " plain")] == ["' =1+1", "'\n=cmd", "'  @A1", " plain"]


def test_k23_report_costs_a_fixed_number_of_queries(client, supervisor, quarter_data, manager,
                                                    django_assert_max_num_queries):
    account = quarter_data
    for n in range(20):
        log(manager, account, timezone.make_aware(datetime(2026, 11, 3, 9, 0)) + timedelta(hours=n))
    client.force_login(supervisor)
    # session, user, teams, team choice, managers, every count per manager in one statement (by
    # channel, kind and tier, issues, comments, overall comments: six before issue 19), the tiers
    # for the columns, and the session's sliding expiry (3); the previous quarter's totals (one,
    # was three), the issues raised: count and page (2), the teams and their analyses (2)
    with django_assert_max_num_queries(15):
        client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"})


def test_k23_visits_are_counted_by_their_accounts_tier(client, supervisor, quarter_data, default_tiers):
    from tiering.models import AccountTier, Tier

    AccountTier.objects.create(account=quarter_data, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"})
    rows = rows_by_name(page)
    assert rows["li"].by_tier == {"A": 3}
    assert rows["chen"].by_tier == {"": 1}  # chen's account has no tier yet
    response = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4", "format": "csv"})
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert "A · Strategic 战略级" in header
