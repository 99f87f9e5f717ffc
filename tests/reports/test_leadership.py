"""Leadership reports (issue 16 item 7): the quarterly visit report with each issue, the
previous quarter and the supervisor's analysis (K-23); group accounts rolled up (K-07);
targets per manager with the month's corrective action (K-53)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import QuarterlyAnalysis, Target
from tests.clock import DAY
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, DepartmentFactory
from visits.models import CustomerIssue
from visits.services import issue_follow_up, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # 2026-03-18, Q1


def log(manager, account, when, channel="on_site", issues=()):
    return visit_log(account=account, by=manager, occurred_at=when, channel=channel, purpose="Review",
                     summary="Talked", issues=list(issues))


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


@pytest.fixture
def two_quarters(manager, teammate):
    """li: three visits in 2026-Q1 (one raising a complaint answered in time, one a request still
    open), one in 2025-Q4; chen: one visit in Q1."""
    account = AccountFactory(owner=manager, name="Haier Qingdao")
    complaint = log(manager, account, at(2026, 1, 12), "on_site",
                    [{"kind": "complaint", "description": "Late delivery of line 3"}])
    log(manager, account, at(2026, 2, 3), "wechat",
        [{"kind": "request", "description": "Price list for 2027"}])
    log(manager, account, at(2026, 3, 2), "phone")
    log(manager, account, at(2025, 11, 5), "on_site")
    log(teammate, AccountFactory(owner=teammate), at(2026, 1, 20), "email")
    issue = complaint.issues.get()
    issue_follow_up(issue=issue, by=manager, status="informed", resolution="Re-shipped by air")
    # handled by the logistics department (issue 21), reported back before its deadline
    CustomerIssue.objects.filter(pk=issue.pk).update(informed_at=issue.due_at - timedelta(hours=2),
                                                     department=DepartmentFactory(code="logistics"),
                                                     routed_at=issue.created_at)
    return account


# --- K-23: each issue, the previous quarter, the supervisor's analysis -----------------------------

def test_k23_the_report_lists_each_issue_with_its_handling_and_timing(client, supervisor, two_quarters):
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1"})
    issues = list(page.context["issues"])
    assert [i.description for i in issues] == ["Late delivery of line 3", "Price list for 2027"]
    html = page.content.decode()
    assert "Re-shipped by air" in html and "Logistics" in html
    assert "on time" in html and "open, not yet due" in html  # the request's 72 h run from when it was logged


def test_k23_the_list_of_issues_is_paginated(client, supervisor, manager, two_quarters):
    for n in range(26):
        log(manager, two_quarters, at(2026, 3, 3) + timedelta(minutes=n),
            issues=[{"kind": "suggestion", "description": f"Idea {n}"}])
    client.force_login(supervisor)
    first = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1"}).context["issues"]
    second = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1", "page": 2}).context["issues"]
    assert first.paginator.count == 28 and len(first) == 25 and len(second) == 3


def test_k23_the_quarter_is_compared_with_the_one_before(client, supervisor, two_quarters):
    client.force_login(supervisor)
    changes = {str(c.label): c for c in client.get(reverse("visit-quarterly"),
                                                   {"quarter": "2026-Q1"}).context["changes"]}
    visits = changes["Visits"]
    assert (visits.now, visits.before, visits.delta, visits.percent) == (4, 1, 3, 300)
    assert (changes["Issues raised"].now, changes["Issues raised"].before) == (2, 0)
    assert changes["Issues raised"].percent is None  # nothing to compare with
    assert (changes["Visits: On-site visit"].now, changes["Visits: On-site visit"].before) == (1, 1)


def test_k23_the_supervisor_writes_the_analysis_and_it_is_in_the_report(client, supervisor, team, two_quarters):
    url = reverse("reports:quarterly-analysis", args=[team.pk, 2026, 1])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Complaints answered in time; the price request slipped."})
    assert response.status_code == 302
    client.post(url, {"text": "Rewritten after the review meeting."})  # written again: the same row
    analysis = QuarterlyAnalysis.objects.get()
    assert (analysis.team, analysis.year, analysis.quarter, analysis.written_by) == (team, 2026, 1, supervisor)
    html = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1"}).content.decode()
    assert "Rewritten after the review meeting." in html


def test_k23_an_empty_analysis_is_refused_next_to_the_field(client, supervisor, team):
    client.force_login(supervisor)
    page = client.post(reverse("reports:quarterly-analysis", args=[team.pk, 2026, 1]), {"text": "   "})
    assert page.status_code == 200 and "text" in page.context["form"].errors
    assert not QuarterlyAnalysis.objects.exists()


def test_k23_a_manager_reads_the_analysis_but_cannot_write_it(client, manager, supervisor, team, two_quarters):
    QuarterlyAnalysis.objects.create(team=team, year=2026, quarter=1, text="Wang's view.", written_by=supervisor)
    client.force_login(manager)
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1"})
    assert "Wang&#x27;s view." in page.content.decode()
    assert page.context["analyses"][0][2] is False  # no "edit" button for li
    url = reverse("reports:quarterly-analysis", args=[team.pk, 2026, 1])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Mine now"}).status_code == 403
    assert QuarterlyAnalysis.objects.get().text == "Wang's view."


def test_k23_another_teams_report_is_not_there_for_its_supervisor(client, other_team, team, supervisor):
    QuarterlyAnalysis.objects.create(team=team, year=2026, quarter=1, text="Internal.", written_by=supervisor)
    client.force_login(other_team.supervisor)
    url = reverse("reports:quarterly-analysis", args=[team.pk, 2026, 1])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Ours"}).status_code == 404
    page = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1", "team": team.pk})
    assert "Internal." not in page.content.decode()
    assert QuarterlyAnalysis.objects.get().text == "Internal."


def test_k23_an_admin_may_correct_a_teams_analysis(client, admin, team):
    client.force_login(admin)
    assert client.post(reverse("reports:quarterly-analysis", args=[team.pk, 2026, 1]),
                       {"text": "Corrected figures."}).status_code == 302
    assert QuarterlyAnalysis.objects.get().written_by == admin


@pytest.mark.parametrize("year, quarter", [(2026, 5), (2026, 0), (1999, 1)])
def test_k23_a_quarter_that_does_not_exist_is_not_found(client, supervisor, team, year, quarter):
    client.force_login(supervisor)
    assert client.get(reverse("reports:quarterly-analysis", args=[team.pk, year, quarter])).status_code == 404


def test_k23_the_report_prints(client, supervisor, two_quarters):
    from django.contrib.staticfiles import finders

    client.force_login(supervisor)
    html = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q1"}).content.decode()
    assert 'class="report-print"' in html and "js-print" in html and "print-only" in html
    with open(finders.find("css/app.css"), encoding="utf-8") as css:
        assert ".report-print { font-size: 9pt; }" in css.read()


# --- K-07: group accounts roll up visits, cadence, roles and dangers --------------------------------

@pytest.fixture
def group(manager, default_tiers):
    from tiering.models import AccountTier, Tier

    group = AccountFactory(owner=manager, kind="group", name="Haier Group")
    plant = AccountFactory(owner=manager, parent=group, name="Haier Qingdao")
    shop = AccountFactory(owner=manager, parent=plant, name="Haier Qingdao Shop")  # two levels down
    for account in (group, plant, shop):
        AccountTier.objects.create(account=account, tier=Tier.objects.get(code="C"),
                                   set_at=timezone.now() - timedelta(days=60))
    log(manager, plant, at(2026, 3, 10), "email")
    log(manager, shop, at(2026, 3, 11), "on_site")
    log(manager, shop, at(2025, 1, 11), "on_site")  # outside the period
    for role in ("decision_maker", "gatekeeper", "user", "coach"):
        BuyerRoleFactory(contact=ContactFactory(account=plant), role=role, influence=3, contact_level=3)
    BuyerRoleFactory(contact=ContactFactory(account=group), role="decision_maker", influence=5, contact_level=1)
    return group


def test_k07_a_group_rolls_up_its_subsidiaries_work(client, supervisor, group):
    client.force_login(supervisor)
    page = client.get(reverse("reports:groups"), {"start": "2026-01-01", "end": "2026-03-18"})
    (rollup,) = page.context["rollups"]
    assert rollup.group == group and rollup.subsidiaries == 2
    assert rollup.visits == 2
    assert (rollup.roles_filled, rollup.role_coverage, rollup.full_coverage) == (5, 42, 1)  # 5 of 12
    # the group: no role but the decision-maker, who is a danger zone; the shop: nobody known
    assert rollup.in_danger == 2
    members = {m.account.name: m for m in rollup.members}
    assert members["Haier Qingdao"].kept is True  # an e-mail this month keeps a C account's cadence
    assert members["Haier Group"].kept is False and members["Haier Qingdao Shop"].kept is False  # no e-mail
    assert (rollup.cadence_kept, rollup.with_cadence, rollup.cadence_rate) == (1, 3, 33)


def test_k07_the_group_page_lists_each_account_beside_the_totals(client, supervisor, group):
    client.force_login(supervisor)
    page = client.get(reverse("reports:group-detail", args=[group.pk]), {"start": "2026-01-01"})
    assert [m.account.name for m in page.context["members"]] == ["Haier Group", "Haier Qingdao",
                                                                  "Haier Qingdao Shop"]
    assert page.context["rollup"].visits == 2
    csv = b"".join(client.get(reverse("reports:group-detail", args=[group.pk]),
                              {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Haier Qingdao Shop" in csv


def test_k07_another_teams_group_is_not_there(client, outsider, group):
    client.force_login(outsider)
    assert client.get(reverse("reports:group-detail", args=[group.pk])).status_code == 404
    assert "Haier Group" not in client.get(reverse("reports:groups")).content.decode()


def test_k07_the_roll_up_costs_the_same_for_one_group_or_ten(client, supervisor, manager, group,
                                                             django_assert_max_num_queries):
    for n in range(9):
        other = AccountFactory(owner=manager, kind="group", name=f"Group {n}")
        AccountFactory(owner=manager, parent=other)
    client.force_login(supervisor)
    # session, user, the bell's count, sliding expiry (4); count and page of groups, the tree, the members
    # with their danger score, visits, roles, cadence (7); the filter form's teams, managers, tiers, ... (5)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("reports:groups"))
    assert len(page.context["rollups"]) == 10


# --- K-53: targets per manager and the month's act -----------------------------------------------

def test_k53_a_target_for_one_manager_counts_that_managers_work_only(client, supervisor, manager, teammate, team):
    first_day = at(DAY.year, DAY.month, 2)
    log(manager, AccountFactory(owner=manager), first_day)
    log(manager, AccountFactory(owner=manager), first_day + timedelta(days=1))
    log(teammate, AccountFactory(owner=teammate), first_day)
    client.force_login(supervisor)
    month = f"{DAY:%Y-%m}"
    response = client.post(reverse("reports:targets") + f"?month={month}",
                           {"metric": "visits", "team": team.pk, "manager": manager.pk, "value": "8"})
    assert response.status_code == 302
    client.post(reverse("reports:targets") + f"?month={month}", {"metric": "visits", "team": team.pk, "value": "20"})
    rows = client.get(reverse("reports:targets"), {"month": month}).context["rows"]
    by_scope = {(p.target.manager_id, p.target.team_id): p for p, _chart, _can in rows}
    assert by_scope[(manager.pk, team.pk)].actual == 2  # li's own
    assert by_scope[(None, team.pk)].actual == 3        # the whole team


def test_k53_a_managers_target_must_be_in_the_chosen_team(client, admin, manager, other_team):
    client.force_login(admin)
    page = client.post(reverse("reports:targets") + f"?month={DAY:%Y-%m}",
                       {"metric": "visits", "team": other_team.pk, "manager": manager.pk, "value": "8"})
    assert page.status_code == 200 and "manager" in page.context["form"].errors
    assert not Target.objects.exists()


def test_k53_the_supervisor_records_the_act_and_everyone_reads_it(client, supervisor, manager, team):
    target = Target.objects.create(month=DAY.replace(day=1), metric="visits", team=team, manager=manager,
                                   value=8, set_by=supervisor)
    client.force_login(supervisor)
    response = client.post(reverse("reports:target-act", args=[target.pk]),
                           {"act": "Two extra on-site visits to Haier in week 4."})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.act_by == supervisor and target.act_at is not None
    client.force_login(manager)
    html = client.get(reverse("reports:targets"), {"month": f"{DAY:%Y-%m}"}).content.decode()
    assert "Two extra on-site visits to Haier in week 4." in html


def test_k53_a_manager_cannot_record_the_act(client, supervisor, manager, team):
    target = Target.objects.create(month=DAY.replace(day=1), metric="visits", team=team, value=8,
                                   set_by=supervisor)
    client.force_login(manager)
    assert client.get(reverse("reports:target-act", args=[target.pk])).status_code == 403
    assert client.post(reverse("reports:target-act", args=[target.pk]), {"act": "x"}).status_code == 403
    target.refresh_from_db()
    assert target.act == ""


def test_k53_a_manager_reads_the_target_set_for_them(client, admin, manager):
    """A target set for li alone is li's to read, whoever set it."""
    target = Target.objects.create(month=DAY.replace(day=1), metric="visits", team=manager.team, manager=manager,
                                   value=8, set_by=admin)
    client.force_login(manager)
    rows = client.get(reverse("reports:targets"), {"month": f"{DAY:%Y-%m}"}).context["rows"]
    assert [p.target for p, _c, _a in rows] == [target]
