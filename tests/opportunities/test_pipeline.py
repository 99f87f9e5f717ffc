"""Issue 22 items 1–2 (X-03): a manager opens opportunities on the accounts they serve, moves them
along the pipeline (a plain form post, or htmx in place), and the team reads them; the stage
history is kept. Permissions like accounts: team read, own edit, 404 out of scope."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Competitor, LostReason, ObjectionType, ProductPosition
from opportunities.models import Opportunity, StageChange
from tests.factories import AccountFactory, BuyerRoleFactory, OpportunityFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def haier(manager):
    return AccountFactory(owner=manager, name="Haier")


@pytest.fixture
def deal(haier):
    return OpportunityFactory(account=haier, name="MES rollout", amount=Decimal(800_000), stage=stage("Proposal"))


def test_x03_a_manager_opens_an_opportunity_with_products_and_competitors_of_the_account(client, manager, haier):
    mes = ProductPosition.objects.create(account=haier, product="MES")
    siemens = Competitor.objects.create(account=haier, name="Siemens")
    client.force_login(manager)
    assert client.get(reverse("opportunities:create", args=[haier.pk])).status_code == 200
    response = client.post(reverse("opportunities:create", args=[haier.pk]), {
        "name": "Line 3 retrofit", "stage": stage("Qualified").pk, "amount": "1200000", "currency": "CNY",
        "expected_close": "2027-03-31", "products": [mes.pk], "competitors": [siemens.pk]})

    made = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert (made.owner, made.stage.name_en, list(made.products.all()), list(made.competitors.all())) == (
        manager, "Qualified", [mes], [siemens])
    assert list(made.changes.values_list("kind", "to_stage__name_en")) == [("created", "Qualified")]
    page = client.get(haier.get_absolute_url()).content.decode()
    assert "Line 3 retrofit" in page and reverse("opportunities:create", args=[haier.pk]) in page


def test_x03_products_and_competitors_come_from_the_accounts_own_maps(client, manager, haier):
    elsewhere = ProductPosition.objects.create(account=AccountFactory(owner=manager), product="ERP")
    client.force_login(manager)
    response = client.post(reverse("opportunities:create", args=[haier.pk]), {
        "name": "Mixed up", "stage": stage("Lead").pk, "amount": "1", "products": [elsewhere.pk]})
    assert response.status_code == 200 and "products" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Mixed up"  # what was typed is kept
    assert not Opportunity.objects.exists()


def test_x03_bad_input_is_answered_at_its_field(client, manager, haier):
    client.force_login(manager)
    response = client.post(reverse("opportunities:create", args=[haier.pk]),
                           {"name": "", "stage": "abc", "amount": "-5", "expected_close": "2027-02-30"})
    errors = response.context["form"].errors
    assert response.status_code == 200 and {"name", "stage", "amount", "expected_close"} <= set(errors)


def test_k05_the_team_reads_but_only_the_account_team_and_supervisor_change(client, deal, teammate, supervisor,
                                                                            outsider):
    client.force_login(teammate)
    assert client.get(deal.get_absolute_url()).status_code == 200
    assert client.get(reverse("opportunities:edit", args=[deal.pk])).status_code == 403
    assert client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Won").pk}).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("opportunities:edit", args=[deal.pk])).status_code == 200
    client.force_login(outsider)
    for name in ("detail", "edit", "move", "order"):
        assert client.get(reverse(f"opportunities:{name}", args=[deal.pk])).status_code == 404, name
    assert client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Won").pk}).status_code == 404
    assert client.get(reverse("opportunities:create", args=[deal.account_id])).status_code == 404
    deal.refresh_from_db()
    assert deal.stage.name_en == "Proposal"


def test_x03_the_owner_of_an_opportunity_changes_it_on_an_account_they_do_not_serve(client, deal, teammate):
    Opportunity.objects.filter(pk=deal.pk).update(owner=teammate)
    client.force_login(teammate)
    assert client.get(reverse("opportunities:edit", args=[deal.pk])).status_code == 200


def test_x03_moving_a_card_on_the_board_is_a_plain_form_post(client, manager, deal):
    client.force_login(manager)
    response = client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Tender").pk, "board": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("opportunities:board")
    deal.refresh_from_db()
    assert deal.stage.name_en == "Tender"
    assert list(deal.changes.values_list("kind", "from_stage__name_en", "to_stage__name_en")[:1]) == [
        ("advanced", "Proposal", "Tender")]
    client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Tender").pk, "board": "1"})
    assert deal.changes.count() == 1  # sent twice, one step


def test_x03_with_htmx_the_move_answers_with_the_board_in_place(client, manager, deal):
    client.force_login(manager)
    response = client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Lead").pk, "board": "1"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="card-{deal.pk}"' in html and "<html" not in html
    assert StageChange.objects.filter(opportunity=deal, kind="back").exists()


def test_x03_the_board_has_one_picker_per_column_and_one_move_button_per_card(client, supervisor, manager, deal,
                                                                              haier):
    """Light cards (issue 19): a card carries a button, not a form of its own; the button posts its
    column's form (picker, CSRF token, board=1) to its own move by formaction, scope included."""
    other = OpportunityFactory(account=haier, name="Line 4", stage=stage("Proposal"))
    client.force_login(supervisor)
    html = client.get(reverse("opportunities:board"), {"owner": manager.pk}).content.decode()
    proposal = stage("Proposal").pk
    # a form for the one column with cards (an empty column needs none), a picker, two buttons
    assert html.count('<form id="move-') == 1 and f'<form id="move-{proposal}" method="post"' in html
    assert html.count('name="stage"') == 1 and html.count('type="submit" form="move-') == 2
    assert f'<option value="{proposal}" selected>' in html
    for card in (deal, other):
        move = reverse("opportunities:move", args=[card.pk]) + f"?owner={manager.pk}"
        assert f'form="move-{proposal}" formaction="{move}"' in html
    # What the browser sends when Line 4's button is pressed with Tender picked
    client.post(reverse("opportunities:move", args=[other.pk]) + f"?owner={manager.pk}",
                {"stage": stage("Tender").pk, "board": "1"})
    other.refresh_from_db()
    deal.refresh_from_db()
    assert (other.stage.name_en, deal.stage.name_en) == ("Tender", "Proposal")


