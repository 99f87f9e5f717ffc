"""K-52: a manager who marks a customer lost says why, from lists an admin keeps, so that
churn can be analysed by lost reason and objection type."""

import pytest
from django.urls import reverse

from accounts.models import Account, LostReason, ObjectionType
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("churn_lists")]


@pytest.fixture
def churn_lists(db):
    """The entries accounts/migrations/0006 starts the lists with (a transactional test's flush removes them)."""
    LostReason.objects.get_or_create(name_en="Price", defaults={"name_zh_hans": "价格", "name_zh_hant": "價格"})
    ObjectionType.objects.get_or_create(name_en="Price too high")


def edit_post(account, **changes):
    data = {"name": account.name, "kind": "standard", "status": account.status, "owner": account.owner_id}
    data.update(changes)
    return data


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, kind="standard", name="Haier Qingdao")


def test_k52_marking_an_account_lost_asks_for_the_reason_and_the_objection(client, manager, account):
    client.force_login(manager)
    page = client.post(reverse("accounts:edit", args=[account.pk]), edit_post(account, status="lost"))
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert errors["lost_reason"] == ["Say why the customer was lost."]
    assert errors["objection_type"] == ["Choose the customer's objection."]
    assert Account.objects.get(pk=account.pk).status == "active"


def test_k52_with_both_recorded_the_account_is_lost_and_says_why(client, manager, account):
    price = LostReason.objects.get(name_en="Price")
    objection = ObjectionType.objects.get(name_en="Price too high")
    client.force_login(manager)
    response = client.post(reverse("accounts:edit", args=[account.pk]), edit_post(
        account, status="lost", lost_reason=price.pk, objection_type=objection.pk))
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.status, account.lost_reason, account.objection_type) == ("lost", price, objection)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "Lost reason: Price; objection: Price too high" in html


def test_k52_the_reasons_read_in_the_readers_language(client, manager, account):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "zh-hant"})
    form = client.get(reverse("accounts:edit", args=[account.pk])).context["form"]
    assert "價格" in [str(reason) for reason in form.fields["lost_reason"].queryset]


def test_k52_an_account_that_came_in_lost_is_saved_again_without_a_reason(client, manager):
    """History imported as lost has no recorded reason; saving it for another change is not refused."""
    old = AccountFactory(owner=manager, kind="standard", status="lost")
    client.force_login(manager)
    assert client.post(reverse("accounts:edit", args=[old.pk]),
                       edit_post(old, region="华北")).status_code == 302


def test_k52_a_retired_reason_is_not_offered_but_stays_where_it_is_used(client, manager, account):
    retired = LostReason.objects.create(name_en="Old reason", active=False)
    used = AccountFactory(owner=manager, kind="standard", status="lost", lost_reason=retired)
    client.force_login(manager)
    offered = client.get(reverse("accounts:edit", args=[account.pk])).context["form"].fields["lost_reason"].queryset
    assert retired not in offered
    kept = client.get(reverse("accounts:edit", args=[used.pk])).context["form"].fields["lost_reason"].queryset
    assert retired in kept


# --- The admin's lists ------------------------------------------------------------------------------

def test_k52_an_admin_adds_a_lost_reason_in_three_languages(client, admin):
    client.force_login(admin)
    response = client.post(reverse("churn:add", args=["lost-reasons"]), {
        "name_en": "Budget cut", "name_zh_hans": "预算削减", "name_zh_hant": "預算削減", "position": 9,
        "active": "on"})
    assert response.status_code == 302
    page = client.get(reverse("churn:list", args=["lost-reasons"]))
    assert "预算削减" in page.content.decode()
    reason = LostReason.objects.get(name_en="Budget cut")
    client.post(reverse("churn:edit", args=["lost-reasons", reason.pk]),
                {"name_en": "Budget cut", "position": 9})  # unticked: no longer offered
    reason.refresh_from_db()
    assert not reason.active


def test_k52_a_name_twice_is_refused_next_to_the_field(client, admin):
    client.force_login(admin)
    page = client.post(reverse("churn:add", args=["objection-types"]), {"name_en": "Price too high", "position": 1})
    assert page.status_code == 200 and "name_en" in page.context["form"].errors


def test_k52_the_lists_are_paginated(client, admin):
    ObjectionType.objects.bulk_create([ObjectionType(name_en=f"Objection {n:02}", position=50) for n in range(60)])
    client.force_login(admin)
    first = client.get(reverse("churn:list", args=["objection-types"])).context["page_obj"]
    assert first.paginator.count == ObjectionType.objects.count() >= 61 and len(first.object_list) == 50


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_k52_only_admins_keep_the_lists(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    reason = LostReason.objects.first()
    for url in (reverse("churn:list", args=["lost-reasons"]), reverse("churn:add", args=["lost-reasons"]),
                reverse("churn:edit", args=["lost-reasons", reason.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name_en": "Mine", "position": 1}).status_code == 404
    assert not LostReason.objects.filter(name_en="Mine").exists()


def test_k52_an_unknown_list_is_not_found(client, admin):
    client.force_login(admin)
    assert client.get(reverse("churn:list", args=["competitors"])).status_code == 404
