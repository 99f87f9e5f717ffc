"""K-09: the annual account plan — goals with measures, twelve months of planned
visits, actions with owners, monthly review, supervisor approval, next year's plan."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import AccountPlan, PlanGoal, PlannedVisit
from tests.clock import DAY
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]

YEAR = DAY.year



@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Haier", relationship_style="price_sensitive")


@pytest.fixture
def plan(account, manager):
    return services.plan_create(account=account, by=manager, year=YEAR, vision="Become their MES partner")


def twelve_months(plan):
    return [{"month": m, "planned_on": m.replace(day=10), "topics": f"Topic {m.month}", "roles": ["coach"]}
            for m in plan.months()]


def test_k09_a_manager_drafts_a_plan_with_goals_and_twelve_months_of_visits(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("plans:account-plan", args=[account.pk]), {"year": YEAR, "vision": "Grow"})
    plan = AccountPlan.objects.get(account=account)
    assert response.url == plan.get_absolute_url() and plan.status == "draft"

    client.post(reverse("plans:goal-add", args=[plan.pk]),
                {"kind": "revenue", "title": "Revenue", "target_amount": "1000000"})
    data = {"form-TOTAL_FORMS": "12", "form-INITIAL_FORMS": "0"}
    for i, month in enumerate(plan.months()):
        data |= {f"form-{i}-month": month.isoformat(), f"form-{i}-topics": f"Topic {i}",
                 f"form-{i}-roles": ["decision_maker", "coach"]}
    assert client.post(reverse("plans:schedule", args=[plan.pk]), data).status_code == 302

    assert plan.goals.get().target_amount == Decimal("1000000")
    assert sorted(PlannedVisit.objects.filter(plan=plan).values_list("month", flat=True)) == plan.months()
    assert PlannedVisit.objects.filter(plan=plan, roles=["decision_maker", "coach"]).count() == 12


def test_k09_the_plan_page_redirects_to_this_year_s_plan(client, manager, plan):
    client.force_login(manager)
    assert client.get(reverse("plans:account-plan", args=[plan.account_id])).url == plan.get_absolute_url()


def test_k09_a_goal_without_a_measure_gets_its_message_next_to_the_field(client, manager, plan):
    client.force_login(manager)
    page = client.post(reverse("plans:goal-add", args=[plan.pk]), {"kind": "other", "title": "Be loved"})
    assert page.status_code == 200
    assert "A goal without a measure cannot be checked" in str(page.context["form"].errors["target_text"])
    page = client.post(reverse("plans:goal-add", args=[plan.pk]), {"kind": "revenue", "title": "More"})
    assert "target amount" in str(page.context["form"].errors["target_amount"])
    assert not plan.goals.exists()


def test_k09_the_database_refuses_a_goal_without_its_measure(plan):
    with pytest.raises(ValidationError):
        PlanGoal(plan=plan, kind="coverage", title="Roles").full_clean()


def test_k09_dates_outside_the_plan_year_are_refused_next_to_the_field(client, manager, plan):
    client.force_login(manager)
    page = client.post(reverse("plans:action-add", args=[plan.pk]),
                       {"title": "Workshop", "owner": manager.pk, "due_on": f"{YEAR + 1}-01-15"})
    assert f"Pick a date in {YEAR}" in str(page.context["form"].errors["due_on"])
    page = client.post(reverse("plans:goal-add", args=[plan.pk]),
                       {"kind": "coverage", "title": "Roles", "target_count": 4, "due_on": f"{YEAR - 1}-12-31"})
    assert f"Pick a date in {YEAR}" in str(page.context["form"].errors["due_on"])


def test_k09_an_action_without_an_owner_is_refused_with_a_clear_message(client, manager, plan):
    client.force_login(manager)
    page = client.post(reverse("plans:action-add", args=[plan.pk]), {"title": "Workshop", "due_on": f"{YEAR}-05-01"})
    assert "Every action needs an owner" in str(page.context["form"].errors["owner"])
    assert not plan.actions.exists()


def test_k09_a_schedule_date_in_the_wrong_month_is_refused_on_its_row(client, manager, plan):
    client.force_login(manager)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-month": f"{YEAR}-03-01",
            "form-0-planned_on": f"{YEAR}-04-02", "form-0-topics": "Pricing"}
    page = client.post(reverse("plans:schedule", args=[plan.pk]), data)
    assert page.status_code == 200
    assert f"Pick a date in {YEAR}-03" in str(page.context["formset"][0].errors["planned_on"])
    assert not PlannedVisit.objects.exists()


def test_k09_the_supervisor_approves_and_a_later_change_makes_it_a_draft_again(client, manager, supervisor, plan):
    services.goal_save(plan=plan, by=manager, kind="coverage", title="All four roles", target_count=4)
    client.force_login(manager)
    client.post(reverse("plans:approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "draft"  # a manager does not approve their own plan

    client.force_login(supervisor)
    client.post(reverse("plans:approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("approved", supervisor)

    services.goal_save(plan=plan, by=manager, kind="revenue", title="Revenue", target_amount=Decimal(5))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("draft", None)


def test_k09_an_empty_plan_is_not_approved(supervisor, plan):
    with pytest.raises(ValidationError, match="at least one measurable goal"):
        services.plan_approve(plan=plan, by=supervisor)


def test_k09_plan_against_actual_counts_planned_and_logged_visits_per_month(client, manager, plan, account):
    services.plan_schedule(plan=plan, by=manager, rows=twelve_months(plan))
    this_month = timezone.localdate().replace(day=1)
    visit = visit_log(account=account, by=manager, channel="on_site", purpose="Kick-off", summary="s")
    planned = PlannedVisit.objects.get(plan=plan, month=this_month)
    client.force_login(manager)
    client.post(reverse("plans:link", args=[planned.pk]), {"visit": visit.pk})

    page = client.get(plan.get_absolute_url())
    row = next(m for m in page.context["months"] if m.month == this_month)
    assert (len(row.planned), row.logged, row.held) == (1, 1, 1)
    assert page.context["summary"]["held"] == 1


def test_k09_goals_stand_beside_today_s_figures(manager, plan, account):
    OrderFactory(account=account, signed_on=date(YEAR, 1, 5), amount=Decimal("600"))
    OrderFactory(account=account, signed_on=date(YEAR - 1, 12, 31), amount=Decimal("999"))
    BuyerRoleFactory(contact=ContactFactory(account=account), role="coach")
    services.goal_save(plan=plan, by=manager, kind="revenue", title="Revenue", target_amount=Decimal(500))
    services.goal_save(plan=plan, by=manager, kind="coverage", title="Roles", target_count=3)
    services.goal_save(plan=plan, by=manager, kind="relationship", title="Closer", target_style="personalised")
    from plans.selectors import goal_rows, plan_months

    rows = {r.goal.kind: r for r in goal_rows(plan, plan_months(plan))}
    assert (rows["revenue"].actual, rows["revenue"].reached) == ("¥600.00", True)  # with its currency
    assert (rows["coverage"].actual, rows["coverage"].reached) == ("1 / 4", False)
    assert rows["relationship"].reached is False


def test_k09_a_month_to_come_has_no_actual_yet(manager, plan, account):
    """Issue 16 (accounts.metrics): an order dated after today is not revenue yet, in the plan as on
    every page; the revenue goal stands at what has been signed."""
    from plans.selectors import goal_rows, plan_months

    OrderFactory(account=account, signed_on=DAY, amount=Decimal("600"))
    OrderFactory(account=account, signed_on=date(YEAR, 11, 20), amount=Decimal("5000"))
    services.goal_save(plan=plan, by=manager, kind="revenue", title="Revenue", target_amount=Decimal(1000))
    months = plan_months(plan)
    assert {row.month.month: row.orders for row in months if row.orders} == {DAY.month: Decimal("600")}
    assert goal_rows(plan, months)[0].actual == "¥600.00"


def test_k09_the_monthly_review_note_is_kept_per_month(client, manager, plan):
    client.force_login(manager)
    month = timezone.localdate().replace(day=1)
    client.post(reverse("plans:review", args=[plan.pk]), {"month": month.isoformat(), "note": "Behind on visits"})
    client.post(reverse("plans:review", args=[plan.pk]), {"month": month.isoformat(), "note": "Caught up"})
    assert list(plan.reviews.values_list("month", "note")) == [(month, "Caught up")]


def test_k09_next_year_s_plan_starts_from_this_year_s(manager, plan):
    services.goal_save(plan=plan, by=manager, kind="coverage", title="Roles", target_count=4,
                       due_on=date(YEAR, 6, 30))
    services.plan_schedule(plan=plan, by=manager, rows=twelve_months(plan)[:2])
    services.action_save(plan=plan, by=manager, title="Workshop", owner=manager, due_on=date(YEAR, 3, 1))
    new = services.plan_copy_to_next_year(plan=plan, by=manager)
    assert (new.year, new.status, new.vision, new.copied_from) == (YEAR + 1, "draft", plan.vision, plan)
    assert new.goals.get().due_on == date(YEAR + 1, 6, 30)
    assert [p.month for p in new.planned_visits.all()] == [date(YEAR + 1, 1, 1), date(YEAR + 1, 2, 1)]
    assert new.actions.get().done_on is None
    with pytest.raises(ValidationError):
        services.plan_copy_to_next_year(plan=plan, by=manager)


def test_k09_only_the_account_team_their_supervisor_and_admins_see_a_plan(client, plan, manager, teammate,
                                                                         supervisor, admin, outsider):
    url = plan.get_absolute_url()
    for user, status in ((manager, 200), (supervisor, 200), (admin, 200), (teammate, 404), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(reverse("plans:print", args=[plan.pk])).status_code == status, user


def test_k09_a_teammate_cannot_plan_for_li_s_account(teammate, account):
    with pytest.raises(PermissionDenied):
        services.plan_create(account=account, by=teammate, year=YEAR, vision="Mine")


def filled_plan(plan, manager, n):
    """A plan with n of everything the plan page shows."""
    for i in range(n):
        services.goal_save(plan=plan, by=manager, kind="revenue", title=f"G{i}", target_amount=Decimal(i + 1))
        services.action_save(plan=plan, by=manager, title=f"A{i}", owner=manager, due_on=date(YEAR, i % 12 + 1, 1))
        services.plan_review_note(plan=plan, by=manager, month=date(YEAR, i % 12 + 1, 1), note="ok")
        OrderFactory(account=plan.account, signed_on=date(YEAR, i % 12 + 1, 2))
        visit_log(account=plan.account, by=manager, channel="phone", purpose="p", summary="s")
    services.plan_schedule(plan=plan, by=manager, rows=twelve_months(plan)[:n] * 2)
    services.goal_save(plan=plan, by=manager, kind="product", title="MES", target_text="MES")
    services.goal_save(plan=plan, by=manager, kind="coverage", title="Roles", target_count=4)


@pytest.mark.parametrize("n", [1, 8])
def test_k09_the_plan_page_and_print_view_have_fixed_query_counts(client, manager, plan, n,
                                                                 django_assert_max_num_queries):
    filled_plan(plan, manager, n)
    client.force_login(manager)
    # 5 per request (session, user, sliding expiry); plan with account, owner's team and approver;
    # planned visits, their questions, logged visits per month, orders per month, actions, reviews,
    # goals, product map, covered roles, other years; the bell's unread COUNT; the files panel's one query (issue 23)
    with django_assert_max_num_queries(18):
        assert client.get(plan.get_absolute_url()).status_code == 200
    # the same without other years
    with django_assert_max_num_queries(15):
        assert client.get(reverse("plans:print", args=[plan.pk])).status_code == 200


def test_k09_annual_plans_are_for_key_accounts(manager):
    with pytest.raises(ValidationError, match="for key accounts"):
        services.plan_create(account=AccountFactory(owner=manager, kind="standard"), by=manager, year=YEAR,
                             vision="v")


@pytest.mark.parametrize("n", [1, 12])
def test_k09_the_plan_list_shows_drafts_to_approve_at_a_fixed_query_count(client, supervisor, manager, n,
                                                                        django_assert_max_num_queries):
    for _i in range(n):
        plan = services.plan_create(account=AccountFactory(owner=manager), by=manager, year=YEAR, vision="v")
        services.plan_schedule(plan=plan, by=manager, rows=twelve_months(plan)[:2])
    client.force_login(supervisor)
    # 5 per request; count, one page of plans with account, owner and approver; the bell
    with django_assert_max_num_queries(8):
        page = client.get(reverse("plans:list") + "?status=draft")
    assert len(page.context["plans"]) == n and page.context["plans"][0].planned == 2
