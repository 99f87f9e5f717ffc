"""Issue 20, items 5 and 6: "log this visit" from a planned visit opens the form with the plan's
contacts and topics and links the preparation on save (K-28 → K-20); the overlap warning (K-24)
shows as soon as a contact another manager touched lately is ticked; submitting the current
month before its end asks first, and visits added after submission are marked for the supervisor."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import PlannedVisit
from plans.services import planned_visit_create, planned_visit_prepare
from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import VisitFactory
from visits.models import MonthlyLog, Visit
from visits.services import monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py: 2026-03-18


@pytest.fixture
def account(manager, teammate):
    account = AccountFactory(owner=manager, name="Haier")
    account.team_members.add(teammate)
    return account


def test_k28_log_this_visit_fills_contacts_and_topics_and_links_the_preparation(client, manager, account):
    zhou, wu = ContactFactory(account=account, name="Zhou"), ContactFactory(account=account, name="Wu")
    planned = planned_visit_create(account=account, by=manager, planned_on=timezone.localdate(),
                                   topics="Next year's volumes\nThe service contract")
    planned_visit_prepare(planned=planned, by=manager, objective="Agree volumes", contacts=[zhou])
    client.force_login(manager)
    url = reverse("plans:log-visit", args=[planned.pk])
    assert url in client.get(planned.get_absolute_url()).content.decode()

    form = client.get(url).context["form"]
    assert form.initial["purpose"] == "Next year's volumes"
    assert list(form.initial["contacts"]) == [zhou] and form["account"].value() == account.pk
    response = client.post(url, {
        "account": account.pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "channel": "on_site",
        "contacts": [zhou.pk, wu.pk], "purpose": "Next year's volumes", "summary": "Agreed 1,200 units.",
        "customer_replied": "unknown", "create_key": str(uuid.uuid4()),
        "issues-TOTAL_FORMS": "0", "issues-INITIAL_FORMS": "0"})
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert PlannedVisit.objects.get().visit == visit
    # Logged: the planned visit now leads to the visit, not to a second form.
    assert client.get(url)["Location"] == visit.get_absolute_url()


def test_k28_log_this_visit_is_404_outside_the_account(client, manager, outsider, account):
    planned = planned_visit_create(account=account, by=manager, planned_on=timezone.localdate(), topics="x")
    client.force_login(outsider)
    assert client.get(reverse("plans:log-visit", args=[planned.pk])).status_code == 404


def test_k24_ticking_a_contact_a_colleague_touched_lately_warns_at_once(
        client, manager, teammate, outsider, account, django_assert_max_num_queries):
    zhou, wu = ContactFactory(account=account, name="Zhou"), ContactFactory(account=account, name="Wu")
    visit_log(account=account, by=teammate, channel="phone", purpose="Call", summary="Asked about prices.",
              contacts=[zhou], occurred_at=timezone.now() - timedelta(days=3))
    VisitFactory(account=account, author=teammate, contacts=[wu], occurred_at=timezone.now() - timedelta(days=90))
    client.force_login(manager)
    form = client.get(reverse("visits:create"), {"account": account.pk}).content.decode()
    assert reverse("visits:overlap-check") in form and 'id="overlap-warning"' in form
    with django_assert_max_num_queries(8):  # session (5), user, the ticked contacts in scope, their touches
        warning = client.get(reverse("visits:overlap-check"), {"contacts": [zhou.pk, wu.pk]}).content.decode()
    assert f"{teammate} touched Zhou on" in warning and "Wu" not in warning  # 90 days ago is outside the window
    assert client.get(reverse("visits:overlap-check"), {"contacts": [wu.pk, "x", ""]}).content.decode().strip() == ""
    # Someone else's contacts tell an outsider nothing.
    client.force_login(outsider)
    assert "Zhou" not in client.get(reverse("visits:overlap-check"), {"contacts": [zhou.pk]}).content.decode()


def test_k21_submitting_the_current_month_before_its_end_asks_first(client, manager, account):
    VisitFactory(account=account, author=manager)
    client.force_login(manager)
    month = f"{timezone.localdate():%Y-%m}"
    asked = client.post(reverse("visits:sign-off-submit"), {"month": month})
    page = asked.content.decode()
    assert asked.status_code == 200 and "before it ends?" in page and "2026-03-31" in page
    assert 'name="confirmed" value="1"' in page and not MonthlyLog.objects.exists()
    client.post(reverse("visits:sign-off-submit"), {"month": month, "confirmed": "1"})
    assert MonthlyLog.objects.get().status == "submitted"


def test_k21_a_past_month_is_submitted_without_the_question(client, manager, account):
    last = (timezone.localdate().replace(day=1) - timedelta(days=1))
    VisitFactory(account=account, author=manager, occurred_at=timezone.now() - timedelta(days=30))
    client.force_login(manager)
    client.post(reverse("visits:sign-off-submit"), {"month": f"{last:%Y-%m}"})
    assert MonthlyLog.objects.get().status == "submitted"


def test_k21_a_month_with_nothing_to_submit_offers_no_submit_button(client, manager, account):
    client.force_login(manager)
    page = client.get(reverse("visits:sign-off")).content.decode()
    assert "No visits: nothing to submit" in page and reverse("visits:sign-off-submit") not in page


def test_k21_visits_added_after_submission_are_marked_on_the_review(client, manager, supervisor, account):
    before = visit_log(account=account, by=manager, channel="on_site", purpose="Early", summary="s",
                       occurred_at=timezone.now() - timedelta(days=2))
    log = monthly_log_submit(author=manager, month=before.log_month, by=manager)
    after = visit_log(account=account, by=manager, channel="on_site", purpose="Late", summary="s",
                      occurred_at=timezone.now() - timedelta(days=1))
    client.force_login(supervisor)
    review = client.get(reverse("visits:sign-off-review", args=[log.pk]), {"week": "all"})
    assert [(v.pk, late) for v, _c, late in review.context["rows"]] == [(before.pk, False), (after.pk, True)]
    assert review.content.decode().count("Added after submission") == 1


def test_k24_hostile_contact_ids_answer_an_empty_warning_never_an_error(client, manager):
    client.force_login(manager)
    for value in ("99999999999999999999", "-1", "1" * 400, "abc"):
        response = client.get(reverse("visits:overlap-check"), {"contacts": [value, "3"]})
        assert response.status_code == 200 and response.content.decode().strip() == ""
