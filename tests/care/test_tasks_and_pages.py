"""K-44, care as scheduled work: a task is done with its outcome by its owner (or their
supervisor), a call or visit counts as a touch, a task is skipped or moved only with a
reason. The care pages (K-40..K-43): my tasks by overdue / today / this week, the birthday
list with the last gift, gifts, events, and the admins' settings. Pages cost a fixed number
of queries however many rows lie behind them, and a real worker runs the birthday job."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from accounts.models import Account
from care.models import CareTask, Event, Gift, HolidayCalendar, MessageTemplate
from care.services import care_task_done, care_task_skip, care_task_snooze
from tests.clock import frozen
from tests.factories import AccountFactory, ContactFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
# Every logged-in request reads the session and the user and saves the session (3 queries); in a
# test's transaction the save is wrapped in a savepoint (2 more); the navigation's bell counts the
# unread notifications (1, issue 18).
SESSION_QUERIES = 3 + 2 + 1


@pytest.fixture
def real_clock():
    """A test that asks for it runs on the real clock (a worker thread reads today's date)."""


@pytest.fixture(autouse=True)
def on_march_10th(request):
    if "real_clock" in request.fixturenames:
        yield
        return
    with frozen(2026, 3, 10):
        yield


@pytest.fixture
def haier(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def zhou(haier):
    return ContactFactory(account=haier, name="Zhou", birth_month=3, birth_day=20)


def make_task(contact, due_on=TODAY, kind="birthday", channel="call", **fields):
    return CareTask.objects.create(kind=kind, account=contact.account, contact=contact, occasion=str(due_on),
                                   owner=contact.account.owner, due_on=due_on, channel=channel, **fields)


@pytest.fixture
def task(zhou):
    return make_task(zhou)


def touches(account):
    return Account.objects.get(pk=account.pk).touches_since_review


# --- K-44: done, with its outcome ------------------------------------------------------------------------------


def test_k44_the_owner_marks_a_task_done_with_its_outcome(task, manager):
    care_task_done(task=task, by=manager, outcome="Called her; she is back from Hainan.")

    task.refresh_from_db()
    assert (task.status, task.outcome, task.done_by) == ("done", "Called her; she is back from Hainan.", manager)
    assert task.done_at == timezone.now()


def test_k44_the_owners_supervisor_may_close_the_task(task, supervisor):
    care_task_done(task=task, by=supervisor, outcome="Called on Li's behalf.")

    assert CareTask.objects.get(pk=task.pk).done_by == supervisor


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_k44_nobody_else_works_on_someone_elses_task(task, request, who):
    with pytest.raises(PermissionDenied):
        care_task_done(task=task, by=request.getfixturevalue(who), outcome="Called.")

    assert CareTask.objects.get(pk=task.pk).status == "open"


def test_k44_the_outcome_is_required(task, manager):
    with pytest.raises(ValidationError) as error:
        care_task_done(task=task, by=manager, outcome="   ")

    assert "outcome" in error.value.message_dict
    assert CareTask.objects.get(pk=task.pk).status == "open"


def test_k44_a_call_done_is_logged_as_a_touch_on_the_account(task, manager, haier, zhou):
    before = touches(haier)

    care_task_done(task=task, by=manager, outcome="Sang happy birthday.", channel="call")

    [visit] = Visit.objects.filter(account=haier)
    assert (visit.author, visit.channel, visit.summary, visit.customer_replied) == (
        manager, "phone", "Sang happy birthday.", True)
    assert list(visit.contacts.all()) == [zhou]
    assert visit.purpose == "One-to-one birthday call: Zhou"
    assert touches(haier) == before + 1


def test_k44_a_visit_done_is_logged_as_an_on_site_visit(task, manager, haier):
    care_task_done(task=task, by=manager, outcome="Brought a cake.", channel="visit")

    assert Visit.objects.get(account=haier).channel == "on_site"


def test_k43_a_gift_done_is_no_touch(task, manager, haier):
    before = touches(haier)

    care_task_done(task=task, by=manager, outcome="Sent flowers.", channel="gift")

    assert not Visit.objects.filter(account=haier).exists()
    assert touches(haier) == before
    assert CareTask.objects.get(pk=task.pk).channel == "gift"


def test_k44_a_task_is_done_only_once(task, manager, haier):
    care_task_done(task=task, by=manager, outcome="Called.")

    with pytest.raises(ValidationError):
        care_task_done(task=task, by=manager, outcome="Called again.")

    assert CareTask.objects.get(pk=task.pk).outcome == "Called."
    assert Visit.objects.filter(account=haier).count() == 1


def test_k44_skipping_needs_a_reason(task, manager):
    with pytest.raises(ValidationError):
        care_task_skip(task=task, by=manager, reason=" ")

    care_task_skip(task=task, by=manager, reason="She asked not to be called at work.")

    task.refresh_from_db()
    assert (task.status, task.outcome, task.done_by) == ("skipped", "She asked not to be called at work.", manager)


def test_k44_a_done_task_cannot_be_skipped(task, manager):
    care_task_done(task=task, by=manager, outcome="Called.")

    with pytest.raises(ValidationError):
        care_task_skip(task=task, by=manager, reason="Too late.")


def test_k44_snoozing_moves_the_due_day_with_a_reason(task, manager):
    care_task_snooze(task=task, by=manager, until=TODAY + timedelta(days=2), reason="She is travelling.")

    task.refresh_from_db()
    assert (task.due_on, task.snooze_reason, task.status) == (TODAY + timedelta(days=2), "She is travelling.", "open")


@pytest.mark.parametrize(("until", "reason"), [(TODAY, "Busy."), (TODAY - timedelta(days=1), "Busy."),
                                               (TODAY + timedelta(days=1), "")],
                         ids=["today", "yesterday", "no reason"])
def test_k44_snoozing_needs_a_later_day_and_a_reason(task, manager, until, reason):
    with pytest.raises(ValidationError):
        care_task_snooze(task=task, by=manager, until=until, reason=reason)

    assert CareTask.objects.get(pk=task.pk).due_on == TODAY


def test_k44_an_outsider_cannot_move_or_skip_a_task(task, outsider):
    with pytest.raises(PermissionDenied):
        care_task_snooze(task=task, by=outsider, until=TODAY + timedelta(days=1), reason="Hm.")
    with pytest.raises(PermissionDenied):
        care_task_skip(task=task, by=outsider, reason="Hm.")


# --- My care tasks page -----------------------------------------------------------------------------------------


@pytest.fixture
def my_week(zhou):
    """One task overdue, one today, one later this week and one next week."""
    return {
        "overdue": make_task(zhou, TODAY - timedelta(days=2), title="Overdue call"),
        "today": make_task(zhou, TODAY, title="Today's call"),
        "week": make_task(zhou, TODAY + timedelta(days=3), title="Thursday's call"),
        "later": make_task(zhou, TODAY + timedelta(days=10), title="Next week's call"),
    }


def sections_of(response):
    return {key: [t.title for t in tasks] for key, _label, tasks in response.context["sections"]}


def test_k44_the_owner_sees_overdue_today_and_this_week(client, manager, my_week):
    client.force_login(manager)

    response = client.get(reverse("care:home"))

    assert response.status_code == 200
    assert sections_of(response) == {"overdue": ["Overdue call"], "today": ["Today's call"],
                                     "week": ["Thursday's call"]}
    html = response.content.decode()
    assert "Thursday&#x27;s call" in html and "Next week" not in html


def test_k44_the_supervisor_sees_the_teams_tasks(client, supervisor, my_week):
    client.force_login(supervisor)

    assert sections_of(client.get(reverse("care:home")))["today"] == ["Today's call"]


def test_k44_an_outsider_sees_none_of_them(client, outsider, my_week):
    client.force_login(outsider)

    response = client.get(reverse("care:home"))

    assert sections_of(response) == {"overdue": [], "today": [], "week": []}
    assert "Overdue call" not in response.content.decode()


def test_k44_closed_tasks_leave_the_page(client, manager, my_week):
    care_task_done(task=my_week["today"], by=manager, outcome="Called.", channel="gift")
    client.force_login(manager)

    assert sections_of(client.get(reverse("care:home")))["today"] == []


def test_k44_done_from_the_page(client, manager, task):
    client.force_login(manager)

    response = client.post(reverse("care:task-done", args=[task.pk]),
                           {"outcome": "Sent a tea set with a card.", "channel": "gift"})

    assertRedirects(response, reverse("care:home"))
    task.refresh_from_db()
    assert (task.status, task.outcome, task.channel) == ("done", "Sent a tea set with a card.", "gift")


def test_k44_done_from_the_page_without_an_outcome_says_why_and_keeps_it_open(client, manager, task):
    client.force_login(manager)

    response = client.post(reverse("care:task-done", args=[task.pk]), {"outcome": "", "channel": "call"},
                           follow=True)

    assert "the outcome is the point of the task" in response.content.decode()
    assert CareTask.objects.get(pk=task.pk).status == "open"


def test_k44_an_outsider_posting_done_gets_404(client, outsider, task):
    client.force_login(outsider)

    response = client.post(reverse("care:task-done", args=[task.pk]), {"outcome": "x", "channel": "call"})

    assert response.status_code == 404
    assert CareTask.objects.get(pk=task.pk).status == "open"


def test_k44_move_and_skip_from_the_page(client, manager, zhou):
    moved, skipped = make_task(zhou, title="A"), make_task(zhou, TODAY - timedelta(days=1), title="B")
    client.force_login(manager)

    client.post(reverse("care:task-snooze", args=[moved.pk]), {"until": "2026-03-12", "reason": "Travelling."})
    client.post(reverse("care:task-skip", args=[skipped.pk]), {"reason": "Wrong number."})

    moved.refresh_from_db()
    skipped.refresh_from_db()
    assert (moved.due_on, moved.snooze_reason) == (date(2026, 3, 12), "Travelling.")
    assert (skipped.status, skipped.outcome) == ("skipped", "Wrong number.")


def many_tasks(owner, n):
    for i in range(n):
        contact = ContactFactory(account=AccountFactory(owner=owner))
        make_task(contact, TODAY + timedelta(days=i % 7 - 2), title="" if i % 2 else f"Task {i}")


def test_k44_my_care_page_costs_the_same_queries_for_few_and_many_tasks(client, manager,
                                                                     django_assert_max_num_queries):
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry was just pushed: not this page's cost
    many_tasks(manager, 3)
    # One query per section: overdue, today, this week.
    with django_assert_max_num_queries(SESSION_QUERIES + 3) as few:
        client.get(reverse("care:home"))

    many_tasks(manager, 60)
    with django_assert_max_num_queries(SESSION_QUERIES + 3) as many:
        response = client.get(reverse("care:home"))

    assert len(many) == len(few)
    assert sum(len(tasks) for _key, _label, tasks in response.context["sections"]) == 63


# --- K-40 the birthday list, K-43 gifts --------------------------------------------------------------------------


def test_k40_the_birthday_page_lists_this_months_birthdays_with_the_last_gift(client, manager, zhou, haier):
    Gift.objects.create(contact=zhou, given_on=date(2024, 3, 20), occasion="Birthday", gift="Silk scarf",
                        given_by=manager)
    Gift.objects.create(contact=zhou, given_on=date(2025, 3, 20), occasion="Birthday", gift="Tea set",
                        given_by=manager)
    ContactFactory(account=haier, name="Sun", birth_month=4, birth_day=2)
    client.force_login(manager)

    response = client.get(reverse("care:birthdays"))

    html = response.content.decode()
    assert [(row.contact, row.birthday_on) for row in response.context["rows"]] == [(zhou, date(2026, 3, 20))]
    assert "Tea set" in html and "(2025-03-20)" in html
    assert "Silk scarf" not in html and "Sun" not in html
    assert reverse("care:gift-add", args=[zhou.pk]) in html


def test_k40_the_birthday_page_shows_a_lunar_birthday_on_its_solar_day(client, manager, haier):
    liu = ContactFactory(account=haier, name="Liu", birthday_calendar="lunar", birth_month=1, birth_day=22)
    client.force_login(manager)

    response = client.get(reverse("care:birthdays"))

    # Lunar 2026-01-22 is 2026-03-10.
    assert [(row.contact, row.birthday_on) for row in response.context["rows"]] == [(liu, date(2026, 3, 10))]
    assert "lunar month 1, day 22" in response.content.decode()


def test_k40_the_weekly_birthday_page(client, manager, haier):
    ContactFactory(account=haier, name="Wu", birth_month=3, birth_day=14)
    ContactFactory(account=haier, name="Zheng", birth_month=3, birth_day=20)
    client.force_login(manager)

    response = client.get(reverse("care:birthdays"), {"period": "week"})

    assert [row.contact.name for row in response.context["rows"]] == ["Wu"]


def test_k40_an_outsider_does_not_see_our_birthdays(client, outsider, zhou):
    client.force_login(outsider)

    assert client.get(reverse("care:birthdays")).context["rows"] == []


def test_k40_an_impossible_month_in_the_address_falls_back_to_this_month(client, manager, zhou):
    client.force_login(manager)

    response = client.get(reverse("care:birthdays"), {"month": "2026-13"})

    assert response.status_code == 200


def many_birthdays(owner, n):
    for i in range(n):
        contact = ContactFactory(account=AccountFactory(owner=owner), birth_month=3, birth_day=1 + i % 28)
        Gift.objects.create(contact=contact, given_on=date(2025, 3, 1), occasion="Birthday", gift="Tea",
                            given_by=owner)


def test_k40_the_birthday_page_costs_the_same_queries_for_few_and_many(client, supervisor, manager, teammate,
                                                                       django_assert_max_num_queries):
    client.force_login(supervisor)
    client.get(reverse("home"))  # the session's expiry was just pushed: not this page's cost
    many_birthdays(manager, 2)
    # The team, the lunar-table check, the birthday SQL, the contacts and their gifts.
    with django_assert_max_num_queries(SESSION_QUERIES + 5) as few:
        client.get(reverse("care:birthdays"))

    many_birthdays(manager, 30)
    many_birthdays(teammate, 30)
    with django_assert_max_num_queries(SESSION_QUERIES + 5) as many:
        response = client.get(reverse("care:birthdays"))

    assert len(many) == len(few)
    assert len(response.context["rows"]) == 62


def test_k43_the_owner_records_a_gift_with_its_story(client, manager, zhou):
    client.force_login(manager)

    assert client.get(reverse("care:gift-add", args=[zhou.pk])).status_code == 200
    response = client.post(reverse("care:gift-add", args=[zhou.pk]), {
        "given_on": "2026-03-10", "occasion": "Birthday", "gift": "Longjing tea", "value": "280",
        "story": "She mentioned her hometown near West Lake."})

    assertRedirects(response, zhou.get_absolute_url())
    gift = Gift.objects.get(contact=zhou)
    assert (gift.gift, gift.given_by, gift.given_on, str(gift.value)) == (
        "Longjing tea", manager, date(2026, 3, 10), "280.00")


@pytest.mark.parametrize("who, refusal", [("outsider", 404), ("teammate", 403)])
def test_k43_only_those_who_may_edit_the_account_record_gifts(client, request, zhou, who, refusal):
    """The outsider does not see the contact (404); the teammate sees it but may not act (403)."""
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("care:gift-add", args=[zhou.pk])).status_code == refusal
    response = client.post(reverse("care:gift-add", args=[zhou.pk]),
                           {"given_on": "2026-03-10", "occasion": "Birthday", "gift": "Tea"})
    assert response.status_code == refusal
    assert not Gift.objects.exists()


def test_k43_a_gift_of_negative_value_is_refused(client, manager, zhou):
    client.force_login(manager)

    response = client.post(reverse("care:gift-add", args=[zhou.pk]),
                           {"given_on": "2026-03-10", "occasion": "Birthday", "gift": "Tea", "value": "-5"})

    assert response.status_code == 200
    assert not Gift.objects.exists()


# --- K-42 events ---------------------------------------------------------------------------------------------------


def test_k42_the_owner_adds_an_event_on_an_account_and_gets_its_task(client, manager, haier,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("care:event-add") + f"?account={haier.pk}",
                               {"kind": "major_event", "title": "Store opening", "date": "2026-03-15"})

    assertRedirects(response, haier.get_absolute_url(), fetch_redirect_response=False)
    event = Event.objects.get()
    assert (event.account, event.contact, event.created_by) == (haier, None, manager)
    [task] = CareTask.objects.filter(kind="major_event")
    assert (task.account, task.owner, task.due_on) == (haier, manager, date(2026, 3, 15))


def test_k42_a_personal_event_on_a_contact(client, manager, zhou, django_capture_on_commit_callbacks):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("care:event-add") + f"?contact={zhou.pk}",
                    {"kind": "personal_event", "title": "Wedding", "date": "2026-03-14"})

    event = Event.objects.get()
    assert (event.account, event.contact) == (None, zhou)
    assert CareTask.objects.get(kind="personal_event").contact == zhou


