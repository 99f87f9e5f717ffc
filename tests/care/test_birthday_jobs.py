"""K-40 birthdays and K-44 "a task is never generated twice": the day-of call for every
birthday contact of a key account (solar or lunar, Feb 29 included), caught up when the
job missed its day, and the month's and week's birthday lists, made and e-mailed once."""

import threading
import time
from datetime import date

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from care.models import CareDigest, CareTask
from care.services import birthday_digests_generate, birthday_tasks_generate
from tests.clock import frozen
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def birthday_contact(owner, month, day, *, calendar="solar", leap=False, account=None, kind="strategic",
                     **fields):
    account = account or AccountFactory(owner=owner, kind=kind)
    return ContactFactory(account=account, birthday_calendar=calendar, birth_month=month, birth_day=day,
                          birth_leap_month=leap, **fields)


def birthday_tasks():
    return list(CareTask.objects.filter(kind=CareTask.Kind.BIRTHDAY))


# --- On the day: the one-to-one call ----------------------------------------------------------------


def test_k40_on_the_day_a_key_contact_gets_one_birthday_call_for_the_owner(manager):
    contact = birthday_contact(manager, 3, 10, name="Zhou")

    with frozen(2026, 3, 10):
        made = birthday_tasks_generate(today=date(2026, 3, 10))

    [task] = birthday_tasks()
    assert made == 1
    assert (task.account, task.contact, task.owner) == (contact.account, contact, manager)
    assert (task.due_on, task.occasion, task.status, task.channel) == (date(2026, 3, 10), "2026-03-10", "open", "call")
    assert task.display_title == "One-to-one birthday call: Zhou"


def test_k44_running_the_birthday_job_again_makes_nothing(manager):
    birthday_contact(manager, 3, 10)

    with frozen(2026, 3, 10):
        birthday_tasks_generate(today=date(2026, 3, 10))
        again = birthday_tasks_generate(today=date(2026, 3, 10))
        next_day = birthday_tasks_generate(today=date(2026, 3, 11))

    assert (again, next_day) == (0, 0)
    assert len(birthday_tasks()) == 1


def test_k40_the_day_before_there_is_no_call_yet(manager):
    birthday_contact(manager, 3, 10)

    assert birthday_tasks_generate(today=date(2026, 3, 9)) == 0


@pytest.mark.parametrize("kind", ["economic", "important", "group", "strategic"])
def test_k40_every_kind_of_key_account_gets_birthday_calls(manager, kind):
    birthday_contact(manager, 3, 10, kind=kind)

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 1


def test_k40_a_standard_accounts_contact_gets_no_birthday_call(manager):
    birthday_contact(manager, 3, 10, kind="standard")

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 0
    assert birthday_tasks() == []


def test_k40_contacts_who_left_or_were_archived_get_no_call(manager):
    account = AccountFactory(owner=manager)
    birthday_contact(manager, 3, 10, account=account, status="left", left_on=date(2026, 1, 5))
    birthday_contact(manager, 3, 10, account=account, archived_at=timezone.now())

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 0


@pytest.mark.parametrize("account_fields", [
    {"status": "lost"}, {"status": "prospect"}, {"owner": None}, {"archived_at": timezone.now()},
], ids=["lost", "prospect", "no owner", "archived"])
def test_k40_lost_prospect_ownerless_and_archived_accounts_get_no_call(manager, account_fields):
    account = AccountFactory(**{"owner": manager, **account_fields})
    birthday_contact(manager, 3, 10, account=account)

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 0


def test_k40_an_at_risk_key_account_still_gets_its_birthday_calls(manager):
    birthday_contact(manager, 3, 10, account=AccountFactory(owner=manager, status="at_risk"))

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 1


# --- Lunar birthdays and Feb 29 ------------------------------------------------------------------------


def test_k40_a_lunar_8_15_birthday_is_called_on_mid_autumn_day_2026(manager):
    contact = birthday_contact(manager, 8, 15, calendar="lunar")

    assert birthday_tasks_generate(today=date(2026, 9, 24)) == 0
    assert birthday_tasks_generate(today=date(2026, 9, 25)) == 1

    [task] = birthday_tasks()
    assert (task.contact, task.due_on, task.occasion) == (contact, date(2026, 9, 25), "2026-09-25")


