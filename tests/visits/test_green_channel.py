"""K-27: a key account's service request goes request → dispatch → completion,
each stage with its time and person."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from visits.models import GreenChannelRequest
from visits.services import green_request_complete, green_request_create, green_request_dispatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


@pytest.fixture
def key_account(manager):
    return AccountFactory(name="东方电子", owner=manager, kind="strategic")


def test_k27_a_request_moves_through_its_three_stages_with_who_and_when(key_account, manager, supervisor, service,
                                                                        service_member):
    request = green_request_create(account=key_account, by=manager, title="Urgent spare parts")
    assert request.stage == "requested"
    # the dispatch's own deadline
    assert abs(request.dispatch_due_at - (request.requested_at + timedelta(hours=4))) < timedelta(seconds=1)
    green_request_dispatch(request=request, by=supervisor, department=service)
    assert (request.stage, request.dispatched_by, request.department) == ("dispatched", supervisor, service)
    assert request.completion_due_at == request.dispatched_at + timedelta(hours=48)
    green_request_complete(request=request, by=service_member, note="Parts delivered on site.")
    assert request.stage == "completed" and request.completed_by == service_member
    assert request.requested_at <= request.dispatched_at <= request.completed_at
    assert request.completed_on_time


def test_x02_only_the_department_it_was_dispatched_to_completes_it(key_account, manager, service, finance_member):
    request = green_request_create(account=key_account, by=manager, title="Install")
    green_request_dispatch(request=request, by=manager, department=service)
    for stranger in (manager, finance_member):
        with pytest.raises(PermissionDenied):
            green_request_complete(request=request, by=stranger, note="done")


def test_k27_only_key_accounts_use_the_green_channel(manager):
    standard = AccountFactory(owner=manager, kind="standard")
    with pytest.raises(ValidationError, match="key accounts"):
        green_request_create(account=standard, by=manager, title="Anything")


def test_k27_a_stage_happens_once_and_in_order(key_account, manager, service, service_member, finance_member):
    request = green_request_create(account=key_account, by=manager, title="Install")
    with pytest.raises(PermissionDenied):
        green_request_complete(request=request, by=service_member, note="done")  # not dispatched to them yet
    green_request_dispatch(request=request, by=manager, department=service)
    with pytest.raises(ValidationError, match="already dispatched"):
        green_request_dispatch(request=request, by=manager, department=finance_member.department)
    with pytest.raises(ValidationError, match="Write what was done"):
        green_request_complete(request=request, by=service_member, note="  ")


def test_k27_the_database_refuses_completion_before_dispatch(key_account, manager):
    request = green_request_create(account=key_account, by=manager, title="Install")
    with pytest.raises(IntegrityError), transaction.atomic():
        GreenChannelRequest.objects.filter(pk=request.pk).update(completed_at=timezone.now())


def test_k27_manager_files_and_dispatches_and_the_department_completes(client, key_account, manager, outsider,
                                                                       service, service_member):
    client.force_login(manager)
    response = client.post(reverse("visits:green-create"), {"account": key_account.pk, "title": "Spare parts"})
    assert response.status_code == 302
    request = GreenChannelRequest.objects.get()
    bad = client.post(reverse("visits:green-advance", args=[request.pk]), {"department": "Logistics"}, follow=True)
    assert "Select a valid choice" in bad.content.decode()  # no 500, nothing dispatched
    client.post(reverse("visits:green-advance", args=[request.pk]), {"department": service.pk})
    assert client.post(reverse("departments:green-complete", args=[request.pk]),
                       {"note": "Delivered."}).status_code == 403  # the manager does not complete it
    client.force_login(service_member)
    client.post(reverse("departments:green-complete", args=[request.pk]), {"note": "Delivered."})
    request.refresh_from_db()
    assert request.stage == "completed"
    client.force_login(manager)
    page = client.get(reverse("visits:green") + "?stage=completed")
    assert "Spare parts" in page.content.decode()
    client.force_login(outsider)
    assert "Spare parts" not in client.get(reverse("visits:green") + "?stage=all").content.decode()
    assert client.post(reverse("visits:green-advance", args=[request.pk])).status_code == 404


def test_k27_green_channel_list_has_a_fixed_query_count(client, key_account, manager, django_assert_max_num_queries):
    for n in range(30):
        green_request_create(account=key_account, by=manager, title=f"Request {n}")
    client.force_login(manager)
    # session, user, count, one page with accounts and people, and the session's sliding expiry (3);
    # the bell's unread COUNT; the departments a request may be dispatched to
    with django_assert_max_num_queries(9):
        assert client.get(reverse("visits:green")).status_code == 200
