"""Issue 22, after the first cut: every edit of an opportunity is on its page and on the account's
timeline, in the reader's language (opportunities.history); K-51 counts only the team's own steps, not
what an import or the checkbox's migration loaded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Competitor, LostReason, ObjectionType, ProductPosition
from contacts.models import BuyerRole
from core.money import format_money
from opportunities.history import changes
from opportunities.models import Opportunity, StageChange
from opportunities.services import (
    opportunity_create,
    opportunity_move,
    opportunity_role_remove,
    opportunity_role_save,
    opportunity_update,
)
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, stage
from tests.imports.test_imports import csv_file, import_file
from tiering.models import AccountTier, Tier
from visits.services import visit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def haier(manager):
    return AccountFactory(owner=manager, name="Haier")


@pytest.fixture
def deal(haier, manager):
    return opportunity_create(account=haier, by=manager, stage=stage("Proposal"), name="MES rollout",
                              amount=Decimal(100_000), currency="CNY")


def _edit(client, deal, **changes):
    data = {"name": deal.name, "amount": str(deal.amount), "currency": deal.currency, "owner": deal.owner_id,
            "expected_close": "", "tender_agency": "", "bid_deadline": "", "bid_submitted_on": "",
            "tender_result": "", **changes}
    return client.post(reverse("opportunities:edit", args=[deal.pk]), data)


def _timeline(client, account, **headers):
    page = client.get(reverse("hub:account-timeline", args=[account.pk]), {"kind": "opportunity"}, **headers)
    return page.context["entries"]


def test_every_field_edited_is_on_the_opportunitys_page_and_the_account_timeline(client, manager, teammate, haier,
                                                                                 deal):
    mes = ProductPosition.objects.create(account=haier, product="MES")
    siemens = Competitor.objects.create(account=haier, name="Siemens")
    client.force_login(manager)
    response = _edit(client, deal, amount="250000", currency="USD", expected_close="2027-03-31", owner=teammate.pk,
                     products=[mes.pk], competitors=[siemens.pk], tender_agency="青岛招标中心",
                     bid_deadline="2027-02-01", tender_result="pending")
    assert response.status_code == 302
    role = BuyerRoleFactory(contact=ContactFactory(account=haier, name="王总"), role="decision_maker")
    opportunity_role_save(opportunity=deal, by=manager, buyer_role=role, stance=BuyerRole.Support.CHAMPION)
    price, trust = LostReason.objects.get_or_create(name_en="Price")[0], \
        ObjectionType.objects.get_or_create(name_en="Trust")[0]
    opportunity_move(opportunity=deal, by=manager, stage=stage("Lost"), lost_reason=price, objection_type=trust)

    page = client.get(deal.get_absolute_url())
    steps = page.context["steps"]
    assert [s.title for s in steps] == ["Opportunity “MES rollout” moved from Proposal to Lost",
                                        "Opportunity “MES rollout” edited", "Opportunity “MES rollout” edited",
                                        "Opportunity “MES rollout” opened at Proposal"]
    edited = {str(label): (old, new) for label, old, new in steps[2].changes}
    assert edited["amount"] == (format_money(100_000, "CNY"), format_money(250_000, "USD"))
    assert edited["currency"] == ("CNY ¥", "USD US$")  # as the currency picker says them
    assert edited["owner"] == (str(manager), str(teammate))
    assert edited["products"] == ("", "MES") and edited["competitors"] == ("", "Siemens")
    assert edited["tender agency"] == ("", "青岛招标中心") and edited["tender result"] == ("", "Waiting for the result")
    assert "bid deadline" in edited and "expected close" in edited
    roles = {str(label): new for label, _old, new in steps[1].changes}
    assert roles["buyer roles in the opportunity"] == "Decision-maker: 王总 · Champion"
    lost = {str(label): new for label, _old, new in steps[0].changes}
    assert (lost["stage"], lost["lost reason"], lost["objection type"]) == ("Lost", "Price", "Trust")
    assert all(s.actor == manager for s in steps)

    client.force_login(teammate)  # the team reads the account's timeline, edits included
    entries = _timeline(client, haier)
    assert [e.title for e in entries] == [s.title for s in steps]
    assert entries[2].changes == steps[2].changes and entries[0].link == deal.get_absolute_url()


def test_the_history_reads_in_the_readers_language(client, manager, haier, deal):
    client.force_login(manager)
    _edit(client, deal, tender_result="won", currency="USD")
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        html = client.get(deal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        entries = _timeline(client, haier, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert translation.gettext("Awarded to us") != "Awarded to us"
        assert translation.gettext("Awarded to us") in html and ">won<" not in html
        labels = [str(label) for label, _old, _new in entries[0].changes]
        assert translation.gettext("tender result") in labels
        assert "方案" in entries[1].title  # the stage in the reader's language


def test_a_form_sent_unchanged_and_a_stance_sent_again_leave_no_edit(client, manager, haier, deal):
    role = BuyerRoleFactory(contact=ContactFactory(account=haier), role="user")
    opportunity_role_save(opportunity=deal, by=manager, buyer_role=role, stance=BuyerRole.Support.NEUTRAL)
    client.force_login(manager)
    before = deal.history.count()
    _edit(client, deal)
    opportunity_role_save(opportunity=deal, by=manager, buyer_role=role, stance=BuyerRole.Support.NEUTRAL)
    assert deal.history.count() == before
    opportunity_role_remove(role=deal.roles.get(), by=manager)
    assert deal.history.count() == before + 1
    gone = {str(label): (old, new) for label, old, new in changes(deal.history.first())}
    assert gone["buyer roles in the opportunity"][1] == ""


def test_another_team_and_a_colleague_who_may_not_edit(client, manager, outsider, teammate, haier, deal):
    client.force_login(outsider)
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert client.get(reverse("hub:account-timeline", args=[haier.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        opportunity_update(opportunity=deal, by=outsider, amount=Decimal(1))
    assert deal.history.count() == 1


def test_the_timeline_reads_every_opportunitys_edits_in_one_query(client, manager, haier, deal):
    client.force_login(manager)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        _timeline(client, haier)
    for n in range(6):
        other = opportunity_create(account=haier, by=manager, stage=stage("Lead"), name=f"备件 {n}")
        opportunity_update(opportunity=other, by=manager, amount=Decimal(n + 1))
        opportunity_move(opportunity=other, by=manager, stage=stage("Qualified"))
    with CaptureQueriesContext(connection) as many:
        entries = _timeline(client, haier)
    assert len(many) == len(few) and len(entries) == 19


def test_imported_rows_have_their_history_and_the_reimport_shows_what_it_changed(client, manager, haier):
    client.force_login(manager)
    rows = "客户名称,项目,阶段,金额\nHaier,生产线改造,Tender,\"800,000\"\n"
    job = import_file(client, "opportunities", csv_file(rows))
    client.post(reverse("imports:apply", args=[job.pk]))
    again = import_file(client, "opportunities", csv_file(rows.replace("800,000", "900,000")))
    client.post(reverse("imports:apply", args=[again.pk]))
    made = Opportunity.objects.get(name="生产线改造")
    steps = client.get(made.get_absolute_url()).context["steps"]
    assert [(s.title, s.reason) for s in steps] == [("Opportunity “生产线改造” edited", "Imported"),
                                                    ("Opportunity “生产线改造” opened at Tender", "Imported")]
    assert [(str(label), old, new) for label, old, new in steps[0].changes] == [
        ("amount", format_money(800_000, "CNY"), format_money(900_000, "CNY"))]


# --- K-51: imported history is not a creation by the team ------------------------------------------------

def test_k51_an_imported_or_migrated_opportunity_is_no_conversion_a_later_step_by_the_team_is(client, manager,
                                                                                             haier, default_tiers):
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    visit_log(account=haier, by=manager, occurred_at=timezone.now() - timedelta(days=3), channel="wechat",
              purpose="p", summary="s")
    client.force_login(manager)
    job = import_file(client, "opportunities", csv_file("客户名称,项目,阶段\nHaier,旧系统项目,Lead\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    imported = Opportunity.objects.get(name="旧系统项目")
    assert imported.changes.get().origin == StageChange.Origin.IMPORT

    def converted():
        table = client.get(reverse("reports:conversion"),
                           {"start": str(timezone.localdate() - timedelta(days=30))}).context["table"]
        return [(tier, touches, hits) for tier, _channel, touches, hits, _rate in table]

    assert converted() == [("A", 1, 0)]  # loaded, not made by the team after the touch
    assert client.get(reverse("reports:conversion"), {"measure": "orders"}).status_code == 200
    opportunity_move(opportunity=imported, by=manager, stage=stage("Qualified"))
    assert converted() == [("A", 1, 1)]  # the team advanced it after the touch


def test_k51_the_checkbox_migration_marks_its_opportunities_migrated(manager, haier):
    import importlib

    migration = importlib.import_module("opportunities.migrations.0004_history_from_stage_changes")
    tender = Opportunity.objects.create(account=haier, name="招标项目", stage=stage("Tender"), owner=manager)
    StageChange.objects.create(opportunity=tender, account=haier, to_stage=stage("Tender"), kind="created",
                               changed_at=timezone.now())
    mine = opportunity_create(account=haier, by=manager, stage=stage("Tender"), name="招标项目")
    with connection.cursor() as cursor:
        cursor.execute(migration.ORIGINS)
    assert tender.changes.get().origin == "migration"
    assert mine.changes.get().origin == "team"  # the same name, opened by a person