def test_k40_a_lunar_birthday_is_not_called_on_the_same_solar_date(manager):
    birthday_contact(manager, 8, 15, calendar="lunar")

    assert birthday_tasks_generate(today=date(2026, 8, 15)) == 0


def test_k40_a_leap_sixth_month_birthday_is_called_in_the_leap_month_of_2025(manager):
    birthday_contact(manager, 6, 10, calendar="lunar", leap=True)

    assert birthday_tasks_generate(today=date(2025, 7, 4)) == 0  # ordinary 6/10
    assert birthday_tasks_generate(today=date(2025, 8, 3)) == 1  # leap 6/10


def test_k40_a_leap_month_birthday_in_2026_which_has_no_leap_sixth_month_is_in_the_ordinary_month(manager):
    birthday_contact(manager, 6, 10, calendar="lunar", leap=True)

    # Lunar 2026-06-10 is 2026-07-23.
    assert birthday_tasks_generate(today=date(2026, 7, 23)) == 1


def test_k40_a_lunar_twelfth_month_birthday_falls_in_the_next_solar_year(manager):
    birthday_contact(manager, 12, 20, calendar="lunar")

    # Lunar 2025-12-20 is 2026-02-07: the job needs last lunar year's table too.
    assert birthday_tasks_generate(today=date(2026, 2, 7)) == 1
    assert birthday_tasks()[0].due_on == date(2026, 2, 7)


def test_k40_lunar_day_30_in_a_29_day_month_is_called_on_the_29th(manager):
    birthday_contact(manager, 2, 30, calendar="lunar")

    # Lunar 2026 month 2 has 29 days; its 29th is 2026-04-16.
    assert birthday_tasks_generate(today=date(2026, 4, 16)) == 1


def test_k40_a_feb_29_birthday_is_called_on_feb_28_in_a_common_year(manager):
    birthday_contact(manager, 2, 29)

    assert birthday_tasks_generate(today=date(2027, 2, 27)) == 0
    assert birthday_tasks_generate(today=date(2027, 2, 28)) == 1
    assert birthday_tasks()[0].due_on == date(2027, 2, 28)


def test_k40_a_feb_29_birthday_is_called_on_feb_29_in_a_leap_year(manager):
    birthday_contact(manager, 2, 29)

    assert birthday_tasks_generate(today=date(2028, 2, 28)) == 0
    assert birthday_tasks_generate(today=date(2028, 2, 29)) == 1
    assert birthday_tasks()[0].due_on == date(2028, 2, 29)


# --- Catching up a missed day ----------------------------------------------------------------------------


def test_k44_a_job_that_missed_the_birthday_makes_the_call_three_days_later_due_on_the_day(manager):
    birthday_contact(manager, 3, 10)

    with frozen(2026, 3, 13):
        assert birthday_tasks_generate(today=date(2026, 3, 13)) == 1

    [task] = birthday_tasks()
    assert task.due_on == date(2026, 3, 10)
    assert task.is_overdue


def test_k44_a_birthday_ten_days_ago_is_no_longer_caught_up(manager):
    birthday_contact(manager, 3, 10)

    assert birthday_tasks_generate(today=date(2026, 3, 20)) == 0


def test_k44_catching_up_across_new_year(manager):
    birthday_contact(manager, 12, 30)

    assert birthday_tasks_generate(today=date(2027, 1, 2)) == 1
    assert birthday_tasks()[0].due_on == date(2026, 12, 30)


# --- Never twice: the database's word ------------------------------------------------------------------------


def test_k44_the_database_refuses_a_second_task_for_the_same_occasion(manager):
    contact = birthday_contact(manager, 3, 10)
    key = {"kind": "birthday", "account": contact.account, "contact": contact, "occasion": "2026-03-10"}
    CareTask.objects.create(**key, owner=manager, due_on=date(2026, 3, 10))

    with pytest.raises(IntegrityError), transaction.atomic():
        CareTask.objects.create(**key, owner=manager, due_on=date(2026, 3, 10))


def test_k44_the_database_refuses_a_second_account_task_without_contact(manager):
    account = AccountFactory(owner=manager)
    key = {"kind": "anniversary", "account": account, "contact": None, "occasion": "2026-03-10"}
    CareTask.objects.create(**key, owner=manager, due_on=date(2026, 3, 10))

    with pytest.raises(IntegrityError), transaction.atomic():
        CareTask.objects.create(**key, owner=manager, due_on=date(2026, 3, 10))