def test_k52_a_move_to_lost_asks_why_and_keeps_the_answer(client, manager, deal):
    price = LostReason.objects.get_or_create(name_en="Price")[0]
    budget = ObjectionType.objects.get_or_create(name_en="No budget")[0]
    client.force_login(manager)
    response = client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Lost").pk, "board": "1"})
    assert response.status_code == 200
    assert {"lost_reason", "objection_type"} <= set(response.context["form"].errors)
    response = client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Lost").pk, "board": "1"},
                           HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("opportunities:move", args=[deal.pk]))

    client.post(reverse("opportunities:move", args=[deal.pk]),
                {"stage": stage("Lost").pk, "lost_reason": price.pk, "objection_type": budget.pk})
    deal.refresh_from_db()
    assert (deal.stage.name_en, deal.lost_reason, deal.objection_type, deal.closed_on) == (
        "Lost", price, budget, timezone.localdate())
    client.post(reverse("opportunities:move", args=[deal.pk]), {"stage": stage("Negotiation").pk})
    deal.refresh_from_db()
    assert (deal.lost_reason, deal.closed_on, deal.changes.first().kind) == (None, None, "reopened")


def test_k11_buyer_roles_of_the_account_take_a_stance_on_the_opportunity(client, manager, deal):
    coach = BuyerRoleFactory(contact__account=deal.account, role="coach")
    elsewhere = BuyerRoleFactory(role="decision_maker")
    client.force_login(manager)
    client.post(reverse("opportunities:role-save", args=[deal.pk]), {"buyer_role": coach.pk, "stance": "2"})
    client.post(reverse("opportunities:role-save", args=[deal.pk]), {"buyer_role": coach.pk, "stance": "1",
                                                                      "note": "Pushing for us"})
    response = client.post(reverse("opportunities:role-save", args=[deal.pk]), {"buyer_role": elsewhere.pk,
                                                                                 "stance": "0"})
    assert response.status_code == 302
    assert list(deal.roles.values_list("buyer_role", "stance", "note")) == [(coach.pk, 1, "Pushing for us")]
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "Coach" in page and "Supportive" in page
    role = deal.roles.get()
    client.post(reverse("opportunities:role-remove", args=[deal.pk, role.pk]))
    assert not deal.roles.exists()


