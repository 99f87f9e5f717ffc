"""The care engine's other jobs: holiday greetings in the owner's language (K-41), company
anniversaries and customer, personal and regional events (K-42), personnel changes (K-17),
cadence reminders that close themselves, and after-sales follow-ups (K-26). Every job is
idempotent (K-44): a second run makes nothing."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from care.models import CareTask, Event, MessageTemplate, Occasion
from care.services import (
    after_sales_tasks_generate,
    anniversary_tasks_generate,
    cadence_tasks_generate,
    care_task_done,
    event_tasks_generate,
    holiday_tasks_generate,
    personnel_change_tasks_generate,
)
from contacts.models import Contact
from contacts.services import contact_mark_left
from tests.clock import SHANGHAI, frozen
from tests.factories import AccountFactory, ContactFactory, OrderFactory
from tiering.models import AccountTier, Tier
from visits.models import AfterSalesStep
from visits.services import after_sales_done, after_sales_schedule, visit_log

pytestmark = pytest.mark.django_db

# 除夕 (02-16) and 春节 (02-17) are one festival period: one greeting, due three days before 除夕.
SPRING_FESTIVAL_2026 = "2026:spring_festival|Spring Festival"


def tasks(kind):
    return list(CareTask.objects.filter(kind=kind).select_related("contact", "account", "owner"))


@pytest.fixture
def haier(manager):
    manager.display_name = "Li Ming"
    manager.save()
    return AccountFactory(name="Haier", owner=manager, kind="strategic")


@pytest.fixture
def zhou(haier):
    return ContactFactory(account=haier, name="Zhou")


# --- K-41: holidays, lunar festivals on their solar day ------------------------------------------------


def test_k41_three_days_before_spring_festival_each_key_contact_gets_a_greeting_task(zhou, manager):
    with frozen(2026, 2, 14):
        holiday_tasks_generate(today=date(2026, 2, 14))

    [task] = [t for t in tasks("holiday") if t.occasion == SPRING_FESTIVAL_2026]
    assert (task.contact, task.account, task.owner) == (zhou, zhou.account, manager)
    assert (task.due_on, task.channel, task.status) == (date(2026, 2, 13), "wechat", "open")
    assert task.message == "Dear Zhou, warm wishes for Spring Festival from Li Ming and all of us."
    assert task.display_title == "Holiday greeting (Spring Festival): Zhou"


def test_k41_the_greeting_is_written_in_the_owners_language(zhou, manager):
    manager.language = "zh-hans"
    manager.save()

    with frozen(2026, 2, 14):
        holiday_tasks_generate(today=date(2026, 2, 14))

    [task] = [t for t in tasks("holiday") if t.occasion == SPRING_FESTIVAL_2026]
    assert task.message == "Zhou您好，值此春节之际，Li Ming谨代表全体同仁致以诚挚的祝福！"


def test_k41_a_traditional_chinese_owner_gets_the_traditional_text(zhou, manager):
    manager.language = "zh-hant"
    manager.save()

    holiday_tasks_generate(today=date(2026, 2, 14))

    [task] = [t for t in tasks("holiday") if t.occasion == SPRING_FESTIVAL_2026]
    assert "春節" in task.message and "Zhou" in task.message


@pytest.mark.parametrize(("language", "title"), [
    ("zh-hans", "节日问候（春节）：Zhou"),
    ("zh-hant", "節日問候（春節）：Zhou"),
    ("en", "Holiday greeting (Spring Festival): Zhou"),
])
def test_k41_the_task_title_names_the_holiday_in_the_readers_language(zhou, language, title):
    """One task, read by a Chinese manager and by an English-reading supervisor."""
    holiday_tasks_generate(today=date(2026, 2, 13))

    [task] = [t for t in tasks("holiday") if t.occasion == SPRING_FESTIVAL_2026]
    with translation.override(language):
        assert task.display_title == title


def test_k41_the_care_page_in_chinese_names_the_holiday_in_chinese(client, zhou, manager):
    holiday_tasks_generate(today=date(2026, 2, 13))
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    page = client.get(reverse("care:home")).content.decode()
    # The greeting draft below it is for the customer, in the customer's language (here English).
    assert "节日问候（春节）：Zhou" in page and "Holiday greeting" not in page


def test_k41_the_greeting_draft_is_in_the_customers_language_not_the_managers(zhou, manager):
    """An English-reading manager greets a Taiwanese contact in 繁體中文 and a Shanghai account in 简体中文."""
    zhou.language = "zh-hant"
    zhou.save()
    wu = ContactFactory(account=AccountFactory(owner=manager, kind="strategic", language="zh-hans"), name="Wu")

    holiday_tasks_generate(today=date(2026, 2, 14))

    drafts = {t.contact: t.message for t in tasks("holiday") if t.occasion == SPRING_FESTIVAL_2026}
    assert "春節" in drafts[zhou] and "Dear" not in drafts[zhou]
    assert "春节" in drafts[wu] and "Dear" not in drafts[wu]


def test_k41_a_contact_gets_the_language_field_on_the_form(client, manager, haier):
    client.force_login(manager)
    client.post(reverse("contacts:create", args=[haier.pk]), {"name": "Lin", "birthday_calendar": "solar",
                                                              "language": "zh-hant"})
    assert Contact.objects.get(name="Lin").language == "zh-hant"


def test_k44_running_the_holiday_job_again_makes_nothing(zhou):
    first = holiday_tasks_generate(today=date(2026, 2, 14))

    assert first >= 1
    assert holiday_tasks_generate(today=date(2026, 2, 14)) == 0
    assert holiday_tasks_generate(today=date(2026, 2, 15)) == 0


def test_k41_only_the_first_day_of_a_holiday_counts_and_days_off_are_no_holidays(zhou):
    # From 02-17, three days ahead: Spring Festival's 2nd and 3rd day and a day off (02-20).
    holiday_tasks_generate(today=date(2026, 2, 17))

    assert [t.occasion for t in tasks("holiday")] == [SPRING_FESTIVAL_2026]  # caught up on the day itself


def test_k41_mid_autumn_is_greeted_on_its_lunar_day(zhou):
    holiday_tasks_generate(today=date(2026, 9, 22))

    assert [(t.occasion, t.due_on) for t in tasks("holiday")] == [
        ("2026-09-25|Mid-Autumn Festival", date(2026, 9, 22))]


def test_k41_the_day_before_the_greeting_is_due_there_is_no_task(zhou):
    assert holiday_tasks_generate(today=date(2026, 9, 21)) == 0


def test_k41_only_key_account_contacts_who_are_still_there_are_greeted(manager, zhou):
    ContactFactory(account=AccountFactory(owner=manager, kind="standard"))
    ContactFactory(account=zhou.account, status="left", left_on=date(2026, 1, 5))

    holiday_tasks_generate(today=date(2026, 9, 22))

    assert [t.contact for t in tasks("holiday")] == [zhou]


def test_k41_a_holidays_observed_day_is_no_second_greeting(zhou):
    holiday_tasks_generate(today=date(2026, 9, 28))  # National Day 10-01, three days ahead

    holiday_tasks_generate(today=date(2026, 10, 2))  # 10-05 is National Day (observed)

    assert [t.occasion for t in tasks("holiday")] == ["2026-10-01|National Day"]


# --- K-41: our own occasions --------------------------------------------------------------------------------


@pytest.fixture
def greeting():
    return MessageTemplate.objects.get(name="Festival greeting")


def test_k41_an_admins_occasion_makes_a_task_its_days_ahead_before(zhou, greeting):
    Occasion.objects.create(name="Customer Day", date=date(2020, 5, 20), yearly=True, days_ahead=5,
                            template=greeting)

    assert holiday_tasks_generate(today=date(2026, 5, 14)) == 0
    assert holiday_tasks_generate(today=date(2026, 5, 15)) == 1

    [task] = tasks("holiday")
    assert (task.occasion, task.due_on, task.contact) == ("2026-05-20|Customer Day", date(2026, 5, 15), zhou)
    assert task.message == "Dear Zhou, warm wishes for Customer Day from Li Ming and all of us."


def test_k41_a_one_off_occasion_is_not_repeated_the_next_year(zhou, greeting):
    Occasion.objects.create(name="10 years together", date=date(2025, 5, 20), yearly=False, days_ahead=5,
                            template=greeting)

    assert holiday_tasks_generate(today=date(2026, 5, 15)) == 0
    assert holiday_tasks_generate(today=date(2025, 5, 15)) == 1


def test_k41_a_yearly_occasion_early_in_january_is_greeted_from_december(zhou, greeting):
    Occasion.objects.create(name="Customer Day", date=date(2020, 1, 2), yearly=True, days_ahead=3, template=greeting)

    holiday_tasks_generate(today=date(2026, 12, 30))

    assert "2027-01-02|Customer Day" in [t.occasion for t in tasks("holiday")]


def test_k41_a_yearly_feb_29_occasion_does_not_stop_the_spring_festival_greetings(zhou, greeting):
    Occasion.objects.create(name="Leap day", date=date(2024, 2, 29), yearly=True, days_ahead=3, template=greeting)

    holiday_tasks_generate(today=date(2027, 2, 3))  # Spring Festival 2027 is 02-06

    assert "2027:spring_festival|Spring Festival" in [t.occasion for t in tasks("holiday")]


# --- K-42: company anniversaries ------------------------------------------------------------------------------


def test_k42_a_key_accounts_founding_anniversary_is_a_task_for_the_owner_a_week_ahead(haier, manager):
    haier.founded_on = date(2010, 3, 20)
    haier.save()

    assert anniversary_tasks_generate(today=date(2026, 3, 12)) == 0
    assert anniversary_tasks_generate(today=date(2026, 3, 13)) == 1
    assert anniversary_tasks_generate(today=date(2026, 3, 14)) == 0

    [task] = tasks("anniversary")
    assert (task.account, task.contact, task.owner) == (haier, None, manager)
    assert (task.due_on, task.occasion) == (date(2026, 3, 20), "2026-03-20")
    assert task.display_title == "Company anniversary: Haier"


def test_k42_no_anniversary_in_the_founding_year_nor_for_standard_accounts(manager):
    AccountFactory(owner=manager, founded_on=date(2026, 3, 20))
    AccountFactory(owner=manager, kind="standard", founded_on=date(2010, 3, 20))

    assert anniversary_tasks_generate(today=date(2026, 3, 15)) == 0


def test_k42_a_feb_29_founding_is_remembered_on_feb_28_in_common_years(haier):
    haier.founded_on = date(2000, 2, 29)
    haier.save()

    anniversary_tasks_generate(today=date(2027, 2, 25))

    assert [t.due_on for t in tasks("anniversary")] == [date(2027, 2, 28)]


def test_k42_an_anniversary_on_january_3rd_is_made_in_the_last_week_of_december(haier):
    haier.founded_on = date(2010, 1, 3)
    haier.save()

    anniversary_tasks_generate(today=date(2026, 12, 29))

    assert [t.due_on for t in tasks("anniversary")] == [date(2027, 1, 3)]


# --- K-42: customer, personal and regional events -------------------------------------------------------------


def test_k42_a_major_event_on_an_account_is_a_task_for_its_owner(haier, manager):
    event = Event.objects.create(kind="major_event", title="Store opening", date=date(2026, 3, 15), account=haier,
                                 created_by=manager)

    assert event_tasks_generate(today=date(2026, 3, 10)) == 1
    assert event_tasks_generate(today=date(2026, 3, 10)) == 0

    [task] = tasks("major_event")
    assert (task.account, task.contact, task.owner, task.due_on) == (haier, None, manager, date(2026, 3, 15))
    assert task.occasion == f"event:{event.pk}|Store opening"
    assert task.display_title == "Store opening: Haier"


def test_k42_a_personal_event_on_a_contact_is_a_task_about_that_contact(zhou, manager):
    Event.objects.create(kind="personal_event", title="Wedding", date=date(2026, 3, 12), contact=zhou,
                         created_by=manager)

    event_tasks_generate(today=date(2026, 3, 10))

    [task] = tasks("personal_event")
    assert (task.account, task.contact, task.owner, task.due_on) == (zhou.account, zhou, manager, date(2026, 3, 12))
    assert task.display_title == "Wedding: Zhou"


def test_k42_an_event_more_than_a_week_ahead_waits(haier, manager):
    Event.objects.create(kind="major_event", title="Plant anniversary", date=date(2026, 3, 25), account=haier,
                         created_by=manager)

    assert event_tasks_generate(today=date(2026, 3, 10)) == 0
    assert event_tasks_generate(today=date(2026, 3, 18)) == 1


def test_k42_a_regional_event_is_a_check_in_call_for_every_active_contact_in_that_region(manager, teammate, admin):
    shenzhen = AccountFactory(owner=manager, region="华南 / 广东深圳")
    guangzhou = AccountFactory(owner=teammate, region="广东", kind="standard")
    shanghai = AccountFactory(owner=manager, region="华东 / 上海")
    in_region = [ContactFactory(account=shenzhen), ContactFactory(account=shenzhen), ContactFactory(account=guangzhou)]
    ContactFactory(account=shenzhen, status="left", left_on=date(2026, 1, 5))
    ContactFactory(account=shanghai)
    Event.objects.create(kind="regional_event", title="Typhoon", date=date(2026, 3, 9), region="广东",
                         created_by=admin)

    assert event_tasks_generate(today=date(2026, 3, 10)) == 3
    assert event_tasks_generate(today=date(2026, 3, 10)) == 0

    made = tasks("regional_event")
    assert {t.contact for t in made} == set(in_region)
    assert {(t.contact.account.owner, t.owner) for t in made} == {(manager, manager), (teammate, teammate)}
    assert {t.due_on for t in made} == {date(2026, 3, 10)}  # a storm that has begun: today


# --- K-17: personnel changes ---------------------------------------------------------------------------------


def test_k17_a_contact_who_leaves_makes_one_task_to_find_the_new_role_holder(zhou, manager):
    with frozen(2026, 3, 10):
        contact_mark_left(contact=zhou, by=manager, left_on=date(2026, 3, 9))

        assert personnel_change_tasks_generate() == 1
        assert personnel_change_tasks_generate() == 0

    [task] = tasks("personnel_change")
    assert (task.account, task.contact, task.owner, task.due_on) == (zhou.account, zhou, manager, date(2026, 3, 11))
    assert task.display_title == "Personnel change at Zhou: find the new role holder"


def test_k17_a_handled_personnel_change_makes_no_task(zhou, manager):
    with frozen(2026, 3, 10):
        contact_mark_left(contact=zhou, by=manager, left_on=date(2026, 3, 9))
        zhou.changes.update(handled_at=datetime(2026, 3, 10, 10, tzinfo=SHANGHAI))

        assert personnel_change_tasks_generate() == 0


# --- Cadence reminders (K-30) close themselves ----------------------------------------------------------------


@pytest.fixture
def overdue_a_account(default_tiers, haier):
    """Tier A since early January and never visited: due by the end of January."""
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="A"),
                               set_at=datetime(2026, 1, 5, 10, tzinfo=SHANGHAI))
    return haier


def test_k30_an_overdue_account_gets_one_cadence_reminder(overdue_a_account, manager):
    with frozen(2026, 3, 10):
        assert cadence_tasks_generate(today=date(2026, 3, 10)) == 1
        assert cadence_tasks_generate(today=date(2026, 3, 10)) == 0
        assert cadence_tasks_generate(today=date(2026, 3, 11)) == 0

    [task] = tasks("cadence")
    assert (task.account, task.contact, task.owner) == (overdue_a_account, None, manager)
    assert (task.occasion, task.due_on, task.status) == ("2026-01-31", date(2026, 3, 10), "open")


def test_k30_an_account_within_its_cadence_gets_no_reminder(default_tiers, haier):
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="A"),
                               set_at=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))

    assert cadence_tasks_generate(today=date(2026, 3, 10)) == 0


def test_k30_a_qualifying_visit_closes_the_reminder_on_the_next_run(overdue_a_account, manager):
    with frozen(2026, 3, 10):
        cadence_tasks_generate(today=date(2026, 3, 10))
        visit_log(account=overdue_a_account, by=manager, channel="on_site", purpose="Quarterly check",
                  summary="Went through the open points.")

        assert cadence_tasks_generate(today=date(2026, 3, 10)) == 0

    [task] = tasks("cadence")
    assert task.status == "done"
    assert task.outcome == "Closed by itself: a qualifying touch was logged."
    assert task.done_at is not None


def test_k30_a_touch_that_does_not_qualify_leaves_the_reminder_open(overdue_a_account, manager):
    with frozen(2026, 3, 10):
        cadence_tasks_generate(today=date(2026, 3, 10))
        visit_log(account=overdue_a_account, by=manager, channel="phone", purpose="Quick call", summary="Called.")
        cadence_tasks_generate(today=date(2026, 3, 10))

    assert [t.status for t in tasks("cadence")] == ["open"]


# --- K-26: after-sales follow-ups ------------------------------------------------------------------------------


@pytest.fixture
def start_letter(haier):
    """A new order at 09:00 on 2026-03-10: its service-start letter is due 24 h later."""
    with frozen(2026, 3, 10):
        OrderFactory(account=haier, signed_on=date(2026, 3, 10))
        after_sales_schedule(today=date(2026, 3, 10))
    return AfterSalesStep.objects.get(kind="start_letter")


def test_k26_an_after_sales_step_due_by_tomorrow_becomes_a_task(start_letter, manager):
    assert after_sales_tasks_generate(today=date(2026, 3, 10)) == 1
    assert after_sales_tasks_generate(today=date(2026, 3, 10)) == 0

    [task] = tasks("after_sales")
    assert (task.account, task.owner, task.channel) == (start_letter.account, manager, "email")
    assert (task.occasion, task.due_on) == (f"step:{start_letter.pk}|start_letter", date(2026, 3, 11))


def test_k26_the_usage_guidance_becomes_a_task_the_day_before_it_is_due(start_letter):
    after_sales_tasks_generate(today=date(2026, 3, 10))
    after_sales_tasks_generate(today=date(2026, 3, 12))

    assert sorted(t.due_on for t in tasks("after_sales")) == [date(2026, 3, 11), date(2026, 3, 13)]


def test_k26_a_step_done_on_the_account_page_closes_its_task_on_the_next_run(start_letter, manager):
    after_sales_tasks_generate(today=date(2026, 3, 10))

    with frozen(2026, 3, 11):
        after_sales_done(step=start_letter, by=manager)
        after_sales_tasks_generate(today=date(2026, 3, 11))

    [task] = tasks("after_sales")
    assert (task.status, task.done_by, task.outcome) == ("done", manager, "Done on the account page.")


def test_k26_a_care_task_done_marks_its_after_sales_step_done(start_letter, manager):
    after_sales_tasks_generate(today=date(2026, 3, 10))
    [task] = tasks("after_sales")

    with frozen(2026, 3, 11):
        care_task_done(task=task, by=manager, outcome="Sent the start letter.")

    start_letter.refresh_from_db()
    assert start_letter.done_by == manager
    assert start_letter.done_at is not None
    assert after_sales_tasks_generate(today=date(2026, 3, 11)) == 0


def test_k26_done_steps_are_no_tasks(start_letter, manager):
    after_sales_done(step=start_letter, by=manager)

    assert after_sales_tasks_generate(today=date(2026, 3, 10)) == 0
    assert after_sales_tasks_generate(today=date(2026, 3, 10) + timedelta(days=1)) == 0


def test_k41_tasks_made_before_names_were_kept_are_named_by_the_migration(zhou, manager):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("care.migrations.0004_occasion_names")
    # A greeting made before festival periods and kept names: keyed by 除夕's date and English name.
    CareTask.objects.create(kind="holiday", account=zhou.account, contact=zhou, owner=manager,
                            occasion="2026-02-16|Chinese New Year's Eve", due_on=date(2026, 2, 13))

    migration.name_existing_holiday_tasks(apps, None)

    [task] = [t for t in tasks("holiday") if t.occasion.startswith("2026-02-16")]
    assert task.occasion_names == {"en": "Chinese New Year's Eve", "zh-hans": "农历除夕", "zh-hant": "農曆除夕"}
