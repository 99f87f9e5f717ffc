"""Issue 20, item 5 (K-22): a customer issue is raised from a saved visit, or with its edit,
while the visit's month is open; once the month is signed off, neither is offered or accepted.
The form's one-time key makes a double submit raise the issue once."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from visits.models import CustomerIssue
from visits.services import monthly_log_approve, monthly_log_submit, visit_issues_raise, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py: 2026-03-18


def issue_post(key=None, **issue):
    return {"issues-TOTAL_FORMS": "1", "issues-INITIAL_FORMS": "0", "issues-MIN_NUM_FORMS": "0",
            "issues-MAX_NUM_FORMS": "5", "create_key": key or str(uuid.uuid4()),
            **{f"issues-0-{name}": value for name, value in issue.items()}}


SPARES = {"kind": "complaint", "description": "Spare parts arrive late."}


@pytest.fixture
def visit(manager):
    return visit_log(account=AccountFactory(owner=manager), by=manager, channel="on_site", purpose="Review",
                     summary="Went through the deliveries.")


def test_k22_the_author_raises_an_issue_from_the_saved_visit_and_a_resend_raises_it_once(client, manager, visit):
    client.force_login(manager)
    detail = client.get(visit.get_absolute_url()).content.decode()
    url = reverse("visits:issue-add", args=[visit.pk])
    assert f'href="{url}"' in detail
    assert client.get(url).status_code == 200
    data = issue_post(**SPARES)
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == visit.get_absolute_url()
    issue = CustomerIssue.objects.get()
    assert (issue.visit, issue.owner, issue.kind, issue.department) == (visit, manager, "complaint", None)
    assert abs(issue.due_at - (timezone.now() + timedelta(hours=24))) < timedelta(minutes=1)  # a complaint
    assert issue.updates.get().note == "Raised after the visit."
    client.post(url, data)  # the same form again (a double tap, a lost answer)
    assert CustomerIssue.objects.count() == 1


def test_an_empty_form_says_what_is_missing_and_raises_nothing(client, manager, visit):
    client.force_login(manager)
    response = client.post(reverse("visits:issue-add", args=[visit.pk]),
                           issue_post(kind="request", description="", department=""))
    assert response.status_code == 200 and "Describe at least one issue." in response.content.decode()
    response = client.post(reverse("visits:issue-add", args=[visit.pk]),
                           issue_post(kind="request", description="Price list", department="999999"))
    assert "Select a valid choice." in response.content.decode()  # next to the department
    assert not CustomerIssue.objects.exists()


def test_k22_the_edit_form_raises_an_issue_with_the_edit(client, manager, visit):
    client.force_login(manager)
    url = reverse("visits:edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert 'name="issues-0-description"' in page and "data-offline-queue" not in page  # an edit is not queued
    response = client.post(url, {
        "occurred_at": timezone.localtime(visit.occurred_at).strftime("%Y-%m-%dT%H:%M"), "channel": "on_site",
        "purpose": "Review", "summary": "Went through the deliveries, and the spares.", "customer_replied": "unknown",
        "version": visit.version, **issue_post(**SPARES)})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.summary.endswith("the spares.") and CustomerIssue.objects.get().visit == visit


def test_k21_a_signed_off_months_visit_takes_no_new_issue(client, manager, supervisor):
    february = visit_log(account=AccountFactory(owner=manager), by=manager, channel="on_site", purpose="Review",
                         summary="s", occurred_at=timezone.make_aware(datetime(2026, 2, 10, 10, 0)))
    log = monthly_log_submit(author=manager, month=february.log_month, by=manager)
    monthly_log_approve(log=log, by=supervisor)
    client.force_login(manager)
    url = reverse("visits:issue-add", args=[february.pk])
    assert f'href="{url}"' not in client.get(february.get_absolute_url()).content.decode()
    response = client.post(url, issue_post(**SPARES), follow=True)
    assert "month is signed off and locked." in response.content.decode()
    with pytest.raises(ValidationError, match="signed off and locked"):
        visit_issues_raise(visit=february, by=manager, issues=[SPARES])
    assert not CustomerIssue.objects.exists()


def test_a_teammate_sees_the_visit_but_raises_nothing_on_it(client, teammate, visit):
    client.force_login(teammate)
    assert client.get(reverse("visits:issue-add", args=[visit.pk])).status_code == 403
    assert client.post(reverse("visits:issue-add", args=[visit.pk]), issue_post(**SPARES)).status_code == 403
    assert not CustomerIssue.objects.exists()
