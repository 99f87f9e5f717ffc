"""Issue 16, done when: after `seed_demo` and one run of every beat job, the generated work is
real. No open after-sales task for an order signed more than a month ago (K-26) other than the
month's value review of a contract still running; no two open care tasks for one contact of the
same kind and occasion period (K-44, K-41: 除夕 and 春节 are one); no two events in a calendar feed
with the same date and summary. Seeded on 2027-02-03, two days before 除夕, so that the Spring
Festival's greetings are due."""

import importlib
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from care.models import CareTask
from config.celery import app
from feeds.services import calendar_feed_token_issue
from tests.clock import frozen
from users.models import User

pytestmark = pytest.mark.django_db

# Independent of care.defaults: what a manager calls one festival.
ONE_FESTIVAL = {"Chinese New Year's Eve": "Spring Festival", "Chinese New Year (Spring Festival)": "Spring Festival"}


def run_every_beat_job():
    for entry in app.conf.beat_schedule.values():
        module, name = entry["task"].rsplit(".", 1)
        getattr(importlib.import_module(module), name)()


@pytest.fixture
def demo(eager_celery):
    with frozen(2027, 2, 3, tick=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
        run_every_beat_job()
        yield timezone.localdate()


def occasion_period(task):
    if task.kind != CareTask.Kind.HOLIDAY:
        return task.occasion
    name = task.occasion_names.get("en") or task.occasion.split("|")[-1]
    return task.due_on.year, ONE_FESTIVAL.get(name, name)


def test_no_after_sales_task_for_an_order_signed_more_than_a_month_ago(demo):
    month_ago = demo - timedelta(days=31)
    old = (CareTask.objects.open().filter(kind="after_sales", after_sales_step__order__signed_on__lt=month_ago)
           .select_related("after_sales_step__order"))
    # K-26's monthly value review is the one step a running contract has every month, on its signing day.
    assert [(t.after_sales_step.kind, t.due_on.month) for t in old] == [("value_review", demo.month)] * len(old)
    for task in old:
        order = task.after_sales_step.order
        months_run = (demo.year - order.signed_on.year) * 12 + demo.month - order.signed_on.month
        assert order.contract_months and months_run < order.contract_months  # still running
    letters = CareTask.objects.open().filter(kind="after_sales", after_sales_step__kind__in=[
        "start_letter", "usage_guidance"], after_sales_step__order__signed_on__lt=demo - timedelta(days=3))
    assert not letters.exists()


def test_no_two_open_care_tasks_for_one_contact_share_a_kind_and_occasion_period(demo):
    tasks = list(CareTask.objects.open().filter(contact__isnull=False))
    assert any(t.kind == "holiday" and "Spring Festival" in t.occasion for t in tasks)  # the greetings are due
    seen = Counter((t.contact_id, t.kind, occasion_period(t)) for t in tasks)
    assert [key for key, n in seen.items() if n > 1] == []


def test_no_calendar_feed_holds_two_events_with_the_same_date_and_summary(demo, client):
    checked = 0
    for user in User.objects.filter(is_active=True):
        token = calendar_feed_token_issue(user=user)
        feed = Calendar.from_ical(client.get(reverse("feeds:feed", args=[token.secret])).content)
        events = Counter((event.decoded("DTSTART"), str(event["SUMMARY"])) for event in feed.walk("VEVENT"))
        assert [key for key, n in events.items() if n > 1] == [], user.username
        checked += sum(events.values())
    assert checked > 10  # the demo's managers have work in their calendars