def test_k42_a_manager_cannot_declare_a_regional_event(client, manager, haier):
    client.force_login(manager)

    assert client.get(reverse("care:event-add")).status_code == 404
    response = client.post(reverse("care:event-add") + f"?account={haier.pk}",
                           {"kind": "regional_event", "title": "Typhoon", "date": "2026-03-10", "region": "华东"})
    assert response.status_code == 200  # the form offers no regional kind
    assert not Event.objects.exists()


def test_k42_an_outsider_cannot_add_events_to_our_accounts(client, outsider, haier):
    client.force_login(outsider)

    assert client.get(reverse("care:event-add") + f"?account={haier.pk}").status_code == 404


def test_k42_an_admin_declares_a_regional_event(client, admin, manager, django_capture_on_commit_callbacks):
    canton = ContactFactory(account=AccountFactory(owner=manager, region="广东"))
    ContactFactory(account=AccountFactory(owner=manager, region="华东"))
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("care:event-add"), {"kind": "regional_event", "title": "Typhoon Saola",
                                                           "date": "2026-03-10", "region": "广东"})

    assertRedirects(response, reverse("care:home"))
    assert [t.contact for t in CareTask.objects.filter(kind="regional_event")] == [canton]


# --- K-41 settings: admins only --------------------------------------------------------------------------------------


