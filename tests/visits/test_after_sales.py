"""K-26: after a deal, a service-start letter within 24 h, usage guidance within
72 h, and a monthly value review while the contract runs."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory, OrderFactory
from visits.models import AfterSalesStep
from visits.services import after_sales_schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


def test_k26_a_new_order_gets_its_letter_and_guidance_due_24_and_72_hours_later(manager):
    order = OrderFactory(account=AccountFactory(owner=manager), contract_months=None)
    assert after_sales_schedule() == 2
    steps = {s.kind: s.due_at - order.created_at for s in AfterSalesStep.objects.filter(order=order)}
    assert steps == {"start_letter": timedelta(hours=24), "usage_guidance": timedelta(hours=72)}


def test_k26_the_schedule_job_is_idempotent(manager):
    OrderFactory(account=AccountFactory(owner=manager), signed_on=timezone.localdate() - timedelta(days=100),
                 contract_months=12)
    first = after_sales_schedule()
    assert first == 3  # letter, guidance, this month's value review
    assert after_sales_schedule() == 0
    assert AfterSalesStep.objects.count() == first


def test_k26_value_reviews_fall_on_the_signing_day_and_only_while_the_contract_runs(manager):
    account = AccountFactory(owner=manager)
    running = OrderFactory(account=account, signed_on=date(2026, 1, 31), contract_months=24)
    ended = OrderFactory(account=account, signed_on=date(2024, 1, 15), contract_months=12)
    one_off = OrderFactory(account=account, signed_on=date(2026, 1, 10), contract_months=None)
    after_sales_schedule(today=date(2026, 2, 10))
    reviews = AfterSalesStep.objects.filter(kind="value_review")
    assert [r.order for r in reviews] == [running]
    # The 31st does not exist in February: the review falls on the month's last day.
    assert reviews.get().due_at.astimezone().date() in (date(2026, 2, 28), date(2026, 2, 27))
    assert not AfterSalesStep.objects.filter(order__in=[ended, one_off], kind="value_review").exists()


def test_k26_follow_ups_show_on_the_account_and_can_be_marked_done(client, manager, outsider):
    account = AccountFactory(owner=manager)
    OrderFactory(account=account, product="MES rollout")
    after_sales_schedule()
    client.force_login(manager)
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Service-start letter" in page and "MES rollout" in page
    letter = AfterSalesStep.objects.get(kind="start_letter")
    client.force_login(outsider)
    assert client.post(reverse("visits:after-sales-done", args=[letter.pk])).status_code == 404
    client.force_login(manager)
    done = client.post(reverse("visits:after-sales-done", args=[letter.pk]), follow=True)
    assert "Service-start letter done." in done.content.decode()
    letter.refresh_from_db()
    assert letter.done_at is not None and letter.done_by == manager
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Service-start letter" not in page and "Usage guidance" in page
