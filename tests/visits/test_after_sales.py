"""K-26: after a deal, a service-start letter within 24 h, usage guidance within
72 h, and a monthly value review while the contract runs; all counted from the signing
date, and none for an order whose window has passed (history, imports: issue 16)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import SHANGHAI, frozen
from tests.factories import AccountFactory, OrderFactory
from visits.models import AfterSalesStep
from visits.services import after_sales_schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


def local(day, hour=18):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_k26_an_order_signed_today_gets_its_letter_the_next_day_and_guidance_on_the_third(manager):
    today = timezone.localdate()
    order = OrderFactory(account=AccountFactory(owner=manager), signed_on=today, contract_months=None)
    assert after_sales_schedule() == 2
    steps = {s.kind: s.due_at for s in AfterSalesStep.objects.filter(order=order)}
    assert steps == {"start_letter": local(today + timedelta(days=1)),
                     "usage_guidance": local(today + timedelta(days=3))}


def test_k26_the_steps_count_from_the_signing_date_not_from_when_the_order_was_typed_in(manager):
    """An order signed two days ago and entered today: its letter is late already (no step), the
    usage guidance still has a day to go."""
    order = OrderFactory(account=AccountFactory(owner=manager), contract_months=None,
                         signed_on=timezone.localdate() - timedelta(days=2))
    after_sales_schedule()
    assert [(s.kind, s.due_at) for s in AfterSalesStep.objects.filter(order=order)] == [
        ("usage_guidance", local(order.signed_on + timedelta(days=3)))]


def test_k26_an_imported_history_of_orders_makes_no_after_sales_work(manager):
    account = AccountFactory(owner=manager)
    for days in (5, 40, 400):
        OrderFactory(account=account, signed_on=timezone.localdate() - timedelta(days=days), contract_months=None)
    OrderFactory(account=account, signed_on=timezone.localdate() + timedelta(days=10))  # not signed yet

    assert after_sales_schedule() == 0


def test_k26_the_schedule_job_is_idempotent(manager):
    OrderFactory(account=AccountFactory(owner=manager), signed_on=date(2025, 12, 20), contract_months=12)
    with frozen(2026, 3, 2):
        first = after_sales_schedule()
        assert first == 1  # this month's value review, on the 20th; no letter for a December order
        assert after_sales_schedule() == 0
    assert AfterSalesStep.objects.count() == first


def test_k26_value_reviews_fall_on_the_signing_day_and_only_while_the_contract_runs(manager):
    account = AccountFactory(owner=manager)
    running = OrderFactory(account=account, signed_on=date(2026, 1, 31), contract_months=24)
    ended = OrderFactory(account=account, signed_on=date(2024, 1, 15), contract_months=12)
    one_off = OrderFactory(account=account, signed_on=date(2026, 1, 10), contract_months=None)
    with frozen(2026, 2, 10):
        after_sales_schedule(today=date(2026, 2, 10))
    reviews = AfterSalesStep.objects.filter(kind="value_review")
    assert [r.order for r in reviews] == [running]
    # The 31st does not exist in February: the review falls on the month's last day.
    assert reviews.get().due_at == local(date(2026, 2, 28))
    assert not AfterSalesStep.objects.filter(order__in=[ended, one_off], kind="value_review").exists()


def test_k26_a_value_review_day_already_past_this_month_is_not_made_late(manager):
    OrderFactory(account=AccountFactory(owner=manager), signed_on=date(2025, 6, 5), contract_months=24)
    with frozen(2026, 3, 18):
        assert after_sales_schedule() == 0  # the 5th has passed: next month's comes on the 1st
    with frozen(2026, 4, 1):
        assert after_sales_schedule() == 1


def test_k26_follow_ups_show_on_the_account_and_can_be_marked_done(client, manager, outsider):
    account = AccountFactory(owner=manager)
    OrderFactory(account=account, product="MES rollout", signed_on=timezone.localdate())
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
