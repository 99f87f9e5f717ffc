"""K-50: the start page is each role's to-do list, at a fixed query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from care.models import CareTask
from reports.models import JobRun
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory
from tiering.models import AccountTier, Tier
from visits.services import monthly_log_submit, visit_log

pytestmark = pytest.mark.django_db


def task(account, owner, days=0, **fields):
    return CareTask.objects.create(kind="custom", account=account, owner=owner, occasion=f"o{days}{fields}",
                                   title=fields.pop("title", "Send the price list"),
                                   due_on=timezone.localdate() + timedelta(days=days), **fields)


def old_tier(account, code="A", months=3):
    return AccountTier.objects.create(account=account, tier=Tier.objects.get(code=code),
                                      set_at=timezone.now() - timedelta(days=31 * months))


def test_k50_the_manager_sees_todays_care_overdue_cadence_dangers_and_reviews(client, manager, default_tiers):
    account = AccountFactory(name="东方电子", owner=manager, touches_since_review=4)
    old_tier(account)  # an A account never visited: overdue
    task(account, manager, title="Call 周总")
    task(account, manager, days=-2, title="Late one")
    client.force_login(manager)
    page = client.get(reverse("home"))
    context = page.context
    assert [t.display_title for t in context["care_today"]] == ["Late one", "Call 周总"]
    assert context["care_overdue"] == 1
    assert [a.name for a in context["cadence_overdue"]] == ["东方电子"] and context["cadence_by_tier"] == {"A": 1}
    assert [a.name for a in context["dangers"]] == ["东方电子"]  # no roles known at all
    assert [a.name for a in context["reviews_due"]] == ["东方电子"]
    assert "Log a visit" in page.content.decode()


def test_k50_a_visit_takes_the_account_off_the_overdue_list(client, manager, default_tiers):
    account = AccountFactory(owner=manager)
    old_tier(account)
    visit_log(account=account, by=manager, channel="on_site", purpose="Review", summary="Met")
    client.force_login(manager)
    assert client.get(reverse("home")).context["cadence_overdue"] == []


def test_k50_the_manager_sees_the_months_sign_off_state(client, manager):
    monthly_log_submit(author=manager, month=timezone.localdate().replace(day=1), by=manager)
    client.force_login(manager)
    assert client.get(reverse("home")).context["this_month"].status == "submitted"


def test_k50_an_outsiders_work_is_not_on_my_dashboard(client, manager, outsider):
    theirs = AccountFactory(owner=outsider, touches_since_review=9)
    task(theirs, outsider, title="Their task")
    client.force_login(manager)
    context = client.get(reverse("home")).context
    assert context["care_today"] == [] and context["reviews_due"] == [] and context["dangers"] == []


def test_k50_the_supervisor_sees_the_queue_people_issues_proposals_and_care(client, supervisor, manager,
                                                                          outsider, default_tiers):
    account = AccountFactory(owner=manager)
    old_tier(account)
    visit_log(account=account, by=manager, channel="phone", purpose="Call", summary="Called",
              issues=[{"kind": "complaint", "description": "Broken part", "department": "Service"}])
    monthly_log_submit(author=manager, month=timezone.localdate().replace(day=1), by=manager)
    done = task(account, manager, days=0, title="Done one")
    CareTask.objects.filter(pk=done.pk).update(status="done", done_at=timezone.now(), outcome="ok")
    task(account, manager, days=0, title="Open one")
    task(AccountFactory(owner=outsider), outsider, title="Not ours")
    client.force_login(supervisor)
    context = client.get(reverse("home")).context
    assert [log.author for log in context["sign_off_queue"]] == [manager]
    people = {person.username: (visits, overdue) for person, visits, overdue in context["people"]}
    assert people["li"] == (1, 1)  # a phone call is no on-site visit for an A account
    assert context["care"] == {"due": 2, "done": 1}
    assert [a.pk for a in context["dangers"]] == [account.pk]


def test_k50_the_admin_sees_tiers_rules_and_the_health_of_every_job(client, admin, manager, default_tiers):
    old_tier(AccountFactory(owner=manager), "B")
    now = timezone.now()
    JobRun.objects.create(task="care.tasks.birthday_tasks_generate", task_id="1", status="failed",
                          started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=2))
    JobRun.objects.create(task="care.tasks.birthday_tasks_generate", task_id="2", status="succeeded",
                          started_at=now, finished_at=now + timedelta(seconds=2), rows=31)
    client.force_login(admin)
    context = client.get(reverse("home")).context
    assert {t.code: t.n for t in context["tiers"]}["B"] == 1
    (run, failures), = context["jobs"]
    assert (run.rows, run.duration.total_seconds(), failures) == (31, 2.0, 1)
    assert context["rules"].is_active


@pytest.mark.parametrize("who", ["manager", "supervisor", "admin"])
def test_k50_each_dashboard_costs_the_same_queries_with_more_data(client, who, request, manager, default_tiers,
                                                                  django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    bounds = {"manager": 17, "supervisor": 16, "admin": 12}  # manager, admin +1: the bell (issue 18)

    def grow(n):
        for i in range(n):
            account = AccountFactory(owner=manager, touches_since_review=5)
            old_tier(account)
            BuyerRoleFactory(contact=ContactFactory(account=account))
            task(account, manager, title=f"T{i}")
            JobRun.objects.create(task=f"job.{i}", task_id=f"{who}{i}-{n}", started_at=timezone.now())

    client.force_login(user)
    grow(1)
    with django_assert_max_num_queries(bounds[who]):
        client.get(reverse("home"))
    grow(25)
    with django_assert_max_num_queries(bounds[who]):
        client.get(reverse("home"))
