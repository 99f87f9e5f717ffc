"""K-22 and X-02: an issue the customer raised is routed to the department that resolves it,
accepted there by one owner, answered, resolved, and the visitor tells the customer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.models import Notification
from tests.factories import DepartmentStaffFactory
from visits.models import CustomerIssue, IssueUpdate
from visits.services import (
    issue_accept,
    issue_follow_up,
    issue_inform,
    issue_reply,
    issue_resolve,
    issue_route,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


def test_k22_a_routed_complaint_goes_through_every_step_with_who_and_when(log_complaint, manager, service,
                                                                            service_member):
    issue = log_complaint(department=service)
    assert (issue.department, issue.status, issue.routed_at is not None) == (service, "open", True)
    assert Notification.objects.filter(recipient=service_member, kind="issue_routed").exists()

    issue_accept(issue=issue, by=service_member)
    assert (issue.status, issue.assignee) == ("in_progress", service_member)
    issue_reply(issue=issue, by=service_member, note="Is line 2 the one in hall B?")
    assert Notification.objects.filter(recipient=manager, message_key="issue.reply").exists()
    issue_resolve(issue=issue, by=service_member, resolution="Bearing replaced.")
    assert (issue.status, issue.resolved_by, issue.resolution) == ("resolved", service_member, "Bearing replaced.")
    assert Notification.objects.filter(recipient=manager, message_key="issue.resolved").exists()
    issue_inform(issue=issue, by=manager, note="Called Mr Zhou.")
    assert (issue.status, issue.informed_by) == ("informed", manager)
    assert issue.resolved_on_time and issue.handled_on_time

    trail = list(issue.updates.values_list("event", "by__username"))
    assert trail == [("logged", "li"), ("routed", "li"), ("accepted", "sun"), ("reply", "sun"),
                     ("resolved", "sun"), ("informed", "li")]
    assert all(step.at for step in issue.updates.all())


def test_x02_one_owner_the_second_to_accept_is_told_it_is_taken(log_complaint, service, service_member):
    issue = log_complaint(department=service)
    colleague = DepartmentStaffFactory(username="he", department=service)
    issue_accept(issue=issue, by=service_member)
    stale = CustomerIssue.objects.get(pk=issue.pk)
    with pytest.raises(ValidationError, match="already accepted"):
        issue_accept(issue=stale, by=colleague)
    with pytest.raises(PermissionDenied):
        issue_resolve(issue=stale, by=colleague, resolution="Me too.")  # only the owner resolves
    assert CustomerIssue.objects.get(pk=issue.pk).assignee == service_member


def test_x02_a_manager_supervisor_or_other_department_cannot_act_in_the_queue(log_complaint, manager, supervisor,
                                                                               admin, service, finance_member):
    issue = log_complaint(department=service)
    for person in (manager, supervisor, admin, finance_member):
        with pytest.raises(PermissionDenied):
            issue_accept(issue=issue, by=person)
    with pytest.raises(ValidationError, match="routed to"):  # the visitor does not resolve it in their stead
        issue_follow_up(issue=issue, by=manager, status="resolved", resolution="Done myself.")


def test_x02_a_manager_gets_403_on_the_queue_buttons_and_404_on_the_queue(client, log_complaint, manager, service):
    issue = log_complaint(department=service)
    client.force_login(manager)
    for name in ("departments:issue-accept", "departments:issue-reply", "departments:issue-resolve"):
        assert client.post(reverse(name, args=[issue.pk]), {"note": "x", "resolution": "x"}).status_code == 403
    assert client.get(reverse("departments:queue", args=[service.pk])).status_code == 404
    assert CustomerIssue.objects.get(pk=issue.pk).status == "open"


def test_k22_the_visitor_routes_an_unrouted_issue_and_reroutes_until_accepted(log_complaint, manager, service,
                                                                               finance_member, service_member):
    issue = log_complaint()
    assert issue.department is None
    issue_route(issue=issue, by=manager, department=finance_member.department)
    issue_route(issue=issue, by=manager, department=service)
    assert list(issue.updates.filter(event="routed").values_list("department__code", flat=True)) == [
        "finance", "service"]
    issue_accept(issue=issue, by=service_member)
    with pytest.raises(PermissionDenied):
        issue_route(issue=CustomerIssue.objects.get(pk=issue.pk), by=manager, department=finance_member.department)


def test_k22_the_customer_is_told_only_after_the_department_resolved_it(log_complaint, manager, service,
                                                                         service_member):
    issue = log_complaint(department=service)
    with pytest.raises(ValidationError, match="once the issue is resolved"):
        issue_inform(issue=issue, by=manager)
    with pytest.raises(PermissionDenied):
        issue_inform(issue=issue, by=service_member)  # the visitor reports back, not the department
    issue_accept(issue=issue, by=service_member)
    with pytest.raises(ValidationError, match="how the issue was resolved"):
        issue_resolve(issue=issue, by=service_member, resolution="  ")
    with pytest.raises(ValidationError, match="Write the reply"):
        issue_reply(issue=issue, by=service_member, note="")


def test_x02_the_whole_flow_through_the_pages(client, log_complaint, manager, service, service_member):
    issue = log_complaint(department=service)
    page = reverse("departments:issue", args=[issue.pk])
    client.force_login(service_member)
    assert "Accept: I own this issue" in client.get(page).content.decode()
    client.post(reverse("departments:issue-accept", args=[issue.pk]))
    bad = client.post(reverse("departments:issue-resolve", args=[issue.pk]), {"resolution": ""}, follow=True)
    assert "This field is required." in bad.content.decode()
    client.post(reverse("departments:issue-reply", args=[issue.pk]), {"note": "On my way."})
    client.post(reverse("departments:issue-resolve", args=[issue.pk]), {"resolution": "Bearing replaced."})
    client.force_login(manager)
    visit_page = client.get(reverse("visits:detail", args=[issue.visit_id])).content.decode()
    assert "Resolved: tell the customer" in visit_page
    client.post(reverse("departments:issue-inform", args=[issue.pk]), {"note": "Called."})
    issue.refresh_from_db()
    assert issue.status == "informed"
    body = client.get(page).content.decode()
    for step in ("Routed", "Accepted", "Reply", "Resolved", "Customer informed"):
        assert step in body
    assert IssueUpdate.objects.filter(issue=issue).count() == 6


def test_x02_a_department_is_headed_by_one_of_its_members(service, manager, finance_member):
    from users.services import department_head_set, department_member_add

    service.head = finance_member
    with pytest.raises(ValidationError, match="not a member"):
        service.full_clean()
    with pytest.raises(ValidationError, match="not a member"):
        department_head_set(department=service, head=finance_member)
    with pytest.raises(ValidationError, match="not department staff"):
        department_member_add(department=service, user=manager)