SETTINGS_PAGES = ["care:settings", "care:template-add", "care:calendar-add", "care:occasion-add"]


@pytest.mark.parametrize("page", SETTINGS_PAGES)
@pytest.mark.parametrize("who", ["manager", "supervisor"])
def test_k41_care_settings_are_for_admins_only(client, request, page, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(page)).status_code == 404


def test_k41_nobody_but_an_admin_edits_a_template_or_calendar(client, manager):
    client.force_login(manager)
    template = MessageTemplate.objects.get()
    calendar = HolidayCalendar.objects.get()

    assert client.get(reverse("care:template-edit", args=[template.pk])).status_code == 404
    assert client.post(reverse("care:calendar-edit", args=[calendar.pk]), {"days_ahead": "9"}).status_code == 404
    assert HolidayCalendar.objects.get().days_ahead == 3


def test_k41_an_admin_sees_the_default_greeting_and_china_calendar(client, admin):
    client.force_login(admin)

    html = client.get(reverse("care:settings")).content.decode()

    assert "Festival greeting" in html and "CN" in html


def test_k41_an_admin_adds_a_template_and_a_calendar(client, admin):
    client.force_login(admin)

    response = client.post(reverse("care:template-add"), {
        "name": "Hong Kong greeting", "channel": "sms", "body_en": "Dear {name}, happy {occasion}! {sender}",
        "body_zh_hans": "{name}，{occasion}快乐！{sender}", "body_zh_hant": "{name}，{occasion}快樂！{sender}"})
    assertRedirects(response, reverse("care:settings"))
    template = MessageTemplate.objects.get(name="Hong Kong greeting")

    response = client.post(reverse("care:calendar-add"), {"country": "HK", "subdivision": "", "days_ahead": "2",
                                                          "template": template.pk, "is_active": "on"})
    assertRedirects(response, reverse("care:settings"))
    calendar = HolidayCalendar.objects.get(country="HK")
    assert (calendar.days_ahead, calendar.template, calendar.is_active) == (2, template, True)


