"""Issue 22 items 3–6: what the pipeline feeds — the tier rules' "opens a tender" (K-32), a won deal's
order and its after-sales steps (K-08, K-26), conversion on the pipeline (K-51), lost opportunities by
tier, contact frequency and objection (K-52), reminder tasks (K-44), the import."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LostReason, ObjectionType, Order
from care.models import CareTask
from care.services import opportunity_tasks_generate
from opportunities.models import Opportunity
from opportunities.services import opportunity_move
from tests.factories import AccountFactory, OpportunityFactory, stage, tender_at
from tests.imports.test_imports import csv_file, import_file, outcomes
from tiering.evidence import explain
from tiering.models import AccountTier, Tier, TierProposal
from tiering.services import tier_evaluate
from visits.models import AfterSalesStep
from visits.services import visit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def haier(manager):
    return AccountFactory(owner=manager, name="Haier")


# --- K-32: "a C account that opens a tender → B" ----------------------------------------------------

def test_k32_a_c_account_with_an_opportunity_in_a_tender_stage_is_proposed_for_b(client, manager, supervisor,
                                                                                 haier, default_tiers):
    tier_evaluate()
    assert AccountTier.objects.get(account=haier).tier.code == "C"
    OpportunityFactory(account=haier, stage=stage("Proposal"))
    assert tier_evaluate() == 0  # a proposal is no tender

    tender_at(haier, name="Line 3 tender")
    tier_evaluate()
    proposal = TierProposal.objects.get(account=haier, status="pending")
    assert (proposal.to_tier.code, proposal.evidence["in_tender"]) == ("B", True)
    tiers = Tier.objects.in_bulk()
    reading = explain(proposal.evidence, tiers=tiers, to_tier=proposal.to_tier, rule_position=proposal.rule_position)
    assert reading.placed.headline == "Rule 2 (an opportunity in a tender stage) places it in B."


def test_k32_the_rule_editor_and_its_preview_speak_of_tender_stage_opportunities(client, admin, haier,
                                                                                 default_tiers):
    tier_evaluate()
    tender_at(haier)
    client.force_login(admin)
    page = client.get(reverse("tiering:rules")).content.decode()
    assert "Opportunity in a tender stage" in page and "open_tender" not in page
    account_form = client.get(reverse("accounts:edit", args=[haier.pk])).content.decode()
    assert "has_open_tender" not in account_form


def test_k32_evidence_stored_before_opportunities_still_reads(haier, default_tiers):
    check = {"measure": "open_tender", "bound": "is", "threshold": True, "value": True, "holds": True}
    evidence = {"v": 2, "key": "rule", "rule": {"position": 2, "tier": Tier.objects.get(code="B").pk, "label": "",
                                                "checks": [check]}, "missed": []}
    reading = explain(evidence, tiers=Tier.objects.in_bulk(), to_tier=Tier.objects.get(code="B"), rule_position=2)
    assert reading.placed.headline == "Rule 2 (an open tender or opportunity) places it in B."


def test_k32_the_migration_turned_ticked_checkboxes_into_tender_opportunities(manager, admin):
    """opportunities 0002: run on the models of its day (the checkbox still there)."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module("opportunities.migrations.0002_default_stages_and_tenders")
    state = MigrationExecutor(connection).loader.project_state(("opportunities", "0002_default_stages_and_tenders"))
    historical = state.apps
    haier, quiet = AccountFactory(owner=manager, name="Haier"), AccountFactory(owner=None, name="Pool",
                                                                                 status="prospect")
    with connection.cursor() as cursor:  # the column as it was, for the migration to read
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events in the way of ALTER TABLE
        cursor.execute("ALTER TABLE accounts_account ADD COLUMN has_open_tender boolean NOT NULL DEFAULT false")
        cursor.execute("UPDATE accounts_account SET has_open_tender = true WHERE id IN (%s, %s)", [haier.pk, quiet.pk])
    try:
        migration.forwards(historical, None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_account DROP COLUMN has_open_tender")
    made = {o.account_id: o for o in Opportunity.objects.select_related("stage")}
    assert (made[haier.pk].stage.kind, made[haier.pk].owner, made[haier.pk].name) == ("tender", manager, "招标项目")
    assert made[quiet.pk].owner == admin  # a prospect in the pool: the admin holds it
    assert made[haier.pk].changes.get().kind == "created"


# --- K-08, K-26: a won opportunity becomes its order; the after-sales steps follow --------------------

def test_k08_a_won_opportunity_offers_its_order_and_after_sales_follows(client, manager, haier, eager_celery,
                                                                        django_capture_on_commit_callbacks):
    deal = OpportunityFactory(account=haier, name="MES", amount=Decimal(900_000), stage=stage("Negotiation"))
    client.force_login(manager)
    assert client.get(reverse("opportunities:order", args=[deal.pk])).status_code == 302  # not won yet
    client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Won").pk})
    page = client.get(deal.get_absolute_url()).content.decode()
    assert reverse("opportunities:order", args=[deal.pk]) in page
    form = client.get(reverse("opportunities:order", args=[deal.pk])).context["form"]
    assert (form.initial["amount"], form.initial["product"]) == (Decimal(900_000), "MES")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opportunities:order", args=[deal.pk]), {
            "signed_on": str(timezone.localdate()), "amount": "900000", "currency": "CNY", "product": "MES",
            "create_key": form.initial.get("create_key") or form.fields["create_key"].initial()})
    assert response.status_code == 302
    order = Order.objects.get(account=haier)
    deal.refresh_from_db()
    assert deal.order == order
    assert set(AfterSalesStep.objects.filter(order=order).values_list("kind", flat=True)) == {
        "start_letter", "usage_guidance"}
    assert client.get(reverse("opportunities:order", args=[deal.pk])).status_code == 302  # made once
    assert Order.objects.count() == 1


