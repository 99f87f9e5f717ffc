"""Issue 24 item 1: the REST API, scoped exactly as the pages (K-05), writing through the services.
Stories of a manager (li), her teammate, her supervisor and an outsider in another team."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Order
from care.models import CareTask
from tests.api.conftest import client_with
from tests.factories import AccountFactory, ContactFactory, OrderFactory
from visits.models import AfterSalesStep, CustomerIssue, Visit
from visits.services import after_sales_schedule

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_manager_lists_her_own_and_her_teams_accounts_never_another_teams(as_user, manager, teammate, world,
                                                                            django_assert_max_num_queries):
    mine, team = world["ours"]["account"], AccountFactory(owner=teammate)
    client = as_user(manager)
    # token + user, last-use update and its line in the audit log (once a minute), the page (with
    # its tier), and nothing per row
    with django_assert_max_num_queries(5):
        listed = ids(client.get("/api/accounts/"))
    assert set(listed) == {mine.pk, team.pk}
    assert client.get(f"/api/accounts/{world['theirs']['account'].pk}/").status_code == 404


def test_out_of_scope_rows_are_404_like_the_pages(as_user, manager, world):
    client = as_user(manager)
    theirs = world["theirs"]
    for path in (f"/api/contacts/{theirs['contact'].pk}/", f"/api/visits/{theirs['visit'].pk}/",
                 f"/api/issues/{theirs['issue'].pk}/", f"/api/care-tasks/{theirs['task'].pk}/"):
        assert client.get(path).status_code == 404, path
    assert ids(client.get("/api/contacts/")) == [world["ours"]["contact"].pk]
    assert ids(client.get("/api/visits/")) == [world["ours"]["visit"].pk]
    assert ids(client.get("/api/issues/")) == [world["ours"]["issue"].pk]
    assert ids(client.get("/api/care-tasks/")) == [world["ours"]["task"].pk]


def test_lists_filter_order_and_page_by_cursor(as_user, manager):
    accounts = [AccountFactory(owner=manager, name=f"客户{n:02d}", status="active" if n % 2 else "at_risk")
                for n in range(7)]
    client = as_user(manager)
    at_risk = ids(client.get("/api/accounts/?status=at_risk"))
    assert set(at_risk) == {a.pk for a in accounts if a.status == "at_risk"}
    first = client.get("/api/accounts/?ordering=-id&page_size=3").json()
    assert [row["id"] for row in first["results"]] == sorted((a.pk for a in accounts), reverse=True)[:3]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == sorted((a.pk for a in accounts), reverse=True)[3:6]
    assert client.get("/api/accounts/?status=gone").json() == {
        "status": ["Select a valid choice. gone is not one of the available choices."]}
    assert client.get("/api/accounts/?cursor=bm9wZQ").status_code == 404  # a cursor not made by us


def test_an_erp_sending_the_same_order_twice_makes_one_order_and_its_after_sales_steps_once(as_user, manager):
    account = AccountFactory(owner=manager)
    client = as_user(manager)
    body = {"account": account.pk, "external_id": "SAP-4711", "signed_on": timezone.localdate().isoformat(),
            "amount": "120000.00", "product": "伺服电机", "contract_months": 12}
    first = client.post("/api/orders/", body, format="json")
    again = client.post("/api/orders/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    order = Order.objects.get()
    assert (order.external_id, order.amount, order.currency) == ("SAP-4711", Decimal("120000.00"), account.currency)
    # After-sales starts as for any order (K-26): the schedule job, however often it runs.
    after_sales_schedule()
    after_sales_schedule()
    assert sorted(AfterSalesStep.objects.filter(order=order).values_list("kind", flat=True)) == [
        "start_letter", "usage_guidance"]

    changed = client.post("/api/orders/", {**body, "amount": "150000.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["amount"] == "150000.00"
    assert Order.objects.count() == 1


def test_an_order_id_of_an_account_out_of_reach_is_refused_at_its_field(as_user, manager, outsider):
    OrderFactory(account=AccountFactory(owner=outsider), external_id="SAP-1")
    mine = AccountFactory(owner=manager)
    answer = as_user(manager).post("/api/orders/", {"account": mine.pk, "external_id": "SAP-1", "amount": "1",
                                                     "signed_on": "2026-01-05", "product": "x"}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["external_id"]


def test_validation_errors_name_the_field_and_bad_bodies_are_400(as_user, manager):
    client = as_user(manager)
    account = AccountFactory(owner=manager)
    answer = client.post("/api/orders/", {"account": account.pk, "amount": "-5", "product": ""}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"amount", "product", "signed_on"}
    assert client.post("/api/orders/", "{not json", content_type="application/json").status_code == 400
    assert client.post("/api/orders/", [1, 2], format="json").status_code == 400
    assert client.post("/api/orders/", {"account": 10**30}, format="json").status_code == 400
    nul = client.post("/api/accounts/", {"name": "a\x00b"}, format="json")
    assert nul.status_code == 400 and "name" in nul.json()
    # A service's own rule (K-52: a lost customer needs its reason) answers at its field too.
    lost = client.patch(f"/api/accounts/{account.pk}/", {"status": "lost"}, format="json")
    assert lost.status_code == 400 and set(lost.json()) == {"lost_reason", "objection_type"}


def test_a_manager_logs_a_visit_with_an_issue_once_under_an_idempotency_key(as_user, manager, world):
    ours = world["ours"]
    client = as_user(manager)
    body = {"account": ours["account"].pk, "channel": "phone", "purpose": "Renewal", "summary": "They will renew.",
            "customer_replied": True, "contacts": [ours["contact"].pk],
            "issues": [{"kind": "complaint", "description": "Late delivery"}]}
    key = {"HTTP_IDEMPOTENCY_KEY": "5b0a4d8e-3f7c-4d1a-9c2e-1f2a3b4c5d6e"}
    made = client.post("/api/visits/", body, format="json", **key)
    resent = client.post("/api/visits/", body, format="json", **key)
    assert (made.status_code, resent.status_code) == (201, 200)
    assert made.json()["id"] == resent.json()["id"]
    visit = Visit.objects.get(pk=made.json()["id"])
    assert (visit.author, list(visit.contacts.all())) == (manager, [ours["contact"]])
    assert CustomerIssue.objects.filter(visit=visit, kind="complaint").count() == 1
    bad_key = client.post("/api/visits/", body, format="json", HTTP_IDEMPOTENCY_KEY="again")
    assert bad_key.status_code == 400 and list(bad_key.json()) == ["Idempotency-Key"]


def test_a_visit_on_another_teams_account_or_with_their_contact_is_refused_at_the_field(as_user, manager, world):
    theirs, ours = world["theirs"], world["ours"]
    client = as_user(manager)
    answer = client.post("/api/visits/", {"account": theirs["account"].pk, "purpose": "x", "summary": "y"},
                         format="json")
    assert answer.status_code == 400 and list(answer.json()) == ["account"]
    answer = client.post("/api/visits/", {"account": ours["account"].pk, "purpose": "x", "summary": "y",
                                          "contacts": [theirs["contact"].pk]}, format="json")
    assert answer.status_code == 400 and list(answer.json()) == ["contacts"]


def test_care_tasks_are_completed_and_issues_followed_up(as_user, manager, world):
    ours = world["ours"]
    client = as_user(manager)
    done = client.post(f"/api/care-tasks/{ours['task'].pk}/done/", {"outcome": "Called, all well.", "channel": "call"},
                       format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert CareTask.objects.get(pk=ours["task"].pk).done_by == manager
    again = client.post(f"/api/care-tasks/{ours['task'].pk}/done/", {"outcome": "Again"}, format="json")
    assert again.status_code == 400  # already closed: said, not a 500
    empty = client.post(f"/api/care-tasks/{ours['task'].pk}/done/", {"outcome": ""}, format="json")
    assert list(empty.json()) == ["outcome"]

    moved = client.post(f"/api/issues/{ours['issue'].pk}/follow-up/", {"status": "resolved"}, format="json")
    assert moved.status_code == 400 and list(moved.json()) == ["resolution"]
    moved = client.post(f"/api/issues/{ours['issue'].pk}/follow-up/",
                        {"status": "resolved", "resolution": "Price list sent."}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "resolved"


def test_contacts_and_buyer_roles_are_made_and_changed_by_the_account_team(as_user, manager, teammate, world):
    account = world["ours"]["account"]
    client = as_user(manager)
    made = client.post("/api/contacts/", {"account": account.pk, "name": "周敏", "title": "采购总监",
                                          "birthday_calendar": "lunar", "birth_month": 8, "birth_day": 15},
                       format="json")
    assert made.status_code == 201, made.content
    contact = made.json()["id"]
    role = client.post("/api/buyer-roles/", {"contact": contact, "role": "decision_maker", "influence": 5},
                       format="json")
    assert role.status_code == 201 and role.json()["account"] == account.pk
    assert client.get(f"/api/contacts/{contact}/").json()["roles"] == ["decision_maker"]
    changed = client.patch(f"/api/buyer-roles/{role.json()['id']}/", {"influence": 2}, format="json")
    assert changed.json()["influence"] == 2
    renamed = client.patch(f"/api/contacts/{contact}/", {"title": "副总经理", "account": 999}, format="json")
    assert renamed.status_code == 200 and renamed.json()["account"] == account.pk  # a contact stays at its account
    assert client.delete(f"/api/buyer-roles/{role.json()['id']}/").status_code == 204


def test_tiers_are_read_by_everyone(as_user, outsider, default_tiers):
    tiers = as_user(outsider).get("/api/tiers/").json()["results"]
    assert [t["code"] for t in tiers] == ["A", "B", "C"]


def test_the_browser_session_works_and_checks_csrf(manager, world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(manager)
    assert ids(client.get("/api/accounts/")) == [world["ours"]["account"].pk]
    refused = client.post("/api/orders/", {}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_a_stranger_gets_401_json_not_the_login_page(world):
    answer = client_with().get("/api/accounts/")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert client_with("kam_forged").get("/api/accounts/").status_code == 401
    assert client_with().get("/api/nowhere/").json() == {"detail": "Not found."}


def test_webhook_payload_is_the_rows_api_representation(manager):
    from notifications.webhooks import payload_of

    order = OrderFactory(account=AccountFactory(owner=manager), external_id="E-1", amount=Decimal("10.50"))
    data = payload_of(order)
    assert (data["id"], data["external_id"], data["amount"]) == (order.pk, "E-1", "10.50")
    json.dumps(data)
    contact = ContactFactory(account=order.account)
    assert payload_of(contact)["account"] == order.account_id


def test_a_supervisor_changes_her_teams_accounts_but_a_manager_not_another_teams(as_user, supervisor, teammate,
                                                                                 manager, outsider):
    team_account = AccountFactory(owner=teammate, name="旧名")
    answer = as_user(supervisor).patch(f"/api/accounts/{team_account.pk}/", {"name": "新名"}, format="json")
    assert answer.status_code == 200 and answer.json()["name"] == "新名"
    prospect = AccountFactory(owner=None, status="prospect")  # seen by all (the open pool), changed by none
    assert as_user(outsider).patch(f"/api/accounts/{prospect.pk}/", {"name": "x"}, format="json").status_code == 403
    assert timezone.now() - timedelta(minutes=1) < team_account.created_at
