"""Issue 18, events: customer issues near their deadline tell the owner and overdue ones the
supervisor (K-22); an import that finished or failed tells its uploader. Once per occurrence."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import AccountFactory
from tests.imports.test_imports import csv_file, import_file
from visits.models import CustomerIssue
from visits.services import issue_deadlines_notify, visit_log

pytestmark = pytest.mark.django_db


def told(user):
    return [(n.kind, n.text) for n in Notification.objects.filter(recipient=user).order_by("pk")]


@pytest.fixture
def issue(manager):
    account = AccountFactory(name="Haier", owner=manager)
    visit = visit_log(account=account, by=manager, channel="on_site", occurred_at=timezone.now(), purpose="Review",
                      summary="Plan.", issues=[{"kind": "complaint", "description": "Two late deliveries."}])
    return CustomerIssue.objects.get(visit=visit)


def due_in(issue, hours):
    CustomerIssue.objects.filter(pk=issue.pk).update(due_at=timezone.now() + timedelta(hours=hours))


def test_k22_an_issue_near_its_deadline_tells_the_owner_once(issue, manager, supervisor):
    due_in(issue, 30)
    assert issue_deadlines_notify() == 0  # not near yet
    due_in(issue, 2)
    assert issue_deadlines_notify() == 1
    assert issue_deadlines_notify() == 0
    [(kind, text)] = told(manager)
    assert kind == "issue_due" and text.startswith("Customer issue at Haier is due ")
    assert Notification.objects.get().link == f"/departments/issues/{issue.pk}/"  # the issue's trail
    assert told(supervisor) == []


def test_k22_an_overdue_issue_escalates_to_the_supervisor_once(issue, manager, supervisor):
    due_in(issue, -1)
    assert issue_deadlines_notify() == 1
    assert issue_deadlines_notify() == 0
    assert told(supervisor) == [("issue_overdue", f"Customer issue at Haier owned by {manager} is overdue")]


def test_k22_an_informed_issue_tells_nobody(issue, manager):
    CustomerIssue.objects.filter(pk=issue.pk).update(status="informed", informed_at=timezone.now())
    due_in(issue, -1)
    assert issue_deadlines_notify() == 0


def test_an_applied_import_tells_the_uploader(client, manager):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nFirst Co\nSecond Co\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    assert told(manager) == [("import", "Your import accounts.csv finished: 2 rows")]


def test_a_failed_import_tells_the_uploader_with_the_reason(client, manager, outsider):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nFirst Co\nSecond Co\n"))
    AccountFactory(name="Second Co", owner=outsider)
    client.post(reverse("imports:apply", args=[job.pk]))
    [notification] = Notification.objects.filter(recipient=manager)
    assert notification.text == "Your import accounts.csv failed"
    assert "changed since the dry run" in notification.detail