# --- K-51: conversion on the pipeline, the order-based view kept ------------------------------------

def test_k51_a_touch_converts_when_an_opportunity_is_created_advanced_or_won_within_n_days(client, manager, haier,
                                                                                          default_tiers):
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    now = timezone.now()
    visit_log(account=haier, by=manager, occurred_at=now - timedelta(days=40), channel="wechat", purpose="p",
              summary="s")
    visit_log(account=haier, by=manager, occurred_at=now - timedelta(days=10), channel="on_site", purpose="p",
              summary="s")
    deal = OpportunityFactory(account=haier, stage=stage("Lead"))
    deal.changes.update(changed_at=now - timedelta(days=45))  # created before both touches
    opportunity_move(opportunity=deal, by=manager, stage=stage("Proposal"))  # advanced now: after the on-site one
    client.force_login(manager)
    start = str((now - timedelta(days=60)).date())
    table = client.get(reverse("reports:conversion"), {"start": start}).context["table"]
    assert [(t, c, n, k) for t, c, n, k, _rate in table] == [("A", "On-site visit", 1, 1), ("A", "WeChat", 1, 0)]
    opportunity_move(opportunity=deal, by=manager, stage=stage("Qualified"))  # moving back is no step forward
    orders = client.get(reverse("reports:conversion"), {"start": start, "measure": "orders"}).context["table"]
    assert [k for _t, _c, _n, k, _r in orders] == [0, 0]
    assert "On orders" in client.get(reverse("reports:conversion")).content.decode()


# --- K-52: why opportunities were lost ----------------------------------------------------------------

