"""Issue 23: after a merge the survivor's figures kept as things happen are right at once, in the
merge's transaction, not the next morning: its touches since the profile review (K-02), and its
contacts' last touch, touches in the window, degree of contact and silent period (K-13, K-25)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from hub.merge import accounts_merge, contacts_merge
from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import VisitFactory
from visits.services import contacts_refresh_silence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


def unanswered_calls(account, manager, contact, *days_ago):
    """Calls the customer did not answer (two in a row start a silent period, K-25)."""
    for days in days_ago:
        VisitFactory(account=account, author=manager, contacts=[contact], channel="phone", customer_replied=False,
                     occurred_at=timezone.now() - timedelta(days=days))


def meeting(account, manager, contact, days_ago):
    VisitFactory(account=account, author=manager, contacts=[contact],
                 occurred_at=timezone.now() - timedelta(days=days_ago))


def test_the_surviving_contact_has_the_duplicates_touches_and_silence_at_once(manager):
    account = AccountFactory(owner=manager)
    keep = ContactFactory(account=account, name="王芳")
    dup = ContactFactory(account=account, name="王 芳")
    meeting(account, manager, keep, days_ago=200)  # long ago: distant
    for days in (20, 10, 3):
        meeting(account, manager, dup, days_ago=days)
    unanswered_calls(account, manager, dup, 2, 1)
    contacts_refresh_silence([keep.pk, dup.pk])  # as the visits' service left them
    keep.refresh_from_db()
    assert keep.touch_level == 2 and keep.silent_since is None

    survivor = contacts_merge(survivor=keep, duplicate=dup, by=manager)
    stored = Contact.objects.get(pk=keep.pk)
    assert timezone.now() - stored.last_touched_at - timedelta(days=3) < timedelta(minutes=1)  # the last meeting
    assert stored.recent_touches == 3  # the three meetings; unanswered calls are no contact
    assert stored.touch_level == 4  # regular: a touch within 60 days, three in 180
    assert stored.silent_since is not None  # the last two touches were calls nobody answered
    assert survivor.touch_level == stored.touch_level  # the object handed back says so too


def test_the_surviving_account_counts_both_accounts_touches_since_review(manager):
    keep = AccountFactory(owner=manager, name="东方电子", touches_since_review=1)
    dup = AccountFactory(owner=manager, name="東方電子", touches_since_review=2)
    accounts_merge(survivor=keep, duplicate=dup, by=manager)
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert (keep.touches_since_review, dup.touches_since_review) == (3, 0)
    assert keep.needs_profile_review  # K-02: three touches since the profile was reviewed


def test_the_duplicates_contacts_arrive_with_their_figures_computed(manager):
    """An imported contact may never have had its degree of contact computed (the nightly job's
    first run does that); once on the survivor it has it."""
    keep = AccountFactory(owner=manager, name="东方电子")
    dup = AccountFactory(owner=manager, name="東方電子")
    contact = ContactFactory(account=dup)
    meeting(dup, manager, contact, days_ago=5)
    assert Contact.objects.get(pk=contact.pk).touch_level is None
    accounts_merge(survivor=keep, duplicate=dup, by=manager)
    moved = Contact.objects.get(pk=contact.pk)
    assert moved.account_id == keep.pk and moved.touch_level == 3 and moved.recent_touches == 1


def test_the_read_models_follow_the_merge_without_counting_the_duplicate_twice(manager):
    """Revenue facts and cadence touches (issue 19) are caches kept by triggers on orders and
    visits; the merge moves the orders and visits, and the caches follow them once."""
    from django.core.management import call_command
    from django.db.models import Sum

    from accounts.models import Order
    from reports.models import RevenueFact
    from tests.factories import OrderFactory
    from tiering.models import CadenceTouches

    survivor, duplicate = AccountFactory(owner=manager), AccountFactory(owner=manager)
    duplicate.currency = survivor.currency
    duplicate.save()
    day = timezone.localdate() - timedelta(days=20)
    for account in (survivor, duplicate):
        OrderFactory(account=account, signed_on=day, amount=1000)
        VisitFactory(account=account, author=manager, occurred_at=timezone.now() - timedelta(days=3))

    accounts_merge(survivor=survivor, duplicate=duplicate, by=manager)

    def facts(account):
        return RevenueFact.objects.filter(account_id=account.pk).aggregate(s=Sum("amount"))["s"] or 0

    assert facts(survivor) == Order.objects.filter(account=survivor).aggregate(s=Sum("amount"))["s"] == 2000
    assert facts(duplicate) == 0
    touches = {row.pk: row.__dict__.copy() for row in CadenceTouches.objects.filter(pk=survivor.pk)}
    call_command("cadence_rebuild", stdout=open("/dev/null", "w"))
    rebuilt = {row.pk: row.__dict__.copy() for row in CadenceTouches.objects.filter(pk=survivor.pk)}
    for rows in (touches, rebuilt):
        for row in rows.values():
            row.pop("_state", None)
    assert touches == rebuilt and touches
