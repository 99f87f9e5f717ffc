"""Account pages as their users live them: creating and editing an account through
its form (K-01, K-05), the key-account staffing warning (K-05), the profile-review
nudge (K-02), prospect claims from filing to decision (K-06), archiving, and the
competitors (K-04), orders (K-08) and product map (K-03) of an account. Pages cost
a fixed number of queries, however many rows lie behind them."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts.models import Account, AccountTeamMember, Competitor, Order, ProductPosition, ProspectClaim
from accounts.services import account_profile_review, account_update
from contacts.models import PersonnelChange, SelfQuestionReview
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory, ProspectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def html_of(response):
    return response.content.decode()


# --- K-01/K-05: creating and editing through the form -----------------------------


def test_k05_a_manager_creates_an_account_with_a_team_and_is_its_owner(client, manager, teammate, supervisor):
    client.force_login(manager)
    form_page = client.get(reverse("accounts:create"))
    assert form_page.context["form"].initial["owner"] == manager

    response = client.post(reverse("accounts:create"), {
        "name": "BYD", "kind": "strategic", "status": "active", "industry": "Automotive",
        "team_members": [teammate.pk, supervisor.pk],
    })

    account = Account.objects.get(name="BYD")
    assertRedirects(response, account.get_absolute_url())
    assert account.owner == manager
    assert set(AccountTeamMember.objects.filter(account=account).values_list("user__username", flat=True)) == {
        "chen", "wang"}


def test_k01_bad_input_is_shown_at_the_field_and_nothing_typed_is_lost(client, manager):
    client.force_login(manager)
    response = client.post(reverse("accounts:create"), {
        "name": "", "kind": "strategic", "status": "active", "industry": "Steel works",
        "potential": "9", "founded_on": "2024-13-40",
    })

    assert response.status_code == 200
    form = response.context["form"]
    assert {"name", "potential", "founded_on"} <= set(form.errors)
    assert (form.data["potential"], form.data["founded_on"]) == ("9", "2024-13-40")
    assert form.data["industry"] == "Steel works"
    html = html_of(response)
    assert 'value="2024-13-40"' in html and 'value="Steel works"' in html and 'value="9"' in html
    assert not Account.objects.filter(industry="Steel works").exists()


def test_k07_a_duplicate_name_in_the_same_group_needs_a_confirmation(client, manager, teammate):
    group = AccountFactory(name="Haier Group", kind="group", owner=manager)
    AccountFactory(name="Haier Qingdao", parent=group, owner=teammate)
    client.force_login(manager)
    data = {"name": "haier qingdao", "kind": "standard", "status": "active", "parent": group.pk}

    refused = client.post(reverse("accounts:create"), data)

    assert refused.status_code == 200
    [error] = refused.context["form"].errors["name"]
    assert "exists already in this group" in error and str(teammate) in error
    assert 'value="haier qingdao"' in html_of(refused)
    assert Account.objects.filter(name__iexact="haier qingdao").count() == 1

    created = client.post(reverse("accounts:create"), {**data, "confirm_duplicate": "on"})

    assert created.status_code == 302
    assert Account.objects.filter(name__iexact="haier qingdao", parent=group).count() == 2


def test_k07_the_same_name_outside_the_group_is_another_customer(client, manager):
    group = AccountFactory(name="Haier Group", kind="group", owner=manager)
    AccountFactory(name="Haier Qingdao", parent=group, owner=manager)
    client.force_login(manager)
    response = client.post(reverse("accounts:create"), {"name": "Haier Qingdao", "kind": "standard",
                                                        "status": "active"})
    assert response.status_code == 302
    assert Account.objects.filter(name="Haier Qingdao", parent=None).exists()


def test_k05_the_owner_edits_the_profile_and_the_team(client, manager, teammate, account):
    client.force_login(manager)
    form_page = client.get(reverse("accounts:edit", args=[account.pk]))
    assert form_page.context["form"]["name"].value() == "Haier"

    response = client.post(reverse("accounts:edit", args=[account.pk]), {
        "name": "Haier", "kind": "strategic", "status": "at_risk", "owner": manager.pk,
        "implicit_needs": "Worried the new system disrupts the plant", "potential": "4",
        "team_members": [teammate.pk],
    })

    assertRedirects(response, account.get_absolute_url())
    account.refresh_from_db()
    assert (account.status, account.potential) == ("at_risk", 4)
    assert list(account.team_members.all()) == [teammate]
    assert "Worried the new system disrupts the plant" in html_of(client.get(account.get_absolute_url()))


def test_k01_a_bad_edit_keeps_what_was_typed_and_saves_nothing(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("accounts:edit", args=[account.pk]), {
        "name": "Haier renamed", "kind": "strategic", "status": "active", "owner": manager.pk, "potential": "0",
    })
    assert response.status_code == 200
    assert "potential" in response.context["form"].errors
    assert 'value="Haier renamed"' in html_of(response)
    account.refresh_from_db()
    assert account.name == "Haier"


# --- K-05: a key account is never one person's private line -------------------------


def test_k05_a_strategic_account_with_only_its_owner_is_warned(client, manager, account):
    client.force_login(manager)
    html = html_of(client.get(account.get_absolute_url()))
    assert "A key account needs at least two managers; this one has 1." in html


def test_k05_the_warning_goes_once_a_second_manager_serves(client, manager, teammate, account):
    AccountTeamMember.objects.create(account=account, user=teammate)
    client.force_login(manager)
    html = html_of(client.get(account.get_absolute_url()))
    assert "at least two managers" not in html


def test_k05_a_standard_account_needs_no_team(client, manager):
    small = AccountFactory(name="Corner Shop", kind="standard", owner=manager)
    client.force_login(manager)
    assert "at least two managers" not in html_of(client.get(small.get_absolute_url()))


# --- K-02: every 3 communications, review the profile once --------------------------


def test_k02_three_touches_bring_the_review_nudge(client, manager, account):
    Account.objects.filter(pk=account.pk).update(touches_since_review=3)
    client.force_login(manager)

    detail = html_of(client.get(account.get_absolute_url()))
    assert "3 touches since the profile was last reviewed" in detail
    assert "I reviewed the profile" in detail
    assert "Review profile" in html_of(client.get(reverse("accounts:list")))


def test_k02_two_touches_are_not_yet_a_nudge(client, manager, account):
    Account.objects.filter(pk=account.pk).update(touches_since_review=2)
    client.force_login(manager)
    assert "I reviewed the profile" not in html_of(client.get(account.get_absolute_url()))


def test_k02_reviewing_the_profile_resets_the_count_and_records_who(client, manager, account):
    Account.objects.filter(pk=account.pk).update(touches_since_review=4)
    client.force_login(manager)

    response = client.post(reverse("accounts:review-profile", args=[account.pk]), follow=True)

    assert "Profile review recorded." in messages_of(response)
    account.refresh_from_db()
    assert account.touches_since_review == 0
    assert account.profile_reviewed_by == manager and account.profile_reviewed_at is not None
    html = html_of(response)
    assert "I reviewed the profile" not in html
    assert f"by {manager}." in html


def test_k02_a_colleague_sees_the_nudge_without_the_button(client, teammate, account):
    Account.objects.filter(pk=account.pk).update(touches_since_review=3)
    client.force_login(teammate)
    html = html_of(client.get(account.get_absolute_url()))
    assert "3 touches since the profile was last reviewed" in html
    assert "I reviewed the profile" not in html


# --- K-06: prospect claims -----------------------------------------------------------


@pytest.fixture
def prospect(db):
    return ProspectFactory(name="Open Lead Ltd")


def claim(client, user, prospect, reason="We met at the Canton fair"):
    client.force_login(user)
    return client.post(reverse("accounts:claim", args=[prospect.pk]), {"reason": reason}, follow=True)


def test_k06_a_manager_claims_an_unowned_prospect(client, manager, prospect):
    response = claim(client, manager, prospect)

    assertRedirects(response, prospect.get_absolute_url())
    assert "Claim filed; your supervisor decides." in messages_of(response)
    [filed] = ProspectClaim.objects.filter(account=prospect)
    assert (filed.claimant, filed.status, filed.reason) == (manager, "pending", "We met at the Canton fair")
    assert "Withdraw my claim" in html_of(response)


def test_k06_a_second_claim_is_refused_and_names_who_holds_it(client, manager, teammate, prospect):
    claim(client, manager, prospect)

    response = claim(client, teammate, prospect)

    [message] = messages_of(response)
    assert "already claimed by" in message and str(manager) in message
    assert ProspectClaim.objects.filter(account=prospect).count() == 1
    assert "Claim this prospect" not in html_of(response)


def test_k06_the_supervisor_approves_from_the_queue_and_the_claimant_owns_it(client, manager, supervisor, prospect):
    claim(client, manager, prospect)
    pending = ProspectClaim.objects.get(account=prospect)
    client.force_login(supervisor)

    queue = client.get(reverse("accounts:claims"))
    assert list(queue.context["pending"]) == [pending]
    assert "Open Lead Ltd" in html_of(queue)

    response = client.post(reverse("accounts:claim-decide", args=[pending.pk]), {"decision": "approve"}, follow=True)

    assertRedirects(response, reverse("accounts:claims"))
    assert any("Approved" in m for m in messages_of(response))
    prospect.refresh_from_db()
    pending.refresh_from_db()
    assert prospect.owner == manager
    assert (pending.status, pending.decided_by) == ("approved", supervisor)


def test_k06_rejecting_needs_a_reason(client, manager, supervisor, prospect):
    claim(client, manager, prospect)
    pending = ProspectClaim.objects.get(account=prospect)
    client.force_login(supervisor)
    decide = reverse("accounts:claim-decide", args=[pending.pk])

    response = client.post(decide, {"decision": "reject", "note": ""}, follow=True)

    assert "Say why the claim is rejected; the manager sees it." in messages_of(response)
    pending.refresh_from_db()
    assert pending.status == "pending"

    client.post(decide, {"decision": "reject", "note": "Zhang's team already serves them"})
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == ("rejected", "Zhang's team already serves them")
    client.force_login(manager)
    assert "Zhang&#x27;s team already serves them" in html_of(client.get(reverse("accounts:claims")))


def test_k06_another_team_s_supervisor_cannot_decide(client, manager, other_team, prospect):
    claim(client, manager, prospect)
    pending = ProspectClaim.objects.get(account=prospect)
    client.force_login(other_team.supervisor)

    assert list(client.get(reverse("accounts:claims")).context["pending"]) == []
    response = client.post(reverse("accounts:claim-decide", args=[pending.pk]), {"decision": "approve"})

    assert response.status_code == 404
    pending.refresh_from_db()
    prospect.refresh_from_db()
    assert (pending.status, prospect.owner) == ("pending", None)


def test_k06_the_claimant_withdraws_and_the_prospect_is_free_again(client, manager, teammate, prospect):
    claim(client, manager, prospect)
    pending = ProspectClaim.objects.get(account=prospect)

    response = client.post(reverse("accounts:claim-withdraw", args=[pending.pk]), follow=True)

    assert "Claim withdrawn." in messages_of(response)
    assert ProspectClaim.objects.get(pk=pending.pk).status == "withdrawn"
    assert messages_of(claim(client, teammate, prospect)) == ["Claim filed; your supervisor decides."]


# --- Archive and restore ------------------------------------------------------------


def test_archive_asks_first(client, manager, account):
    client.force_login(manager)
    page = client.get(reverse("accounts:archive", args=[account.pk]))
    assert page.status_code == 200
    assert "Archive Haier?" in html_of(page)
    account.refresh_from_db()
    assert account.archived_at is None


def test_archiving_hides_the_account_keeps_the_row_and_restoring_brings_it_back(client, manager, account):
    client.force_login(manager)

    def listed(**params):
        return [a.name for a in client.get(reverse("accounts:list"), params).context["accounts"]]

    response = client.post(reverse("accounts:archive", args=[account.pk]))

    assertRedirects(response, reverse("accounts:list"))
    account.refresh_from_db()
    assert account.archived_at is not None
    assert Account.objects.filter(pk=account.pk).exists()
    assert listed(q="Hai") == []
    assert listed(archived="on") == ["Haier"]

    client.post(reverse("accounts:restore", args=[account.pk]))

    account.refresh_from_db()
    assert account.archived_at is None
    assert listed(q="Hai") == ["Haier"]


def test_the_plain_account_list_hides_archived_accounts(client, manager, account):
    client.force_login(manager)
    client.post(reverse("accounts:archive", args=[account.pk]))
    assert [a.name for a in client.get(reverse("accounts:list")).context["accounts"]] == []


# --- K-03/K-04/K-08: competitors, orders and the product map -----------------------

CHILDREN = {
    # kind: (model, what is typed to add it, what is changed in an edit, the text that shows it)
    "order": (Order, {"signed_on": "2025-03-01", "product": "MES rollout", "amount": "120000.00",
                      "contract_months": "24", "reference": "HT-2025-001"}, {"amount": "150000.00"}, "MES rollout"),
    "competitor": (Competitor, {"name": "Kingdee", "offer": "30% cheaper", "strengths": "Local support",
                                "customer_opinion": "Too small for us"}, {"strengths": "Price"}, "Kingdee"),
    "product": (ProductPosition, {"product": "CRM suite", "status": "evaluating", "notes": "Pilot in Qingdao"},
                {"status": "in_use"}, "CRM suite"),
}


@pytest.fixture
def child(account):
    """One row of each kind already on the account."""
    return {
        "order": OrderFactory(account=account, product="MES rollout"),
        "competitor": Competitor.objects.create(account=account, name="Kingdee"),
        "product": ProductPosition.objects.create(account=account, product="CRM suite"),
    }


@pytest.mark.parametrize("kind", CHILDREN)
def test_k04_k08_k03_add_and_edit_a_row_of_the_account(client, manager, account, kind):
    model, typed, changed, shown = CHILDREN[kind]
    client.force_login(manager)

    assert client.get(reverse(f"accounts:{kind}-add", args=[account.pk])).status_code == 200
    response = client.post(reverse(f"accounts:{kind}-add", args=[account.pk]), typed, follow=True)

    assertRedirects(response, account.get_absolute_url())
    assert "Saved." in messages_of(response)
    assert shown in html_of(response)
    row = model.objects.get(account=account)

    edit = reverse(f"accounts:{kind}-edit", args=[account.pk, row.pk])
    assert client.get(edit).context["form"].instance == row
    assertRedirects(client.post(edit, {**typed, **changed}), account.get_absolute_url())
    row.refresh_from_db()
    for field, value in changed.items():
        assert str(getattr(row, field)) == value
    assert model.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("kind", CHILDREN)
def test_k04_k08_k03_removing_a_row_asks_first(client, manager, account, child, kind):
    row = child[kind]
    client.force_login(manager)
    confirm = client.get(reverse(f"accounts:{kind}-delete", args=[account.pk, row.pk]))
    assert confirm.status_code == 200
    assert f"from {account.name}?" in html_of(confirm)
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", CHILDREN)
def test_k04_k08_k03_confirming_removes_the_row(client, manager, account, child, kind):
    row = child[kind]
    client.force_login(manager)
    response = client.post(reverse(f"accounts:{kind}-delete", args=[account.pk, row.pk]), follow=True)
    assertRedirects(response, account.get_absolute_url())
    assert "Removed." in messages_of(response)
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_k08_an_order_without_a_positive_amount_is_refused_at_the_form(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("accounts:order-add", args=[account.pk]),
                           {"signed_on": "2025-03-01", "product": "MES", "amount": "-5"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Order.objects.filter(account=account).exists()


def test_a_row_of_another_account_is_not_reached_through_this_one(client, manager, account):
    other = AccountFactory(name="Midea", owner=manager)
    order = OrderFactory(account=other)
    client.force_login(manager)
    assert client.get(reverse("accounts:order-edit", args=[account.pk, order.pk])).status_code == 404
    assert client.post(reverse("accounts:order-delete", args=[account.pk, order.pk])).status_code == 404
    assert Order.objects.filter(pk=order.pk).exists()


@pytest.mark.parametrize("kind, typed", [("competitor", {"name": "Kingdee"}),
                                         ("product", {"product": "CRM suite", "status": "target"})])
def test_k03_k04_a_duplicate_row_is_refused_at_the_field(client, manager, account, kind, typed):
    client.force_login(manager)
    client.post(reverse(f"accounts:{kind}-add", args=[account.pk]), typed)
    response = client.post(reverse(f"accounts:{kind}-add", args=[account.pk]), typed)
    assert response.status_code == 200
    assert response.context["form"].errors


# --- Query counts: pages cost the same with 1 row or 30 -----------------------------

# Every request: the session, the user, and the session's sliding expiry
# (savepoint, update, release) = 5 queries. Beyond those:
QUERY_BOUNDS = {
    # count, the owner filter's choices, one page of accounts with owner, parent and tier (one join)
    "accounts:list": 9,  # +1: the bell's unread COUNT (issue 18)
    # (issue 19: each panel's short lists in one statement, core.batch; 31 before)
    # session, user, the bell's unread COUNT; the account with its owner's team, parent and who
    # last reviewed the profile; its lists (team, claim or handover, last orders, competitors,
    # product map, subsidiaries); group figures; buying centre (roles with contacts, contacts,
    # open personnel changes, last self-review with its author); visits panel (recent visits,
    # open issues, after-sales follow-ups); tier panel (state, history, pending proposal) and its
    # cadence; plan panel (satisfaction, this year's plan, next planned visits). +3 once a minute:
    # the session's idle expiry pushed (savepoint, update, release), as on the first page here.
    # +1: the files panel (issue 23), its files joined to their type in one query.
    "accounts:detail": 16,  # +1: the opportunities panel (issue 22)
    # account, count, one page of records with their users, the record before the page
    "accounts:history": 10,  # +1: the bell's unread COUNT (issue 18)
    # (as the supervisor) claims waiting with account and claimant, my own claims
    "accounts:claims": 8,  # +1: the bell's unread COUNT (issue 18)
}


def fill(account, manager, teammate, n):
    """n more of every row the account pages show."""
    start = Order.objects.count() + Competitor.objects.count() + 1000
    for i in range(start, start + n):
        other = AccountFactory(owner=manager if i % 2 else teammate, parent=account if i % 3 == 0 else None,
                               kind="standard")
        AccountTeamMember.objects.create(account=other, user=teammate if i % 2 else manager)
        AccountFactory(owner=manager, parent=account, kind="standard")
        contact = ContactFactory(account=account, name=f"Contact {i}")
        BuyerRoleFactory(contact=contact, role=["decision_maker", "gatekeeper", "user", "coach"][i % 4])
        PersonnelChange.objects.create(account=account, contact=contact, kind="title", before="经理", after="总监",
                                       recorded_by=manager)
        SelfQuestionReview.objects.create(account=account, reviewed_on=date(2024, 1, 1), reviewed_by=teammate)
        OrderFactory(account=account)
        Competitor.objects.create(account=account, name=f"Rival {i}")
        ProductPosition.objects.create(account=account, product=f"Product {i}")
        ProspectClaim.objects.create(account=ProspectFactory(), claimant=teammate if i % 2 else manager)
        account_update(account=account, by=manager, industry=f"Industry {i}", owner=manager if i % 2 else teammate)
    account_update(account=account, by=manager, owner=manager)


@pytest.mark.parametrize("url_name", QUERY_BOUNDS)
def test_account_pages_cost_a_fixed_number_of_queries(client, manager, teammate, supervisor, url_name,
                                                      django_assert_max_num_queries):
    account = AccountFactory(name="Haier", owner=manager, kind="group")
    account_profile_review(account=account, by=manager)
    fill(account, manager, teammate, 1)
    client.force_login(supervisor if url_name == "accounts:claims" else manager)
    url = reverse(url_name, args=[] if url_name in ("accounts:list", "accounts:claims") else [account.pk])

    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        small = client.get(url)
    fill(account, manager, teammate, 30)
    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    if url_name == "accounts:list":
        assert large.context["page_obj"].paginator.count > 25