def test_k52_lost_opportunities_by_tier_contact_frequency_and_objection(client, manager, supervisor, haier,
                                                                        default_tiers):
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="B"), set_at=timezone.now())
    price = LostReason.objects.get_or_create(name_en="Price")[0]
    trust = ObjectionType.objects.get_or_create(name_en="Trust")[0]
    for _n in range(2):
        visit_log(account=haier, by=manager, channel="phone", purpose="p", summary="s")
    for _n in range(3):
        deal = OpportunityFactory(account=haier)
        opportunity_move(opportunity=deal, by=manager, stage=stage("Lost"), lost_reason=price, objection_type=trust)
    OpportunityFactory(account=haier, stage=stage("Won"), closed_on=timezone.localdate())
    client.force_login(supervisor)
    losses = client.get(reverse("reports:value")).context["losses"]
    assert losses.total == 3
    assert [(s.label, s.lost) for s in losses.by_tier] == [("B", 3)]
    assert [(s.label, s.lost) for s in losses.by_objection] == [("Trust", 3)]
    assert [(s.label, s.lost) for s in losses.by_band] == [("1–3 touches in the year before", 3)]


# --- K-44: bid deadlines and expected closes as reminder tasks, once ----------------------------------

def test_k44_a_bid_deadline_and_an_expected_close_become_tasks_once_and_close_themselves(manager, haier):
    today = timezone.localdate()
    tender = tender_at(haier, name="产线招标", bid_deadline=today + timedelta(days=3),
                       expected_close=today + timedelta(days=6))
    OpportunityFactory(account=haier, expected_close=today + timedelta(days=30))  # too far ahead yet

    assert opportunity_tasks_generate() == 2
    assert opportunity_tasks_generate() == 0  # idempotent
    tasks = CareTask.objects.filter(kind="opportunity").order_by("due_on")
    assert [(t.owner, t.due_on, t.display_title) for t in tasks] == [
        (manager, today + timedelta(days=3), f"Bid deadline {today + timedelta(days=3)}: 产线招标, Haier"),
        (manager, today + timedelta(days=6), f"Expected close {today + timedelta(days=6)}: 产线招标, Haier")]

    Opportunity.objects.filter(pk=tender.pk).update(bid_submitted_on=today)
    opportunity_tasks_generate()
    assert list(CareTask.objects.filter(kind="opportunity", status="open").values_list("params__what", flat=True)) == [
        "close"]


# --- Item 6: import --------------------------------------------------------------------------------------

OPPORTUNITIES_CSV = (
    "客户名称,项目,阶段,金额,预计成交,投标截止\n"
    "Haier,生产线改造,投标,\"800,000\",2026-06-30,2026-05-20\n"
    "Haier,备件,Lead,12000,,\n"
)
BAD_ROWS = "Nobody,幽灵,Lead,1,,\nHaier,坏阶段,不存在,1,,\n"


def test_x03_opportunities_import_runs_dry_then_creates_and_reimport_updates(client, manager, haier):
    client.force_login(manager)
    bad = import_file(client, "opportunities", csv_file(OPPORTUNITIES_CSV + BAD_ROWS))
    assert outcomes(bad) == [(2, "create"), (3, "create"), (4, "error"), (5, "error")]
    job = import_file(client, "opportunities", csv_file(OPPORTUNITIES_CSV))
    assert outcomes(job) == [(2, "create"), (3, "create")]
    assert not Opportunity.objects.exists()
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied", (job.status, job.message)
    made = {o.name: o for o in Opportunity.objects.select_related("stage")}
    assert (made["生产线改造"].stage.kind, made["生产线改造"].amount, made["生产线改造"].owner) == (
        "tender", Decimal(800_000), manager)
    assert made["生产线改造"].changes.get().kind == "created"

    again = import_file(client, "opportunities", csv_file(OPPORTUNITIES_CSV.replace("投标,", "Won,")))
    assert outcomes(again)[:2] == [(2, "update"), (3, "skip")]
    client.post(reverse("imports:apply", args=[again.pk]))
    won = Opportunity.objects.get(name="生产线改造")
    assert (won.stage.kind, won.closed_on, won.changes.first().kind) == ("won", timezone.localdate(), "won")