def test_k44_a_job_killed_mid_run_and_run_again_leaves_one_task_per_birthday(manager):
    birthday_contact(manager, 3, 10)
    birthday_contact(manager, 3, 8)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert birthday_tasks_generate(today=date(2026, 3, 10)) == 2
        raise RuntimeError("worker killed before commit")
    assert birthday_tasks() == []

    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 2
    assert birthday_tasks_generate(today=date(2026, 3, 10)) == 0
    assert sorted(t.due_on for t in birthday_tasks()) == [date(2026, 3, 8), date(2026, 3, 10)]


@pytest.mark.django_db(transaction=True)
def test_k44_two_runs_at_once_make_each_task_once(manager):
    birthday_contact(manager, 3, 10)
    first_inserted, results = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = birthday_tasks_generate(today=date(2026, 3, 10))
                first_inserted.set()
                time.sleep(0.5)  # the second run starts while this one has not committed
        finally:
            connection.close()

    def second():
        try:
            first_inserted.wait(10)
            results["second"] = birthday_tasks_generate(today=date(2026, 3, 10))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    close_old_connections()

    assert results == {"first": 1, "second": 0}
    assert len(birthday_tasks()) == 1


# --- The month's list on the 1st, the week's re-check on Monday ----------------------------------------------


@pytest.fixture
def march_birthdays(manager, teammate, outsider):
    """li has two birthdays in March 2026, chen one; huang (another team) has one in April."""
    birthday_contact(manager, 3, 5, name="Zhou")
    birthday_contact(manager, 3, 20, name="Sun", calendar="solar")
    birthday_contact(teammate, 3, 12, name="Wu")
    birthday_contact(outsider, 4, 2, name="Zheng")


def digests():
    return {(d.recipient.username, d.period, d.starts_on, d.birthdays)
            for d in CareDigest.objects.select_related("recipient")}


def test_k40_on_the_1st_each_owner_and_supervisor_with_birthdays_gets_the_months_list(march_birthdays):
    assert birthday_digests_generate(period="month", today=date(2026, 3, 1)) == 3

    assert digests() == {("li", "month", date(2026, 3, 1), 2), ("chen", "month", date(2026, 3, 1), 1),
                         ("wang", "month", date(2026, 3, 1), 3)}


@pytest.mark.parametrize("managers", [2, 12])
def test_k40_the_months_lists_cost_the_same_queries_for_2_or_12_recipients(managers, team, supervisor,
                                                                          django_assert_max_num_queries):
    """Each recipient's list is cut from one pass over the month's birthdays: the job once asked
    for every recipient's birthdays apart, 451 passes over a million contacts (over 7 min at
    100k accounts, docs/PERFORMANCE.md)."""
    for n in range(managers):
        birthday_contact(UserFactory(username=f"m{n}", team=team), 3, 5 + n, name=f"Contact {n}")
    # the lunar years twice, a savepoint and its release, the lists, the digests with their
    # recipients, the birthdays, their contacts and gifts, the supervisors' teams, the outbox rows
    with django_assert_max_num_queries(11):
        assert birthday_digests_generate(period="month", today=date(2026, 3, 1)) == managers + 1
    assert CareDigest.objects.get(recipient=supervisor).birthdays == managers


def test_k40_the_months_list_is_made_once_however_often_the_job_runs(march_birthdays):
    birthday_digests_generate(period="month", today=date(2026, 3, 1))

    assert birthday_digests_generate(period="month", today=date(2026, 3, 1)) == 0
    assert birthday_digests_generate(period="month", today=date(2026, 3, 2)) == 0
    assert CareDigest.objects.count() == 3


def test_k40_a_missed_1st_is_made_up_on_the_2nd_once(march_birthdays):
    assert birthday_digests_generate(period="month", today=date(2026, 3, 2)) == 3
    assert birthday_digests_generate(period="month", today=date(2026, 3, 3)) == 0

    assert {d.starts_on for d in CareDigest.objects.all()} == {date(2026, 3, 1)}


def test_k40_nobody_gets_a_list_for_a_month_without_birthdays(manager):
    birthday_contact(manager, 5, 1)

    assert birthday_digests_generate(period="month", today=date(2026, 3, 1)) == 0


