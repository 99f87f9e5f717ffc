"""Issue 18: the daily "your day" digest — care due today, accounts overdue for contact, issues
due — once per person per day from the configured hour, skipped when there is nothing."""

import time as clock
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from care.models import CareTask
from notifications.models import Notification
from reports.digest import daily_digest
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def morning(hour=9):
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()).replace(hour=hour))


def care(owner, kind="birthday", days_ago=0, n=1):
    for i in range(n):
        contact = ContactFactory(account=AccountFactory(owner=owner))
        CareTask.objects.create(kind=kind, account=contact.account, contact=contact, occasion=f"{kind}-{i}",
                                owner=owner, due_on=timezone.localdate() - timedelta(days=days_ago), channel="call")


def test_the_digest_tells_each_person_with_something_due_once_a_day(manager, teammate, supervisor, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 8
    care(manager, n=2)
    care(manager, kind="cadence", days_ago=3)
    care(teammate, days_ago=-2)  # next week: not today's

    assert daily_digest(now=morning(7)) == 0  # before the hour
    assert daily_digest(now=morning(9)) == 1
    assert daily_digest(now=morning(10)) == 0  # the hourly job again: once a day
    [digest] = Notification.objects.all()
    assert digest.recipient == manager and digest.kind == "digest"
    assert digest.text == "Your day: 2 care tasks, 1 accounts overdue for contact, 0 customer issues due"
    assert not Notification.objects.filter(recipient__in=[teammate, supervisor]).exists()  # nothing: no digest


def test_the_digest_for_500_people_is_made_in_seconds(settings, team):
    settings.NOTIFICATIONS_DIGEST_HOUR = 8
    people = [UserFactory(team=team) for _ in range(500)]
    account = AccountFactory(owner=people[0])
    contact = ContactFactory(account=account)
    CareTask.objects.bulk_create([
        CareTask(kind="birthday", account=account, contact=contact, occasion=f"o{i}", owner=person,
                 due_on=timezone.localdate(), channel="call") for i, person in enumerate(people)])
    started = clock.monotonic()
    assert daily_digest(now=morning(9)) == 500
    elapsed = clock.monotonic() - started
    print(f"daily digest, 500 people: {elapsed:.2f} s")
    assert elapsed < 10  # 0.3 s measured (one INSERT each for the notifications and the e-mails)
