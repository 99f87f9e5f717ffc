"""X-02: department staff see what is routed to their department, with the account basics they need,
and nothing else of the portfolio: every other page answers 404."""

import pytest
from django.urls import reverse

from tests.factories import ContactFactory
from tests.urlwalk import routes
from visits.services import green_request_create, green_request_dispatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


def test_x02_a_department_member_sees_the_routed_issue_with_the_account_basics(client, log_complaint, service,
                                                                               service_member, manager, account):
    issue = log_complaint(department=service)
    client.force_login(service_member)
    body = client.get(reverse("departments:issue", args=[issue.pk])).content.decode()
    assert account.name in body and "上海" in body and manager.email in body
    assert account.get_absolute_url() not in body  # no way into the account itself
    assert reverse("visits:detail", args=[issue.visit_id]) not in body


def test_x02_a_department_member_gets_404_on_accounts_and_issues_not_routed_to_them(
        client, log_complaint, account, service, service_member, finance_member):
    routed = log_complaint(department=service)
    elsewhere = log_complaint(department=finance_member.department)
    unrouted = log_complaint()
    contact = ContactFactory(account=account)
    client.force_login(service_member)
    assert client.get(reverse("departments:issue", args=[routed.pk])).status_code == 200
    for url in (reverse("departments:issue", args=[elsewhere.pk]), reverse("departments:issue", args=[unrouted.pk]),
                reverse("departments:queue", args=[finance_member.department_id]),
                account.get_absolute_url(), reverse("accounts:list"), reverse("contacts:detail", args=[contact.pk]),
                reverse("visits:detail", args=[routed.visit_id]), reverse("visits:list"), reverse("visits:issues"),
                reverse("reports:index"), reverse("visit-quarterly")):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("departments:performance")).status_code == 403  # supervisors' and admins' report
    assert client.post(reverse("departments:issue-accept", args=[elsewhere.pk])).status_code == 404


def test_x02_every_portfolio_page_is_404_for_department_staff(client, service_member):
    """The fence (departments.middleware): a page added later cannot leak the portfolio."""
    client.force_login(service_member)
    open_ = {"departments", "notifications", "pwa"}
    for route, pattern, namespace in routes():
        if namespace in open_ or pattern.pattern.converters or namespace == "admin":
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        if not pattern.name or name in ("logout", "login", "set_language", "healthz", "home") or \
                name.startswith("password_"):
            continue
        assert client.get("/" + route).status_code == 404, name


def test_x02_the_start_page_of_department_staff_is_their_home(client, service_member, log_complaint, service):
    log_complaint(department=service)
    client.force_login(service_member)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("departments:home")
    home = client.get(reverse("departments:home")).content.decode()
    assert "Waiting to be accepted" in home and "Line 2 is noisy." in home


def test_x02_green_channel_requests_dispatched_elsewhere_are_out_of_sight(client, account, manager, service,
                                                                          service_member, finance_member):
    ours = green_request_create(account=account, by=manager, title="Spare parts")
    green_request_dispatch(request=ours, by=manager, department=service)
    theirs = green_request_create(account=account, by=manager, title="Invoice copy")
    green_request_dispatch(request=theirs, by=manager, department=finance_member.department)
    client.force_login(service_member)
    assert client.get(reverse("departments:green", args=[ours.pk])).status_code == 200
    assert client.get(reverse("departments:green", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("departments:green-complete", args=[theirs.pk]), {"note": "x"}).status_code == 404


def test_x02_outsiders_of_the_account_see_no_routed_issue(client, log_complaint, service, outsider):
    issue = log_complaint(department=service)
    client.force_login(outsider)
    assert client.get(reverse("departments:issue", args=[issue.pk])).status_code == 404
    assert client.post(reverse("departments:issue-inform", args=[issue.pk])).status_code == 404
