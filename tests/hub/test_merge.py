"""Merging duplicates (issue 23 item 7): every related record moves to the survivor in one
transaction, both histories are kept, and the finder sees through spaces, case, full-width
forms and Simplified/Traditional script."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountTeamMember
from care.models import Gift
from contacts.models import BuyerRole, Contact, PersonnelChange
from hub.merge import accounts_merge, contacts_merge, duplicate_groups, name_key
from hub.models import Comment
from hub.services import comment_post
from plans.models import AccountPlan
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("other", ["東方電子", "东方 电子", "　东方电子 ", "東方 電子"])
def test_names_the_same_to_a_reader(other):
    assert name_key(other) == name_key("东方电子")


def test_latin_names_by_case_and_width():
    assert name_key("ＡＢＣ Steel") == name_key("abc steel") == name_key("ABCSTEEL")
    assert name_key("ABC Steel") != name_key("ABD Steel")


def test_the_finder_groups_them(client, manager):
    a = AccountFactory(owner=manager, name="东方电子")
    b = AccountFactory(owner=manager, name="東方 電子")
    AccountFactory(owner=manager, name="西方电子")
    assert [[x.pk for x in g] for g in duplicate_groups(Account.objects.order_by("pk"))] == [[a.pk, b.pk]]
    client.force_login(manager)
    page = client.get(reverse("hub:duplicates"))
    assert page.status_code == 200 and f"keep={a.pk}&amp;merge={b.pk}" in page.content.decode()


def test_every_record_moves_and_both_histories_stay(manager, teammate):
    keep = AccountFactory(owner=manager, name="东方电子")
    dup = AccountFactory(owner=manager, name="東方電子")
    AccountTeamMember.objects.create(account=keep, user=teammate)
    AccountTeamMember.objects.create(account=dup, user=teammate)  # on both: one remains
    contact = ContactFactory(account=dup)
    visit = VisitFactory(account=dup, author=manager, contacts=[contact])
    CustomerIssueFactory(visit=visit)
    OrderFactory(account=dup)
    comment_post(by=manager, target=dup, body="在旧档案上")
    AccountPlan.objects.create(account=dup, year=2026, vision="v", created_by=manager)
    subsidiary = AccountFactory(owner=manager, parent=dup)
    accounts_merge(survivor=keep, duplicate=dup, by=manager)
    for related in ("contacts", "visits", "customer_issues", "orders", "comments", "plans", "subsidiaries"):
        assert getattr(dup, related).count() == 0, related
        assert getattr(keep, related).count() == 1, related
    assert list(keep.memberships.values_list("user", flat=True)) == [teammate.pk]
    dup.refresh_from_db()
    assert dup.is_archived
    assert dup.history.count() >= 2 and keep.history.first().history_change_reason.startswith("merged-from")
    subsidiary.refresh_from_db()
    assert subsidiary.parent == keep


def test_a_plan_for_the_same_year_on_both_is_settled_first(manager):
    keep, dup = AccountFactory(owner=manager), AccountFactory(owner=manager)
    for account in (keep, dup):
        AccountPlan.objects.create(account=account, year=2026, vision="v", created_by=manager)
    VisitFactory(account=dup, author=manager)
    with pytest.raises(ValidationError):
        accounts_merge(survivor=keep, duplicate=dup, by=manager)
    assert dup.visits.count() == 1 and not Account.objects.get(pk=dup.pk).is_archived  # all or nothing


def test_a_signed_off_visit_waits_for_the_month_to_be_reopened(manager, supervisor):
    from visits.services import monthly_log_approve, monthly_log_submit, visit_log

    keep, dup = AccountFactory(owner=manager), AccountFactory(owner=manager)
    last_month = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    visit_log(account=dup, by=manager, channel="phone", purpose="p", summary="s",
              occurred_at=timezone.now().replace(day=1) - timezone.timedelta(days=3))
    log = monthly_log_submit(author=manager, month=last_month, by=manager)
    monthly_log_approve(log=log, by=supervisor)
    with pytest.raises(ValidationError) as refused:
        accounts_merge(survivor=keep, duplicate=dup, by=manager)
    assert "signed-off" in str(refused.value)
    assert Visit.objects.filter(account=dup).count() == 1


def test_only_who_may_change_both_merges(manager, teammate, outsider):
    keep, dup = AccountFactory(owner=manager), AccountFactory(owner=outsider)
    with pytest.raises(PermissionDenied):
        accounts_merge(survivor=keep, duplicate=dup, by=manager)
    with pytest.raises(PermissionDenied):
        accounts_merge(survivor=keep, duplicate=AccountFactory(owner=manager), by=teammate)


def test_the_merge_pages_refuse_another_teams_account(client, manager, outsider):
    keep, dup = AccountFactory(owner=manager), AccountFactory(owner=outsider)
    client.force_login(manager)
    url = reverse("hub:merge-accounts") + f"?keep={keep.pk}&merge={dup.pk}"
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert client.get(reverse("hub:account-duplicates", args=[dup.pk])).status_code == 404
    for bad in ("?keep=abc&merge=1", "?keep=99999999999999999999", "", f"?keep={keep.pk}&merge={keep.pk}"):
        assert client.get(reverse("hub:merge-accounts") + bad).status_code == 404


def test_merging_two_contacts_through_the_pages(client, manager, django_assert_max_num_queries):
    account = AccountFactory(owner=manager)
    keep = ContactFactory(account=account, name="王芳", mobile="")
    dup = ContactFactory(account=account, name="王 芳", mobile="13800138000")
    BuyerRoleFactory(contact=keep, role="coach")
    BuyerRoleFactory(contact=dup, role="coach")  # the same role on both: one stays
    BuyerRoleFactory(contact=dup, role="user")
    VisitFactory(account=account, author=manager, contacts=[keep, dup])  # both met at one visit
    Gift.objects.create(contact=dup, given_on=timezone.localdate(), occasion="o", gift="茶", given_by=manager)
    PersonnelChange.objects.create(account=account, contact=dup, kind="title", recorded_by=manager)
    client.force_login(manager)
    page = client.get(reverse("hub:account-duplicates", args=[account.pk]))
    assert f"keep={keep.pk}&amp;merge={dup.pk}" in page.content.decode()
    url = reverse("hub:merge-contacts") + f"?keep={keep.pk}&merge={dup.pk}"
    with django_assert_max_num_queries(60):  # one count per relation of a contact, not per row
        assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    keep.refresh_from_db()
    assert keep.mobile == "13800138000"
    assert sorted(BuyerRole.objects.filter(contact=keep).values_list("role", flat=True)) == ["coach", "user"]
    assert keep.visits.count() == 1 and keep.gifts.count() == 1 and keep.changes.count() == 1
    assert Contact.objects.get(pk=dup.pk).archived_at is not None
    assert Comment.objects.count() == 0
    with pytest.raises(ValidationError):
        contacts_merge(survivor=keep, duplicate=ContactFactory(), by=manager)