def test_k41_an_admin_adds_an_occasion(client, admin):
    client.force_login(admin)

    response = client.post(reverse("care:occasion-add"), {
        "name": "Customer Day", "date": "2026-05-20", "yearly": "on", "days_ahead": "5",
        "template": MessageTemplate.objects.get().pk})

    assertRedirects(response, reverse("care:settings"))
    assert "Customer Day" in client.get(reverse("care:settings")).content.decode()


def test_k41_care_setting_save_is_for_admins_and_validates(admin, supervisor):
    from care.services import care_setting_save

    calendar = HolidayCalendar.objects.get()
    calendar.days_ahead = 9
    with pytest.raises(PermissionDenied):
        care_setting_save(setting=calendar, by=supervisor)
    assert HolidayCalendar.objects.get().days_ahead == 3
    care_setting_save(setting=calendar, by=admin)
    assert HolidayCalendar.objects.get().days_ahead == 9
    template = MessageTemplate(name="", channel="sms", body_en="x")
    with pytest.raises(ValidationError):
        care_setting_save(setting=template, by=admin)


# --- A real worker runs the birthday job ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_k40_a_worker_makes_todays_birthday_call_and_records_the_run(real_clock):
    from celery.contrib.testing.worker import start_worker

    from care.defaults import ensure_care_defaults
    from config.celery import app
    from core.models import JobRun
    from tests.factories import UserFactory

    ensure_care_defaults()  # a transactional test starts from empty tables
    today = timezone.localdate()
    owner = UserFactory(username="li")
    birthday = ContactFactory(account=AccountFactory(owner=owner), birth_month=today.month, birth_day=today.day)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task("care.tasks.birthday_tasks_generate")
        deadline = time.monotonic() + 20
        while (not JobRun.objects.filter(task="care.tasks.birthday_tasks_generate", status="succeeded").exists()
               and time.monotonic() < deadline):
            time.sleep(0.2)

    [task] = CareTask.objects.filter(kind="birthday")
    assert (task.contact, task.owner, task.due_on) == (birthday, owner, today)
    run = JobRun.objects.get(task="care.tasks.birthday_tasks_generate")
    assert (run.status, run.rows) == ("succeeded", 1)