def test_the_list_searches_filters_and_exports_what_the_user_sees(client, manager, outsider, deal,
                                                                  django_assert_max_num_queries):
    OpportunityFactory(account=AccountFactory(owner=outsider), name="Their tender", stage=stage("Tender"))
    OpportunityFactory(account=deal.account, name="Spare parts", stage=stage("Tender"))
    client.force_login(manager)
    # session, user, the page's opportunities with account/stage/owner, count, the filters' choices (stage,
    # owner, tier), the nav's bell
    with django_assert_max_num_queries(12):
        page = client.get(reverse("opportunities:list"))
    assert [o.name for o in page.context["opportunities"]] == ["MES rollout", "Spare parts"]
    assert [o.name for o in client.get(reverse("opportunities:list"), {"state": "tender"}).context[
        "opportunities"]] == ["Spare parts"]
    assert [o.name for o in client.get(reverse("opportunities:list"), {"q": "MES"}).context["opportunities"]] == [
        "MES rollout"]
    response = client.get(reverse("opportunities:list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Spare parts" in body and "Their tender" not in body and body.startswith("Account,Opportunity,Stage")
    assert client.get(reverse("opportunities:list"), {"state": "nonsense", "close_from": "x"}).status_code == 200


def test_the_list_costs_the_same_queries_for_3_or_30_opportunities(client, manager, haier,
                                                                    django_assert_max_num_queries):
    client.force_login(manager)
    for _n in range(30):
        OpportunityFactory(account=haier, owner=manager)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("opportunities:list")).context["opportunities"]) == 25


def test_the_board_shows_a_column_per_stage_at_a_fixed_query_count(client, manager, teammate, supervisor, haier,
                                                                   django_assert_max_num_queries):
    for _n in range(3):
        OpportunityFactory(account=haier, stage=stage("Proposal"), amount=Decimal(100_000))
    theirs = AccountFactory(owner=teammate)
    OpportunityFactory(account=theirs, owner=teammate, stage=stage("Tender"))
    client.force_login(supervisor)
    # session, user, the teams led; the scope form's owners and teams (checked, then listed); totals per
    # stage, the stages, the cards; the bell; the session saved (savepoint, update, release)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("opportunities:board"))
    columns = {c.stage.name_en: c for c in page.context["columns"]}
    assert list(columns)[:3] == ["Lead", "Qualified", "Proposal"]
    assert (columns["Proposal"].count, columns["Proposal"].amount, columns["Proposal"].weighted) == (
        3, Decimal(300_000), Decimal(150_000))
    for _n in range(40):
        OpportunityFactory(account=haier, stage=stage("Proposal"))
    with django_assert_max_num_queries(13):
        page = client.get(reverse("opportunities:board"), {"owner": teammate.pk})
    assert {c.stage.name_en: c.count for c in page.context["columns"] if c.count} == {"Tender": 1}
    many = client.get(reverse("opportunities:board")).context["columns"]
    assert next(c for c in many if c.stage.name_en == "Proposal").more == 43 - 30


def test_a_board_too_big_for_one_window_reads_each_columns_first_cards_alike(client, admin, haier, monkeypatch,
                                                                             django_assert_max_num_queries):
    """selectors.board reads an admin's 300k opportunities by a LIMIT per column (PERFORMANCE.md):
    the same cards, in the same order, at the same query count as the window a manager's few get."""
    from datetime import date

    from opportunities import selectors

    for n, name in enumerate(["Lead", "Lead", "Proposal", "Won", "Won", "Lead"]):
        OpportunityFactory(account=haier, stage=stage(name), expected_close=date(2027, 1, 10 - n) if n % 2 else None,
                           closed_on=timezone.localdate() if name == "Won" else None)
    monkeypatch.setattr(selectors, "CARDS_PER_COLUMN", 2)
    since = timezone.localdate() - timedelta(days=90)

    def cards():
        with django_assert_max_num_queries(3):
            columns = selectors.board(Opportunity.objects.all(), closed_since=since)
        return [(c.stage.name_en, [card.pk for card in c.cards], c.more) for c in columns]

    by_window = cards()
    monkeypatch.setattr(selectors, "WINDOW_ROWS", 0)
    assert cards() == by_window
    assert dict((name, len(ids)) for name, ids, _more in by_window if ids) == {"Lead": 2, "Proposal": 1, "Won": 2}


def test_the_board_scope_names_only_people_and_teams_the_user_may_see(client, manager, outsider, other_team):
    client.force_login(manager)
    response = client.get(reverse("opportunities:board"), {"owner": outsider.pk, "team": other_team.pk})
    assert response.status_code == 200 and "Ignored a value" in response.content.decode()


def test_the_forecast_weighs_each_month_by_the_stages_probability(client, manager, haier,
                                                                  django_assert_max_num_queries):
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    OpportunityFactory(account=haier, amount=Decimal(100_000), stage=stage("Proposal"), expected_close=next_month)
    OpportunityFactory(account=haier, amount=Decimal(200_000), stage=stage("Negotiation"),
                       expected_close=next_month + timedelta(days=3))
    OpportunityFactory(account=haier, amount=Decimal(50_000), stage=stage("Lead"), expected_close=None)
    OpportunityFactory(account=haier, amount=Decimal(999_999), stage=stage("Won"), expected_close=next_month)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("opportunities:forecast"))
    months = {m.month: m for m in page.context["months"]}
    assert len(months) == 12
    assert (months[next_month].count, months[next_month].amount, months[next_month].weighted) == (
        2, Decimal(300_000), Decimal(210_000))  # 50% of 100k + 80% of 200k; the won one is no forecast
    assert (page.context["undated"].count, page.context["undated"].weighted) == (1, Decimal(5_000))
    assert page.context["total_weighted"] == Decimal(215_000)
    csv_body = client.get(reverse("opportunities:forecast"), {"format": "csv"}).getvalue().decode("utf-8-sig")
    assert next_month.strftime("%Y-%m") in csv_body


