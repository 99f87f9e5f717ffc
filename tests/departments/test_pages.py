"""X-02 pages: the department's queue (filters, export, due soonest first, paginated), a member's
home, the issue's trail and the departmental performance report, each with its queries pinned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import frozen
from visits.models import CustomerIssue
from visits.services import (
    green_request_create,
    green_request_dispatch,
    issue_accept,
    issue_inform,
    issue_resolve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(log_complaint, service, service_member):
    """30 routed issues, due one hour apart (the last logged first due), three accepted by sun."""
    with frozen(2026, 3, 18, 9, tick=True):
        issues = [log_complaint(department=service, kind="request" if n % 3 else "complaint",
                                description=f"Point {n}") for n in range(30)]
        for n, issue in enumerate(issues):
            CustomerIssue.objects.filter(pk=issue.pk).update(due_at=timezone.now() + timedelta(hours=60 - n))
        for issue in issues[:3]:
            issue_accept(issue=issue, by=service_member)
        yield issues


def test_x02_the_queue_is_due_soonest_first_paginated_and_its_queries_pinned(client, queue, service, service_member,
                                                                             django_assert_max_num_queries):
    client.force_login(service_member)
    url = reverse("departments:queue", args=[service.pk])
    # session, user (with its department), the department, the page's COUNT and rows (with account,
    # manager, owner and department joined), the green channel's rows and count, the bell's unread
    # COUNT, the session's sliding expiry (3)
    with django_assert_max_num_queries(11):
        page = client.get(url)
    issues = list(page.context["issues"])
    assert len(issues) == 25 and page.context["page_obj"].paginator.count == 30
    assert [i.due_at for i in issues] == sorted(i.due_at for i in issues)
    assert issues[0].description == "Point 29"
    with django_assert_max_num_queries(11):
        assert client.get(url + "?page=2").status_code == 200


def test_x02_the_queue_filters_by_state_kind_account_and_mine(client, queue, service, service_member):
    client.force_login(service_member)
    url = reverse("departments:queue", args=[service.pk])

    def count(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return response.context["page_obj"].paginator.count

    assert count("?mine=1") == 3
    assert count("?show=waiting") == 27
    assert count("?kind=complaint") == 10
    assert count("?q=东方") == 30 and count("?q=nobody") == 0
    assert count("?show=resolved") == 0
    assert count("?show=bogus&kind=nope&due=never&page=zz") == 30  # bad values dropped, no 500


def test_x02_the_queue_exports_every_filtered_row(client, queue, service, service_member):
    client.force_login(service_member)
    response = client.get(reverse("departments:queue", args=[service.pk]) + "?format=csv&kind=complaint")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and body.count("东方电子") == 10


def test_x02_the_members_home_and_the_trail_have_fixed_query_counts(client, queue, service_member,
                                                                     django_assert_max_num_queries):
    client.force_login(service_member)
    # session, user, the department, the counts (one aggregate), green count, mine, waiting, green,
    # the bell, the session's expiry (3)
    with django_assert_max_num_queries(12):
        home = client.get(reverse("departments:home"))
    assert home.context["counts"]["mine"] == 3 and home.context["counts"]["waiting"] == 27
    # session, user, the issue with its account and people, its trail with who and where, the routing
    # choices, the bell, the session's expiry (3)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("departments:issue", args=[queue[0].pk])).status_code == 200


def test_x02_the_performance_report_counts_on_time_by_kind_and_department(client, log_complaint, service,
                                                                          service_member, manager, supervisor,
                                                                          account, django_assert_max_num_queries):
    with frozen(2026, 3, 18, 9):
        on_time = log_complaint(department=service)
        late = log_complaint(department=service)
        request = log_complaint(department=service, kind="request")
        for issue in (on_time, late):
            issue_accept(issue=issue, by=service_member)
        issue_resolve(issue=on_time, by=service_member, resolution="Fixed.")
        issue_inform(issue=on_time, by=manager)
        green = green_request_create(account=account, by=manager, title="Parts")
        green_request_dispatch(request=green, by=manager, department=service)
    with frozen(2026, 3, 20, 9):
        issue_resolve(issue=late, by=service_member, resolution="Fixed, late.")
    client.force_login(manager)
    assert client.get(reverse("departments:performance")).status_code == 403
    client.force_login(supervisor)
    # session, user, departments, issues grouped, green grouped, the bell, the session's expiry (3)
    with frozen(2026, 3, 20, 10), django_assert_max_num_queries(9):
        page = client.get(reverse("departments:performance") + "?year=2026")
    rows = {(row.kind, row.month.month): row for row in page.context["rows"]}
    complaints = rows[("complaint", 3)]
    assert (complaints.routed, complaints.resolved, complaints.on_time, complaints.informed_on_time) == (2, 2, 1, 1)
    assert complaints.on_time_rate == 50
    assert (rows[("request", 3)].routed, rows[("request", 3)].resolved) == (1, 0)
    assert rows[("green", 3)].overdue_open == 1 and rows[("green", 3)].routed == 1  # due 48 h after dispatch
    assert request.department == service
    with frozen(2026, 3, 20, 10):
        csv = client.get(reverse("departments:performance") + "?year=2026&format=csv")
        assert "Customer service" in b"".join(csv.streaming_content).decode("utf-8-sig")
        assert client.get(reverse("departments:performance") + "?year=abc").status_code == 200


def test_x02_an_admin_lists_the_departments_and_opens_any_queue(client, admin, service,
                                                                django_assert_max_num_queries):
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("departments:list"))
    assert service.name_en in page.content.decode()
    assert client.get(reverse("departments:queue", args=[service.pk])).status_code == 200
    assert client.get(reverse("departments:queue", args=[999999])).status_code == 404