# --- K-43 a gift is recorded by its service (issue 14) ------------------------------------------------------

def test_k43_gift_record_keeps_the_story(manager, zhou):
    from care.services import gift_record

    gift = gift_record(contact=zhou, by=manager, given_on=date(2026, 3, 1), occasion="Birthday", gift="Tea set",
                       value=Decimal("300"), story="He collects Yixing pots.")
    assert (gift.contact, gift.given_by, gift.story) == (zhou, manager, "He collects Yixing pots.")


def test_k43_gift_record_refuses_a_negative_value(manager, zhou):
    from care.services import gift_record

    with pytest.raises(ValidationError):
        gift_record(contact=zhou, by=manager, given_on=date(2026, 3, 1), occasion="x", gift="x", value=Decimal("-1"))
    assert not Gift.objects.exists()


def test_k43_a_colleague_who_sees_the_contact_may_not_record_a_gift(teammate, zhou):
    from care.services import gift_record

    with pytest.raises(PermissionDenied):
        gift_record(contact=zhou, by=teammate, given_on=date(2026, 3, 1), occasion="x", gift="x")
    assert not Gift.objects.exists()


def test_k41_the_calendar_page_saves_its_teams_through_the_service(client, admin, team):
    client.force_login(admin)
    template = MessageTemplate.objects.get()
    response = client.post(reverse("care:calendar-add"), {"country": "HK", "subdivision": "", "days_ahead": "2",
                                                          "template": template.pk, "teams": [team.pk],
                                                          "is_active": "on"})
    assertRedirects(response, reverse("care:settings"))
    assert list(HolidayCalendar.objects.get(country="HK").teams.all()) == [team]
