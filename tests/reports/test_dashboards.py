"""K-50: the start page is each role's to-do list, at a fixed query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from care.models import CareTask
from core.models import JobRun, OutboxMessage
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory
from tiering.models import AccountTier, Tier
from visits.models import CustomerIssue
from visits.services import monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


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
    assert [t.display_title for t in context["care_today"]] == ["Call 周总"]
    assert [t.display_title for t in context["care_late"]] == ["Late one"]
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
              issues=[{"kind": "complaint", "description": "Broken part"}])
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
    assert context["care"] == {"due": 1, "on_time": 1}  # the open one is due today: not late yet
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
    job, = [job for job in context["jobs"] if job["task"] == "care.tasks.birthday_tasks_generate"]
    assert (job["last"].rows, job["last"].duration.total_seconds(), job["failures"]) == (31, 2.0, 1)
    assert context["rules"].is_active


@pytest.mark.parametrize("who", ["manager", "supervisor", "admin"])
def test_k50_each_dashboard_costs_the_same_queries_with_more_data(client, who, request, manager, default_tiers,
                                                                  django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    # Issue 19: every short list and count of a dashboard in one statement (core.batch); each bound
    # holds the session's sliding expiry (3). Manager: session, user, the portfolio's ids, its
    # cadence, the batch, the bell (was 20); supervisor: the same with the team, its visits and its
    # care figures (was 18); admin: the batch, the jobs (2), the bell (was 15).
    bounds = {"manager": 9, "supervisor": 12, "admin": 9}

    def grow(n):
        for i in range(n):
            account = AccountFactory(owner=manager, touches_since_review=5)
            old_tier(account)
            BuyerRoleFactory(contact=ContactFactory(account=account))
            task(account, manager, title=f"T{i}")
            task(account, manager, days=-3, title=f"Late {i}")
            visit_log(account=account, by=manager, channel="phone", purpose="Call", summary="Called",
                      issues=[{"kind": "complaint", "description": f"Broken {i}"}])
            JobRun.objects.create(task=f"job.{i}", task_id=f"{who}{i}-{n}", started_at=timezone.now())
            OutboxMessage.objects.create(channel="email", recipient=f"{i}@example.com", payload={"subject": "S"},
                                         dedupe_key=f"{who}{i}-{n}", next_attempt_at=timezone.now(), dead=i % 2 == 0)

    client.force_login(user)
    grow(1)
    with django_assert_max_num_queries(bounds[who]):
        client.get(reverse("home"))
    grow(25)
    with django_assert_max_num_queries(bounds[who]):
        client.get(reverse("home"))


def test_the_admin_sees_every_scheduled_job_with_its_schedule_and_next_run_even_before_it_ran(client, admin):
    """Issue 25: the daily and quarterly jobs are listed before their first run, each with its
    schedule in words and the next time beat sends it; a job queued by the app is listed too."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from config.celery import app

    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 3, 31, 23, 50, 37, tzinfo=shanghai), tick=False):
        JobRun.objects.create(task="care.tasks.birthday_tasks_generate", task_id="1", status="succeeded",
                              started_at=timezone.now(), finished_at=timezone.now(), rows=3)
        JobRun.objects.create(task="imports.tasks.import_apply_task", task_id="2", status="succeeded",
                              started_at=timezone.now(), finished_at=timezone.now())
        client.force_login(admin)
        page = client.get(reverse("home"))
        jobs = {job["task"]: job for job in page.context["jobs"]}
        assert [job["task"] for job in page.context["jobs"]] == (
            [entry["task"] for entry in app.conf.beat_schedule.values()] + ["imports.tasks.import_apply_task"])
        quarterly = jobs["tiering.tasks.tier_reviews_open"]
        assert quarterly["last"] is None
        assert quarterly["schedule"] == "On day 1 of January, April, July and October at 06:00"
        assert timezone.localtime(quarterly["next_run"], shanghai) == datetime(2026, 4, 1, 6, 0, tzinfo=shanghai)
        tasks = ("core.tasks.heartbeat", "visits.tasks.after_sales_schedule", "tiering.tasks.tier_evaluate",
                 "care.tasks.cadence_tasks_generate")
        words = [jobs[task]["schedule"] for task in tasks]
        assert words == ["Every minute", "Every 15 minutes", "Daily at 02:30", "Every hour at :40"]
        assert timezone.localtime(jobs["core.tasks.heartbeat"]["next_run"], shanghai) == datetime(
            2026, 3, 31, 23, 51, tzinfo=shanghai)
        assert jobs["care.tasks.birthday_tasks_generate"]["last"].rows == 3
        assert jobs["imports.tasks.import_apply_task"]["next_run"] is None
        assert "2026-04-01 06:00" in page.content.decode()

        page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert "每天 02:30" in text and "从未运行" in text


