"""K-22 and X-02: each kind's deadline, set by admins, optionally on working time — a calendar that
knows China's make-up workdays (调休, from the holidays package) — with a frozen clock."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from core.calendars import add_working_hours, is_working_day
from tests.clock import SHANGHAI, frozen
from visits.models import DeadlineRule

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_x02_the_calendar_knows_the_spring_festival_2026_make_up_saturdays():
    # 2026: Spring Festival off 15–23 February; Saturday the 14th and Saturday the 28th are worked.
    assert is_working_day(at(2026, 2, 14).date(), "CN")
    assert is_working_day(at(2026, 2, 28).date(), "CN")
    assert not is_working_day(at(2026, 2, 16).date(), "CN")
    assert not is_working_day(at(2026, 2, 21).date(), "CN")  # an ordinary Saturday, inside the holiday


def test_x02_working_hours_count_the_make_up_saturday_and_skip_the_holiday():
    friday = at(2026, 2, 13, 17)
    assert add_working_hours(friday, 24, country="CN") == at(2026, 2, 14, 17)  # Saturday is worked (调休)
    saturday = at(2026, 2, 14, 17)
    assert add_working_hours(saturday, 24, country="CN") == at(2026, 2, 24, 17)  # the holiday stops the clock
    ordinary_friday = at(2026, 3, 13, 17)
    assert add_working_hours(ordinary_friday, 24, country="CN") == at(2026, 3, 16, 17)  # the weekend does too
    sunday = at(2026, 3, 15, 10)
    assert add_working_hours(sunday, 4, country="CN") == at(2026, 3, 16, 4)  # starts with the next working day


def test_k22_a_complaint_on_working_time_logged_before_the_make_up_weekend(log_complaint, service):
    DeadlineRule.objects.create(subject="complaint", hours=24, working_time=True)
    with frozen(2026, 2, 13, 17):
        issue = log_complaint(department=service)
    assert issue.due_at == at(2026, 2, 14, 17)
    with frozen(2026, 2, 14, 17):
        later = log_complaint(department=service)
    assert later.due_at == at(2026, 2, 24, 17)


def test_k22_without_working_time_a_complaint_is_due_in_24_clock_hours(log_complaint, service):
    with frozen(2026, 2, 14, 17):
        issue = log_complaint(department=service)
    assert issue.due_at == at(2026, 2, 15, 17)


def test_k27_each_green_channel_stage_has_its_own_deadline(account, manager, service):
    from visits.services import green_request_create, green_request_dispatch

    DeadlineRule.objects.create(subject="green_dispatch", hours=2)
    DeadlineRule.objects.create(subject="green_completion", hours=24, working_time=True)
    with frozen(2026, 2, 13, 16):
        request = green_request_create(account=account, by=manager, title="Spare parts")
        assert request.dispatch_due_at == at(2026, 2, 13, 18)
    with frozen(2026, 2, 13, 17):
        green_request_dispatch(request=request, by=manager, department=service)
    assert request.completion_due_at == at(2026, 2, 14, 17)


def test_x02_admins_set_the_deadlines_and_bad_hours_are_refused_by_the_field(client, admin, manager):
    url = reverse("departments:deadlines")
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    subjects = DeadlineRule.Subject.values
    data = {"form-TOTAL_FORMS": len(subjects), "form-INITIAL_FORMS": len(subjects),
            "form-MIN_NUM_FORMS": len(subjects), "form-MAX_NUM_FORMS": len(subjects)}
    for n, subject in enumerate(subjects):
        data |= {f"form-{n}-subject": subject, f"form-{n}-hours": "24" if subject == "complaint" else "72"}
    data["form-0-working_time"] = "on"
    bad = client.post(url, {**data, "form-1-hours": "-3"})
    assert bad.status_code == 200 and "greater than or equal to 1" in bad.content.decode()
    assert not DeadlineRule.objects.exists()
    assert client.post(url, data).status_code == 302
    rules = {rule.subject: (rule.hours, rule.working_time) for rule in DeadlineRule.objects.all()}
    assert rules["complaint"] == (24, True) and rules["request"] == (72, False)
    assert client.post(url, {**data, "form-TOTAL_FORMS": "abc"}).status_code in (200, 400)


def test_x02_a_rule_changed_later_leaves_logged_deadlines_alone(log_complaint, service):
    with frozen(2026, 3, 18, 9):
        issue = log_complaint(department=service)
        DeadlineRule.objects.create(subject="complaint", hours=8)
    issue.refresh_from_db()
    assert issue.due_at == at(2026, 3, 18, 9) + timedelta(hours=24)
