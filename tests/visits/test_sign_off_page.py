"""Issue 25, item 6: "My visit log" on the sign-off page (K-21). A month with no visits offers
nothing to submit; a month past its deadline and not submitted says it is overdue; a supervisor
who logs no visits of their own sees no log of their own."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from tests.visits.factories import VisitFactory
from visits.services import monthly_log_return, monthly_log_submit

pytestmark = pytest.mark.django_db


def visit_on(author, year, month, day=15):
    return VisitFactory(author=author, account=AccountFactory(owner=author),
                        occurred_at=timezone.make_aware(datetime(year, month, day, 10, 0)))


def submit_forms(html):
    """The months the page offers to submit."""
    return [chunk.split('"', 1)[0] for chunk in html.split('name="month" value="')[1:]]


def row_of(html, month):
    start = html.index(f'data-month="{month}"')
    return html[start:html.index("</tr>", start)]


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False)
def test_k21_only_months_with_visits_offer_submit_and_a_late_one_says_so(client, manager):
    visit_on(manager, 2026, 3)
    visit_on(manager, 2026, 2)
    client.force_login(manager)

    html = client.get(reverse("visits:sign-off")).content.decode()

    assert submit_forms(html) == ["2026-03", "2026-02"]
    assert "In progress" in row_of(html, "2026-03")
    february = row_of(html, "2026-02")
    assert "Overdue" in february and "was due by 2026-03-05" in february and "Submit late" in february
    for empty in ("2026-01", "2025-12", "2025-11", "2025-10"):
        assert "No visits: nothing to submit" in row_of(html, empty)


@time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False)
def test_k21_last_month_within_the_grace_days_is_due_not_overdue(client, manager):
    visit_on(manager, 2026, 2)
    client.force_login(manager)

    february = row_of(client.get(reverse("visits:sign-off")).content.decode(), "2026-02")

    assert "by 2026-03-05" in february and "Overdue" not in february
    assert ">Submit<" in february.replace("\n", "").replace(" ", "")


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False)
def test_k21_a_submitted_month_shows_its_status_and_a_late_flag_instead_of_submit(client, manager):
    visit_on(manager, 2026, 2)
    monthly_log_submit(author=manager, month=datetime(2026, 2, 1).date(), by=manager)
    client.force_login(manager)

    html = client.get(reverse("visits:sign-off")).content.decode()

    february = row_of(html, "2026-02")
    assert "Submitted" in february and "Late" in february and "Overdue" not in february
    assert "2026-02" not in submit_forms(html)


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(480)), tick=False)
def test_k21_a_returned_month_is_offered_again_and_keeps_its_late_flag(client, manager, supervisor):
    visit_on(manager, 2026, 2)
    log = monthly_log_submit(author=manager, month=datetime(2026, 2, 1).date(), by=manager)
    monthly_log_return(log=log, by=supervisor, reason="Name the contacts you met.")
    client.force_login(manager)

    html = client.get(reverse("visits:sign-off")).content.decode()

    assert "Returned" in row_of(html, "2026-02") and "Late" in row_of(html, "2026-02")
    assert "2026-02" in submit_forms(html)


def test_k21_a_supervisor_without_visits_of_their_own_sees_no_log_of_their_own(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("visits:sign-off"))
    assert "My visit log" not in page.content.decode()
    assert submit_forms(page.content.decode()) == []


def test_k21_a_supervisor_who_logs_visits_submits_them_like_a_manager(client, supervisor):
    today = timezone.localdate()
    visit_on(supervisor, today.year, today.month, day=1)
    client.force_login(supervisor)
    html = client.get(reverse("visits:sign-off")).content.decode()
    assert "My visit log" in html and submit_forms(html) == [f"{today:%Y-%m}"]


def test_k21_an_admin_has_no_log_of_their_own(client, admin):
    client.force_login(admin)
    assert "My visit log" not in client.get(reverse("visits:sign-off")).content.decode()