def test_win_rate_by_tier_and_by_manager(client, manager, teammate, supervisor, default_tiers):
    from tiering.models import AccountTier, Tier

    haier, gree = AccountFactory(owner=manager), AccountFactory(owner=teammate)
    AccountTier.objects.create(account=haier, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    reason = LostReason.objects.get_or_create(name_en="Price")[0]
    objection = ObjectionType.objects.get_or_create(name_en="Cost")[0]
    for account, won, lost in ((haier, 3, 1), (gree, 0, 2)):
        for _n in range(won):
            OpportunityFactory(account=account, stage=stage("Won"), closed_on=timezone.localdate())
        for _n in range(lost):
            OpportunityFactory(account=account, stage=stage("Lost"), closed_on=timezone.localdate(),
                               lost_reason=reason, objection_type=objection)
    client.force_login(supervisor)
    page = client.get(reverse("opportunities:win-rate"))
    assert [(r.label, r.won, r.lost, r.percent) for r in page.context["by_tier"]] == [("A", 3, 1, 75.0),
                                                                                      ("", 0, 2, 0.0)]
    assert sorted((r.won, r.lost) for r in page.context["by_owner"]) == [(0, 2), (3, 1)]
    backwards = client.get(reverse("opportunities:win-rate"), {"start": "2030-01-01", "end": "2020-01-01"})
    assert backwards.status_code == 200


def test_only_admins_keep_the_pipelines_stages(client, manager, admin):
    client.force_login(manager)
    assert client.get(reverse("opportunities:stages")).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("opportunities:stages")).status_code == 200
    client.post(reverse("opportunities:stage-add"), {"name_en": "Pilot", "name_zh_hans": "试点", "position": 45,
                                                     "probability": 70, "kind": "open", "active": "on"})
    assert [s.name_en for s in stage("Lead").__class__.objects.all()][4:6] == ["Pilot", "Negotiation"]
    response = client.post(reverse("opportunities:stage-add"), {"name_en": "Odd", "position": 1, "probability": 140,
                                                                "kind": "open"})
    assert "probability" in response.context["form"].errors


def test_a_move_from_a_managers_board_comes_back_to_that_board(client, supervisor, manager, teammate, deal):
    OpportunityFactory(account=AccountFactory(owner=teammate), owner=teammate, name="Chen's deal")
    client.force_login(supervisor)
    url = reverse("opportunities:move", args=[deal.pk]) + f"?owner={manager.pk}"
    response = client.post(url, {"stage": stage("Tender").pk, "board": "1"})
    assert response["Location"] == reverse("opportunities:board") + f"?owner={manager.pk}"
    board = client.post(url, {"stage": stage("Negotiation").pk, "board": "1"}, HTTP_HX_REQUEST="true")
    names = [card.name for column in board.context["columns"] for card in column.cards]
    assert names == ["MES rollout"] and f"?owner={manager.pk}" in board.content.decode()


def test_x05_each_step_of_an_opportunity_is_on_the_accounts_timeline(client, manager, haier, teammate):
    from opportunities.services import opportunity_create, opportunity_move

    deal = opportunity_create(account=haier, by=manager, stage=stage("Proposal"), name="MES rollout")
    opportunity_move(opportunity=deal, by=manager, stage=stage("Tender"))
    client.force_login(teammate)  # the team reads the account, and its pipeline
    page = client.get(reverse("hub:account-timeline", args=[deal.account_id]), {"kind": "opportunity"})
    titles = [entry.title for entry in page.context["entries"]]
    assert titles == ["Opportunity “MES rollout” moved from Proposal to Tender",
                      "Opportunity “MES rollout” opened at Proposal"]


def test_the_expected_close_ranges_end_reads_to_not_moved_into_in_chinese(client, manager):
    """"to" of a date range and "to" of a stage move were one message, so the Chinese filter read 移入."""
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("opportunities:list")).content.decode()
    label = re.search(r'<label\s+for="id_close_to"[^>]*>(.*?)</label>', page, re.S)
    assert label and label.group(1).strip() == "至"
    assert "移入" not in page