def test_a_run_under_a_tasks_name_before_it_moved_counts_as_that_tasks_run(client, admin):
    JobRun.objects.create(task="reports.tasks.heartbeat", task_id="old", status="failed", started_at=timezone.now())
    client.force_login(admin)
    jobs = client.get(reverse("home")).context["jobs"]
    heartbeat, = [job for job in jobs if job["task"] == "core.tasks.heartbeat"]
    assert (heartbeat["last"].task_id, heartbeat["failures"]) == ("old", 1)
    assert "reports.tasks.heartbeat" not in [job["task"] for job in jobs]


def test_k05_the_accounts_a_manager_owns_or_serves_are_one_union_of_index_lookups(manager, teammate):
    from accounts.models import Account, AccountTeamMember

    owned = AccountFactory(owner=manager)
    served = AccountFactory(owner=teammate)
    AccountTeamMember.objects.create(account=served, user=manager)
    AccountFactory(owner=teammate)  # the teammate's alone
    mine = Account.objects.served_by(manager)
    assert set(mine) == {owned, served}
    sql = str(mine.query)
    assert "UNION" in sql and " OR " not in sql and "DISTINCT" not in sql


def test_the_admin_reads_what_each_job_does_in_their_language(client, admin):
    from django.utils import translation

    client.force_login(admin)
    jobs = client.get(reverse("home")).context["jobs"]
    assert all(str(job["label"]) != job["task"] for job in jobs), "every scheduled job says what it does"
    with translation.override("zh-hans"):
        labels = {job["task"]: str(job["label"]) for job in jobs}
    assert labels["care.tasks.birthday_tasks_generate"] == "今日生日致电（K-40）"


# --- Issue 16: today first, then overdue, each list saying how many more -----------------------------------


def test_k50_todays_care_comes_first_then_the_overdue_each_with_how_many_more(client, manager):
    account = AccountFactory(owner=manager)
    for i in range(10):
        task(account, manager, title=f"Today {i}")
    for days in range(1, 13):
        task(account, manager, days=-days, title=f"Late by {days}")
    client.force_login(manager)

    page = client.get(reverse("home"))

    context = page.context
    assert [t.display_title for t in context["care_today"]] == [f"Today {i}" for i in range(8)]
    assert context["care_today_more"] == 2
    # the most recent overdue first: yesterday's call before last fortnight's
    assert [t.display_title for t in context["care_late"]] == [f"Late by {d}" for d in range(1, 9)]
    assert (context["care_late_more"], context["care_overdue"]) == (4, 12)
    html = page.content.decode()
    assert html.index("Today 0") < html.index("Late by 1")
    assert f'href="{reverse("care:home")}#sec-today">+2 more' in html
    assert f'href="{reverse("care:home")}#sec-overdue">+4 more' in html


def test_k50_a_short_list_says_nothing_more(client, manager):
    task(AccountFactory(owner=manager), manager, title="Only one")
    client.force_login(manager)
    page = client.get(reverse("home"))
    assert page.context["care_today_more"] == 0 and "more</a>" not in page.content.decode()


def issue_due_in(account, hours, description):
    visit = visit_log(account=account, by=account.owner, channel="phone", purpose="Call", summary="Called",
                      issues=[{"kind": "request", "description": description}])
    issue = visit.issues.get()
    CustomerIssue.objects.filter(pk=issue.pk).update(due_at=timezone.now() + timedelta(hours=hours))
    return issue


def test_k50_the_supervisor_sees_issues_near_their_deadline_before_the_overdue_ones(client, supervisor, manager):
    account = AccountFactory(owner=manager)
    issue_due_in(account, -30, "Late one")
    issue_due_in(account, 5, "Due this afternoon")
    issue_due_in(account, 72, "Due in three days")
    client.force_login(supervisor)

    page = client.get(reverse("home"))

    assert [i.description for i in page.context["issues"]] == ["Due this afternoon", "Late one"]
    assert page.context["issues_more"] == 0
    assert "Customer issues near their deadline" in page.content.decode()


def test_k50_the_managers_issues_due_soon_come_before_the_overdue_with_how_many_more(client, manager):
    account = AccountFactory(owner=manager)
    for n in range(6):
        issue_due_in(account, -10 - n, f"Late {n}")
    for n in range(4):
        issue_due_in(account, 2 + n, f"Soon {n}")
    client.force_login(manager)

    context = client.get(reverse("home")).context

    assert [i.description for i in context["issues"]] == [
        "Soon 0", "Soon 1", "Soon 2", "Soon 3", "Late 5", "Late 4", "Late 3", "Late 2"]
    assert context["issues_more"] == 2