def test_k40_the_months_lists_are_e_mailed_after_commit(march_birthdays, manager, eager_celery, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    with frozen(2026, 3, 1, hour=6), django_capture_on_commit_callbacks(execute=True) as callbacks:
        birthday_digests_generate(period="month", today=date(2026, 3, 1))
        assert mailoutbox == []  # nothing leaves before the lists are committed

    assert len(callbacks) == 1
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_recipient) == {"li@example.com", "chen@example.com", "wang@example.com"}
    to_li = by_recipient["li@example.com"]
    assert to_li.subject == "Birthdays this month"
    assert "Zhou" in to_li.body and "Sun" in to_li.body and "Wu" not in to_li.body
    assert all(name in by_recipient["wang@example.com"].body for name in ("Zhou", "Sun", "Wu"))
    assert "Zheng" not in "".join(mail.body for mail in mailoutbox)


def test_k40_a_second_run_sends_no_second_e_mail(march_birthdays, eager_celery, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    with frozen(2026, 3, 1, hour=6):
        with django_capture_on_commit_callbacks(execute=True):
            birthday_digests_generate(period="month", today=date(2026, 3, 1))
        with django_capture_on_commit_callbacks(execute=True) as again:
            birthday_digests_generate(period="month", today=date(2026, 3, 1))

    assert again == []
    assert len(mailoutbox) == 3


def test_k40_the_list_is_e_mailed_in_the_recipients_language(manager, eager_celery, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    manager.language = "zh-hans"
    manager.save()
    birthday_contact(manager, 3, 5)

    with frozen(2026, 3, 1, hour=6), django_capture_on_commit_callbacks(execute=True):
        birthday_digests_generate(period="month", today=date(2026, 3, 1))

    assert {mail.to[0]: mail.subject for mail in mailoutbox}["li@example.com"] == "本月生日"


def test_k40_a_lunar_birthday_in_the_e_mailed_list_reads_as_the_recipient_writes_it(
        manager, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    manager.language = "zh-hans"
    manager.save()
    birthday_contact(manager, 2, 1, calendar="lunar", name="Zhou")  # 农历二月初一 is 2026-03-19

    with frozen(2026, 3, 1, hour=6), django_capture_on_commit_callbacks(execute=True):
        birthday_digests_generate(period="month", today=date(2026, 3, 1))

    body = {m.to[0]: m.body for m in mailoutbox}["li@example.com"]
    assert "03-19 Zhou" in body and "农历二月初一（今年公历3月19日）" in body
    assert "lunar" not in body


def test_k40_the_last_gift_is_in_the_list(manager, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    from care.models import Gift

    contact = birthday_contact(manager, 3, 5)
    Gift.objects.create(contact=contact, given_on=date(2025, 3, 5), occasion="Birthday", gift="Pu'er tea cake",
                        given_by=manager)

    with frozen(2026, 3, 1, hour=6), django_capture_on_commit_callbacks(execute=True):
        birthday_digests_generate(period="month", today=date(2026, 3, 1))

    assert "Pu'er tea cake (2025-03-05)" in {m.to[0]: m.body for m in mailoutbox}["li@example.com"]


def test_k40_one_contacts_line_reads_in_each_recipients_language_with_only_the_newest_gift(
        manager, supervisor, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """A line is written once per contact and language for all the lists: the manager's English
    must not leak into the supervisor's Chinese list, nor the other way round."""
    from care.models import Gift

    supervisor.language = "zh-hans"
    supervisor.save()
    contact = birthday_contact(manager, 2, 1, calendar="lunar", name="Zhou")  # 农历二月初一 is 2026-03-19
    for given_on, gift in ((date(2024, 3, 1), "Silk scarf"), (date(2025, 3, 1), "Pu'er tea cake")):
        Gift.objects.create(contact=contact, given_on=given_on, occasion="Birthday", gift=gift, given_by=manager)

    with frozen(2026, 3, 1, hour=6), django_capture_on_commit_callbacks(execute=True):
        birthday_digests_generate(period="month", today=date(2026, 3, 1))

    bodies = {m.to[0]: m.body for m in mailoutbox}
    to_manager, to_supervisor = bodies["li@example.com"], bodies[supervisor.email]
    assert "- 03-19 Zhou (" in to_manager and "last gift: Pu'er tea cake (2025-03-01)" in to_manager
    assert "农历" not in to_manager and "Silk scarf" not in to_manager
    assert "农历二月初一（今年公历3月19日）" in to_supervisor
    assert "上次礼品: Pu'er tea cake (2025-03-01)" in to_supervisor
    assert "last gift" not in to_supervisor and "Silk scarf" not in to_supervisor


def test_k40_februarys_e_mailed_list_holds_only_february(manager, eager_celery, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    birthday_contact(manager, 2, 20, name="Zhou")
    birthday_contact(manager, 3, 2, name="Sun")

    with frozen(2026, 2, 1, hour=6), django_capture_on_commit_callbacks(execute=True):
        assert birthday_digests_generate(period="month", today=date(2026, 2, 1)) == 2  # li and wang

    body = {m.to[0]: m.body for m in mailoutbox}["li@example.com"]
    assert "Zhou" in body
    assert "Sun" not in body


def test_k40_on_monday_the_weeks_birthdays_are_re_checked_once(manager, supervisor):
    birthday_contact(manager, 3, 4)  # Wednesday of the week of Monday 2026-03-02
    birthday_contact(manager, 3, 9)  # next week

    assert birthday_digests_generate(period="week", today=date(2026, 3, 2)) == 2
    assert birthday_digests_generate(period="week", today=date(2026, 3, 2)) == 0
    assert birthday_digests_generate(period="week", today=date(2026, 3, 3)) == 0

    assert digests() == {("li", "week", date(2026, 3, 2), 1), ("wang", "week", date(2026, 3, 2), 1)}


def test_k40_a_missed_monday_is_made_up_later_that_week(manager):
    birthday_contact(manager, 3, 6)

    assert birthday_digests_generate(period="week", today=date(2026, 3, 4)) == 2
    assert {d.starts_on for d in CareDigest.objects.all()} == {date(2026, 3, 2)}


def test_k40_the_weekly_list_is_e_mailed(manager, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    birthday_contact(manager, 3, 4, name="Zhou")

    with frozen(2026, 3, 2, hour=6), django_capture_on_commit_callbacks(execute=True):
        birthday_digests_generate(period="week", today=date(2026, 3, 2))

    to_li = {m.to[0]: m for m in mailoutbox}["li@example.com"]
    assert to_li.subject == "Birthdays this week"
    assert "Zhou" in to_li.body


def test_k40_the_week_and_the_month_lists_are_separate(manager):
    birthday_contact(manager, 3, 4)

    birthday_digests_generate(period="month", today=date(2026, 3, 1))
    birthday_digests_generate(period="week", today=date(2026, 3, 2))

    assert {(d.period, d.starts_on) for d in CareDigest.objects.filter(recipient=manager)} == {
        ("month", date(2026, 3, 1)), ("week", date(2026, 3, 2))}


def test_k40_a_lunar_birthday_is_in_the_month_of_its_solar_day(manager):
    birthday_contact(manager, 8, 15, calendar="lunar")

    assert birthday_digests_generate(period="month", today=date(2026, 8, 1)) == 0
    assert birthday_digests_generate(period="month", today=date(2026, 9, 1)) == 2


def test_k40_lists_made_while_the_broker_is_down_are_mailed_by_the_outbox_sweep_once(
        march_birthdays, smtp_receiver, monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from kombu.exceptions import OperationalError

    from core import outbox
    from core import tasks as outbox_tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")
    monkeypatch.setattr(outbox_tasks.outbox_send, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assert birthday_digests_generate(period="month", today=date(2026, 3, 1)) == 3
    assert smtp_receiver.messages == []

    later = timezone.now() + timedelta(minutes=2)
    assert outbox.outbox_sweep(now=later) == 3
    assert outbox.outbox_sweep(now=later + timedelta(hours=1)) == 0
    assert birthday_digests_generate(period="month", today=date(2026, 3, 2)) == 0
    assert outbox.outbox_sweep(now=later + timedelta(hours=2)) == 0
    assert sorted(smtp_receiver.to()) == ["chen@example.com", "li@example.com", "wang@example.com"]
    assert smtp_receiver.subjects() == ["Birthdays this month"] * 3
