"""Issue 20, item 3 (K-20): an on-site visit may carry a check-in — the phone's position, its
accuracy and the time, given only when the manager taps "Check in here" and the browser allows
it. The visit shows how far from the account's site it was made ("checked in 120 m from the
site"), or "no location"; the supervisor reads the same on the sign-off review. An admin sets
an account's site or turns check-ins off; a first check-in may be confirmed as the site."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_site_set
from core.geo import distance_m
from tests.factories import AccountFactory, ContactFactory
from visits.models import FieldSettings, Visit
from visits.services import monthly_log_approve, monthly_log_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py: 2026-03-18

SITE = (Decimal("31.230416"), Decimal("121.473701"))  # People's Square, Shanghai
NEARBY = ("31.231496", "121.473701")  # 0.00108° of latitude north: 120 m


@pytest.fixture
def account(manager):
    account = AccountFactory(owner=manager, name="Haier")
    ContactFactory(account=account, name="Zhou")
    return account


def post(client, account, *, channel="on_site", **extra):
    data = {"account": account.pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": channel, "contacts": [account.contacts.get().pk], "purpose": "Review",
            "summary": "Went through the deliveries.", "create_key": str(uuid.uuid4()),
            "customer_replied": "unknown", "issues-TOTAL_FORMS": "0", "issues-INITIAL_FORMS": "0", **extra}
    return client.post(reverse("visits:create"), data)


def check_in(lat=NEARBY[0], lng=NEARBY[1], accuracy="12.4", at=None):
    return {"checkin_latitude": lat, "checkin_longitude": lng, "checkin_accuracy_m": accuracy,
            "checkin_at": at or timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")}


def test_haversine_distances_are_right_to_the_metre():
    assert round(distance_m(*SITE, *NEARBY)) == 120
    assert round(distance_m(31.2304, 121.4737, 39.9042, 116.4074) / 1000) == 1067  # Shanghai–Beijing, great circle


def test_the_check_in_is_stored_with_the_visit_and_read_as_the_distance_from_the_site(client, manager, account):
    account_site_set(account=account, by=AccountFactory().owner, latitude=SITE[0], longitude=SITE[1],
                     source=Account.SiteSource.CHECK_IN)
    client.force_login(manager)
    response = post(client, account, **check_in())
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.checkin_latitude, visit.checkin_longitude, visit.checkin_accuracy_m) == (
        Decimal(NEARBY[0]), Decimal(NEARBY[1]), 12)
    assert "checked in 120 m from the site" in client.get(visit.get_absolute_url()).content.decode()


def test_a_visit_without_a_check_in_says_no_location_and_is_saved_all_the_same(client, manager, account):
    client.force_login(manager)
    response = post(client, account)
    visit = Visit.objects.get()
    assert response.status_code == 302 and not visit.has_check_in
    assert "no location" in client.get(visit.get_absolute_url()).content.decode()


def test_a_phone_call_keeps_no_position_even_if_one_is_sent(client, manager, account):
    client.force_login(manager)
    post(client, account, channel="phone", **check_in())
    assert not Visit.objects.get().has_check_in


@pytest.mark.parametrize("bad", [
    {"checkin_latitude": "91"},
    {"checkin_longitude": "abc"},
    {"checkin_at": "2099-01-01T00:00:00.000Z"},
    {"checkin_accuracy_m": ""},
])
def test_a_broken_check_in_is_refused_with_a_message_and_the_text_kept(client, manager, account, bad):
    client.force_login(manager)
    response = post(client, account, **{**check_in(), **bad})
    assert response.status_code == 200 and not Visit.objects.exists()
    page = response.content.decode()
    assert "Check in again" in page and "Went through the deliveries." in page


def test_the_page_in_chinese_says_the_distance_in_chinese(client, manager, account):
    account_site_set(account=account, by=manager, latitude=SITE[0], longitude=SITE[1],
                     source=Account.SiteSource.CHECK_IN)
    client.force_login(manager)
    post(client, account, **check_in())
    client.cookies["django_language"] = "zh-hans"
    page = client.get(Visit.objects.get().get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "120 米" in page


def test_an_admin_turns_check_ins_off_and_the_form_offers_none_and_keeps_none(client, manager, admin, account):
    client.force_login(admin)
    assert client.get(reverse("visits:field-settings")).status_code == 200
    client.post(reverse("visits:field-settings"), {})  # the box unticked
    assert FieldSettings.current().geo_check_in is False
    client.force_login(manager)
    assert "js-check-in" not in client.get(reverse("visits:create")).content.decode()
    post(client, account, **check_in())
    assert not Visit.objects.get().has_check_in
    assert client.get(reverse("visits:field-settings")).status_code == 403  # a manager changes nothing


def test_a_first_check_in_is_confirmed_as_the_site_by_its_author_only_while_none_is_set(
        client, manager, teammate, account):
    client.force_login(manager)
    post(client, account, **check_in())
    visit = Visit.objects.get()
    url = reverse("visits:site-from-check-in", args=[visit.pk])
    assert url in client.get(visit.get_absolute_url()).content.decode()
    client.force_login(teammate)
    assert client.post(url).status_code in (403, 404)
    client.force_login(manager)
    client.post(url)
    account.refresh_from_db()
    assert (account.site_latitude, account.site_source) == (Decimal(NEARBY[0]), "check_in")
    page = client.get(visit.get_absolute_url()).content.decode()
    assert url not in page and "checked in 0 m from the site" in page
    assert client.post(url).status_code == 403  # a site is set: replacing it is an admin's work


def test_only_an_admin_sets_an_account_site_and_bad_coordinates_get_a_message(client, manager, admin, account):
    url = reverse("accounts:site", args=[account.pk])
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    refused = client.post(url, {"site_latitude": "95", "site_longitude": ""})
    assert refused.status_code == 200 and "Ensure this value is less than or equal to 90" in refused.content.decode()
    half = client.post(url, {"site_latitude": "31.2", "site_longitude": ""})
    assert "Give both the latitude and the longitude" in half.content.decode()
    client.post(url, {"site_latitude": "31.230416", "site_longitude": "121.473701"})
    account.refresh_from_db()
    assert (account.site_latitude, account.site_source) == (SITE[0], "admin")
    client.post(url, {"site_latitude": "", "site_longitude": ""})
    account.refresh_from_db()
    assert not account.has_site and account.site_source == ""


def test_the_author_checks_out_once_and_the_supervisor_reads_both_on_the_review(
        client, manager, supervisor, account):
    account_site_set(account=account, by=manager, latitude=SITE[0], longitude=SITE[1],
                     source=Account.SiteSource.CHECK_IN)
    client.force_login(manager)
    post(client, account, **check_in())
    visit = Visit.objects.get()
    out = {"checkout_latitude": "31.230416", "checkout_longitude": "121.474701", "checkout_accuracy_m": "8",
           "checkout_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    client.post(reverse("visits:check-out", args=[visit.pk]), out)
    visit.refresh_from_db()
    assert visit.checkout_at is not None and visit.checkout_accuracy_m == 8
    again = client.post(reverse("visits:check-out", args=[visit.pk]), out, follow=True)
    assert "You checked out of this visit already." in again.content.decode()
    log = monthly_log_submit(author=manager, month=visit.log_month, by=manager)
    client.force_login(supervisor)
    review = client.get(reverse("visits:sign-off-review", args=[log.pk]), {"week": "all"}).content.decode()
    assert "checked in 120 m from the site; checked out 100 m from the site" in review


def test_no_check_out_on_a_signed_off_month(client, manager, supervisor, account):
    client.force_login(manager)
    post(client, account, **check_in())
    visit = Visit.objects.get()
    log = monthly_log_submit(author=manager, month=visit.log_month, by=manager)
    monthly_log_approve(log=log, by=supervisor)
    out = {"checkout_latitude": "31.2", "checkout_longitude": "121.4", "checkout_accuracy_m": "8",
           "checkout_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    client.post(reverse("visits:check-out", args=[visit.pk]), out)
    visit.refresh_from_db()
    assert visit.checkout_at is None


def test_an_outsider_cannot_check_out_of_a_visit_they_cannot_see(client, manager, outsider, account):
    client.force_login(manager)
    post(client, account, **check_in())
    client.force_login(outsider)
    assert client.post(reverse("visits:check-out", args=[Visit.objects.get().pk]), {}).status_code == 404


def test_a_visit_sent_back_for_a_mistake_still_offers_the_check_in_it_was_saved_without(client, manager, account):
    """Issue 19: a POST without a position does not read the switch to save; shown again with its
    errors, the form still offers the check-in (and, with check-ins off, still none)."""
    client.force_login(manager)
    page = post(client, account, summary="").content.decode()  # the summary is required
    assert not Visit.objects.exists() and "js-check-in" in page
    FieldSettings.objects.create(pk=1, geo_check_in=False)
    assert "js-check-in" not in post(client, account, summary="").content.decode()
