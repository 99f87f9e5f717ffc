"""Issue 16: every generated task real. After-sales tasks name their step and product in the
reader's language (K-26); greetings are made once per festival period and never to departed or
silent contacts, who get the monthly e-mail instead (K-41, K-17, K-25); a role service plan due for
review is a task for the account's manager, and each review is recorded (K-14)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from care.models import CareTask, HolidayCalendar
from care.services import (
    after_sales_tasks_generate,
    birthday_tasks_generate,
    care_task_done,
    holiday_tasks_generate,
    role_review_tasks_generate,
    silent_email_tasks_generate,
)
from contacts.models import RolePlanReview
from contacts.services import contact_mark_left, role_plan_review_record
from tests.clock import frozen
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from visits.models import AfterSalesStep
from visits.services import after_sales_schedule, visit_log

pytestmark = pytest.mark.django_db


def open_tasks(kind):
    return list(CareTask.objects.open().filter(kind=kind).select_related("contact", "account").order_by("pk"))


@pytest.fixture
def haier(manager):
    return AccountFactory(name="Haier", owner=manager, kind="strategic")


@pytest.fixture
def zhou(haier):
    return ContactFactory(account=haier, name="Zhou")


# --- K-26: after-sales tasks say which step, for which product -------------------------------------------


@pytest.fixture
def letter_task(haier):
    with frozen(2026, 3, 10):
        OrderFactory(account=haier, signed_on=date(2026, 3, 10), product="MES 制造执行", reference="HT-7")
        after_sales_schedule()
        after_sales_tasks_generate()
    [task] = open_tasks("after_sales")
    return task


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Service-start letter, MES 制造执行 (HT-7): Haier"),
    ("zh-hans", "服务开通函，MES 制造执行 (HT-7)：Haier"),
    ("zh-hant", "服務開通函，MES 制造执行 (HT-7)：Haier"),
])
def test_k26_an_after_sales_task_names_its_step_and_product_in_the_readers_language(letter_task, language,
                                                                                      title):
    with translation.override(language):
        assert letter_task.display_title == title
    assert letter_task.params == {"step": "start_letter", "product": "MES 制造执行", "reference": "HT-7"}


def test_k26_five_orders_make_five_distinguishable_tasks(haier):
    with frozen(2026, 3, 10):
        for n in range(5):
            OrderFactory(account=haier, signed_on=date(2026, 3, 10), product="ERP", reference=f"HT-{n}")
        after_sales_schedule()
        after_sales_tasks_generate()

    titles = [t.display_title for t in open_tasks("after_sales")]
    assert len(titles) == len(set(titles)) == 5


def test_k26_the_feed_lists_a_step_that_became_a_task_once(client, manager, letter_task):
    from feeds.services import calendar_feed_token_issue
    from feeds.sources import feed_items

    with frozen(2026, 3, 10):
        summaries = [item.summary for item in feed_items(manager)]

    # The letter is a task (due tomorrow); the guidance, due on the 13th, is still only a step.
    assert summaries.count("Service-start letter, MES 制造执行 (HT-7): Haier") == 1
    assert summaries.count("Usage guidance, MES 制造执行 (HT-7): Haier") == 1
    assert len(summaries) == 2
    token = calendar_feed_token_issue(user=manager)
    assert client.get(reverse("feeds:feed", args=[token.secret])).content.count(b"BEGIN:VEVENT") == 2


def test_k26_no_task_for_an_order_signed_long_ago_even_when_typed_in_today(haier):
    OrderFactory(account=haier, signed_on=timezone.localdate() - timedelta(days=60), contract_months=None)
    after_sales_schedule()
    after_sales_tasks_generate()

    assert not AfterSalesStep.objects.exists() and open_tasks("after_sales") == []


# --- K-41: one greeting per festival period ------------------------------------------------------------------


def test_k41_new_years_eve_and_spring_festival_are_one_greeting_whichever_day_the_job_runs(zhou):
    for day in (13, 14, 15, 16, 17):  # 除夕 is 02-16, 春节 02-17: due three days before each
        with frozen(2026, 2, day):
            holiday_tasks_generate()

    [task] = open_tasks("holiday")
    assert (task.occasion, task.due_on) == ("2026:spring_festival|Spring Festival", date(2026, 2, 13))
    with translation.override("zh-hans"):
        assert task.display_title == "节日问候（春节）：Zhou"


def test_k41_two_calendars_that_both_keep_the_festival_greet_once(zhou):
    HolidayCalendar.objects.create(country="HK", days_ahead=3, template=HolidayCalendar.objects.get().template)

    with frozen(2026, 2, 14):
        holiday_tasks_generate()

    assert [t.occasion for t in open_tasks("holiday")] == ["2026:spring_festival|Spring Festival"]


def test_k41_the_festival_periods_are_configurable(zhou, settings):
    settings.CARE_FESTIVAL_PERIODS = []  # every holiday greeted on its own

    with frozen(2026, 2, 14):
        holiday_tasks_generate()

    assert sorted(t.occasion for t in open_tasks("holiday")) == [
        "2026-02-16|Chinese New Year's Eve", "2026-02-17|Chinese New Year (Spring Festival)"]


# --- K-17, K-25: no greeting to departed or silent contacts -------------------------------------------------


def test_k17_a_greeting_made_before_the_contact_left_is_withdrawn_with_the_reason(zhou, manager):
    with frozen(2026, 9, 22):
        holiday_tasks_generate()
        contact_mark_left(contact=zhou, by=manager, left_on=date(2026, 9, 22))
        holiday_tasks_generate()

    [task] = CareTask.objects.filter(kind="holiday")
    assert (task.status, task.outcome) == ("skipped", "The contact has left the company.")


def test_k25_a_silent_contact_gets_no_greeting_or_birthday_call_but_one_e_mail_a_month(haier, manager):
    with frozen(2026, 9, 22):
        silent = ContactFactory(account=haier, name="Sun", birth_month=9, birth_day=22,
                                silent_since=timezone.now() - timedelta(days=40))
        holiday_tasks_generate()  # Mid-Autumn, 09-25
        birthday_tasks_generate()
        made = silent_email_tasks_generate()
        again = silent_email_tasks_generate()

    assert open_tasks("holiday") == [] and open_tasks("birthday") == []
    assert (made, again) == (1, 0)
    [mail] = open_tasks("silent_email")
    assert (mail.contact, mail.owner, mail.channel, mail.occasion) == (silent, manager, "email", "2026-09")
    assert mail.due_on == date(2026, 9, 12)  # a month after the silence began (08-13)
    assert mail.display_title == "Silent period, this month's one e-mail: Sun"


def test_k25_a_greeting_made_before_the_contact_went_silent_is_withdrawn(zhou):
    with frozen(2026, 9, 22):
        holiday_tasks_generate()
        zhou.silent_since = timezone.now()
        zhou.save()
        holiday_tasks_generate()

    [task] = CareTask.objects.filter(kind="holiday")
    assert task.status == "skipped" and task.outcome.startswith("Silent period")


def test_k25_the_first_fallback_e_mail_is_due_a_month_after_the_silence_began(zhou):
    with frozen(2026, 9, 22):
        zhou.silent_since = timezone.now() - timedelta(days=25)
        zhou.save()
        silent_email_tasks_generate()

    [mail] = open_tasks("silent_email")
    assert mail.due_on == date(2026, 9, 27)


def test_k25_a_reply_ends_the_silence_and_closes_the_monthly_e_mail(zhou, manager):
    with frozen(2026, 9, 22):
        zhou.silent_since = timezone.now() - timedelta(days=40)
        zhou.save()
        silent_email_tasks_generate()
        visit_log(account=zhou.account, by=manager, contacts=[zhou], channel="on_site", purpose="Lunch",
                  summary="He answered in person.")
        silent_email_tasks_generate()

    [mail] = CareTask.objects.filter(kind="silent_email")
    assert mail.status == "done"


def test_k25_this_months_e_mail_logged_closes_the_task_and_none_is_made_again(zhou, manager):
    with frozen(2026, 9, 22):
        zhou.silent_since = timezone.now() - timedelta(days=40)
        zhou.save()
        silent_email_tasks_generate()
        visit_log(account=zhou.account, by=manager, contacts=[zhou], channel="email", purpose="News",
                  summary="Sent the autumn newsletter.", customer_replied=False)
        zhou.refresh_from_db()
        zhou.silent_since = timezone.now() - timedelta(days=40)  # still silent: no reply to it
        zhou.save()
        silent_email_tasks_generate()

    assert [t.status for t in CareTask.objects.filter(kind="silent_email")] == ["done"]


# --- K-14: role service-plan reviews -------------------------------------------------------------------------


@pytest.fixture
def plan(zhou):
    return BuyerRoleFactory(contact=zhou, role="decision_maker", plan_goal="Win the budget owner",
                            plan_next_review_on=date(2026, 3, 20))


def test_k14_a_review_due_becomes_a_task_for_the_accounts_manager(plan, manager):
    assert role_review_tasks_generate(today=date(2026, 3, 16)) == 0  # four days ahead: not yet
    assert role_review_tasks_generate(today=date(2026, 3, 17)) == 1
    assert role_review_tasks_generate(today=date(2026, 3, 18)) == 0

    [task] = open_tasks("role_plan_review")
    assert (task.owner, task.contact, task.due_on, task.buyer_role) == (manager, plan.contact, date(2026, 3, 20),
                                                                         plan)
    assert task.display_title == "Review the Decision-maker service plan: Zhou"
    with translation.override("zh-hans"):
        assert task.display_title == "复核决策者服务计划：Zhou"


def test_k14_the_review_task_is_on_the_managers_dashboard(client, plan, manager):
    with frozen(2026, 3, 20):
        role_review_tasks_generate()
        client.force_login(manager)
        context = client.get(reverse("home")).context

    assert [t.kind for t in context["care_today"]] == ["role_plan_review"]


def test_k14_recording_the_review_moves_the_next_date_and_closes_the_task(client, plan, manager):
    with frozen(2026, 3, 18):
        role_review_tasks_generate()
        client.force_login(manager)
        page = client.post(reverse("contacts:role-reviews", args=[plan.pk]), {
            "reviewed_on": "2026-03-18", "outcome": "He now owns the 2027 budget; meet monthly.",
            "next_review_on": "2026-04-18"}, follow=True)
        role_review_tasks_generate()
        reviews_page = client.get(reverse("contacts:role-reviews", args=[plan.pk])).content.decode()

    assert "Review recorded." in page.content.decode()
    [review] = RolePlanReview.objects.all()
    assert (review.reviewed_by, review.next_review_on) == (manager, date(2026, 4, 18))
    plan.refresh_from_db()
    assert plan.plan_next_review_on == date(2026, 4, 18)
    assert [t.status for t in CareTask.objects.filter(kind="role_plan_review")] == ["done"]
    assert "He now owns the 2027 budget" in reviews_page


def test_k14_done_from_the_care_list_records_the_review_a_month_on(plan, manager):
    with frozen(2026, 3, 18):
        role_review_tasks_generate()
        [task] = open_tasks("role_plan_review")
        care_task_done(task=task, by=manager, outcome="Agreed a monthly call.", channel="call")

    [review] = RolePlanReview.objects.all()
    assert (review.reviewed_on, review.next_review_on, review.outcome) == (
        date(2026, 3, 18), date(2026, 4, 17), "Agreed a monthly call.")


def test_k14_the_next_review_must_come_after_this_one_and_the_error_is_at_the_field(client, plan, manager):
    client.force_login(manager)
    page = client.post(reverse("contacts:role-reviews", args=[plan.pk]), {
        "reviewed_on": "2026-03-18", "outcome": "Fine.", "next_review_on": "2026-03-01"})

    assert page.status_code == 200
    assert page.context["form"].errors["next_review_on"]
    assert not RolePlanReview.objects.exists()


def test_k14_an_outsider_cannot_see_the_reviews_and_a_teammate_reads_but_cannot_record(client, plan, outsider,
                                                                                        teammate, supervisor):
    url = reverse("contacts:role-reviews", args=[plan.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(teammate)  # sees the team's accounts, changes only those they serve on
    page = client.get(url)
    assert page.status_code == 200 and "Record review" not in page.content.decode()
    assert client.post(url, {"reviewed_on": "2026-03-18", "outcome": "x", "next_review_on": "2026-04-18"}
                       ).status_code == 403
    client.force_login(supervisor)  # the manager's supervisor may record it
    assert "Record review" in client.get(url).content.decode()
    assert not RolePlanReview.objects.exists()


def test_k14_the_service_refuses_someone_outside_the_account_team(plan, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        role_plan_review_record(role=plan, by=outsider, reviewed_on=date(2026, 3, 18), outcome="Nothing.")


def test_k26_the_false_steps_made_from_created_at_are_removed_by_the_migration(haier, manager):
    """Before issue 16 an order typed in today for a deal signed last year got a start letter."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("care.migrations.0007_forget_false_after_sales")
    old = OrderFactory(account=haier, signed_on=date(2025, 5, 3))
    new = OrderFactory(account=haier, signed_on=timezone.localdate())
    false = AfterSalesStep.objects.create(order=old, account=haier, kind="start_letter",
                                          due_at=timezone.now() + timedelta(hours=20))
    real = AfterSalesStep.objects.create(order=new, account=haier, kind="start_letter",
                                         due_at=timezone.now() + timedelta(hours=20))
    review = AfterSalesStep.objects.create(order=old, account=haier, kind="value_review",
                                           due_at=timezone.now() + timedelta(days=5))
    after_sales_tasks_generate()

    migration.forget_false_steps(apps, None)

    assert set(AfterSalesStep.objects.all()) == {real, review}
    assert {t.after_sales_step for t in CareTask.objects.filter(kind="after_sales")} == {real}
    assert false.pk not in AfterSalesStep.objects.values_list("pk", flat=True)
