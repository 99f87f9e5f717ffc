"""Issue 17 item 1 for tiers: every text the tier system writes for people — a proposal's
reasons, the tier history's notes, the rule versions' notes, the tiers' names, descriptions,
benefits and cadence — reads in 简体 and 繁體 with no English word left in it. Names
(accounts, people), tier codes (A, B, C), figures and requirement IDs (K-30) are not words.

Each kind is rendered the way a reader meets it: the review page, the account page's tier
panel, the rules page with its preview, and the evidence sentences for every condition kind."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Account
from tests.factories import AccountFactory, OrderFactory, tender_at
from tiering.evidence import check_text, condition_text, explain, explanation_text
from tiering.models import AccountTier, CadenceRequirement, Rule, RuleSet, Tier, TierChange, TierProposal
from tiering.services import (
    account_tier_override,
    rule_set_save,
    tier_evaluate,
    tier_proposal_decide,
    tier_review_open,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]

LANGUAGES = ["zh-hans", "zh-hant"]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text, names=()):
    """The Latin-script words of `text` that are not names: what a Chinese reader should never see."""
    for name in names:
        text = text.replace(str(name), " ")
    text = re.sub(r"K-\d+", " ", text)  # requirement IDs
    return sorted(set(LATIN_WORD.findall(text)))


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def section(html, start, end):
    """From the tag holding `start` to `end`."""
    begin = html.rindex("<", 0, html.index(start))
    return html[begin:html.index(end, begin)]


def tier(code):
    return Tier.objects.get(code=code)


@pytest.fixture
def story(manager, supervisor, team, admin):
    """海尔 opens a tender (C → B, approved); 美的 shrank by 96 % but is A by hand (flagged);
    格力 is proposed B for its growth and the proposal is rejected with a reason."""
    today = timezone.localdate()
    haier = AccountFactory(name="海尔集团", owner=manager)
    midea = AccountFactory(name="美的电器", owner=manager, potential=5)
    gree = AccountFactory(name="格力空调", owner=manager, kind=Account.Kind.ECONOMIC)
    OrderFactory(account=midea, signed_on=today - timedelta(days=400), amount=Decimal(1_000_000))
    OrderFactory(account=midea, signed_on=today - timedelta(days=30), amount=Decimal(40_000))
    OrderFactory(account=gree, signed_on=today - timedelta(days=400), amount=Decimal(100_000))
    for i in range(4):
        OrderFactory(account=AccountFactory(name=f"客户{i}", owner=manager),
                     signed_on=today - timedelta(days=20), amount=Decimal(300_000 + i))
    tier_evaluate()
    account_tier_override(account=midea, tier=tier("A"), by=supervisor, reason="区域旗舰客户")
    tender_at(haier)
    OrderFactory(account=gree, signed_on=today - timedelta(days=10), amount=Decimal(150_000))
    tier_evaluate()
    review = tier_review_open(team=team, year=2026, quarter=1, by=supervisor)
    tier_proposal_decide(proposal=TierProposal.objects.get(account=haier, status="pending"), by=supervisor,
                         approve=True)
    tier_proposal_decide(proposal=TierProposal.objects.get(account=gree, status="pending"), by=supervisor,
                         approve=False, note="增长来自一次性项目")
    # A rule with every kind of condition, saved as a new version with a note of its own.
    rules = [Rule(position=1, tier=tier("A"), label="", min_order_value=Decimal(1_000_000),
                  max_order_value=Decimal(9_000_000), min_growth=Decimal(5), max_growth=Decimal(500),
                  min_potential=4, kinds=[Account.Kind.ECONOMIC, Account.Kind.STRATEGIC], in_tender=False,
                  top_revenue_percent=Decimal(20)),
             Rule(position=2, tier=tier("B"), label="发起招标", in_tender=True)]
    rule_set_save(rules=rules, by=admin, note="新增招标规则")
    tier_evaluate()
    names = [a.name for a in Account.objects.all()] + [str(u) for u in (manager, supervisor, admin)]
    names += ["区域旗舰客户", "增长来自一次性项目", "发起招标", "新增招标规则"]
    return {"review": review, "haier": haier, "midea": midea, "gree": gree, "names": names}


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue17_the_review_page_has_no_english_word(client, story, supervisor, language):
    client.cookies["django_language"] = language
    client.force_login(supervisor)

    html = client.get(reverse("tiering:review"), {"review": story["review"].pk}).content.decode()

    proposals = visible_text(section(html, "<article", "</main>"))
    assert "美的电器" in proposals and "格力空调" in proposals
    assert {"zh-hans": "将其归入", "zh-hant": "將其歸入"}[language] in proposals  # the evidence is there
    assert english_words(proposals, story["names"]) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("account", ["haier", "midea", "gree"])
def test_issue17_the_tier_panel_and_its_history_have_no_english_word(client, story, supervisor, language,
                                                                     account):
    client.cookies["django_language"] = language
    client.force_login(supervisor)

    html = client.get(story[account].get_absolute_url()).content.decode()

    panel = visible_text(section(html, 'aria-labelledby="tier-h"', "</details>\n"))
    assert {"zh-hans": "首次评定", "zh-hant": "首次評定"}[language] in panel  # the history is there
    assert english_words(panel, story["names"]) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue17_the_rules_page_and_its_preview_have_no_english_word(client, story, admin, language):
    client.cookies["django_language"] = language
    client.force_login(admin)
    RuleSet.objects.filter(version=1).update(note="Default rules (K-30)")  # the installer's note

    html = client.post(reverse("tiering:rules"), {
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0",
        "rules-0-position": "1", "rules-0-tier": tier("A").pk, "rules-0-min_potential": "4", "preview": "1",
    }).content.decode()

    tiers = visible_text(section(html, "<section class=\"row g-2 mb-4\"", "</section>"))
    preview = visible_text(section(html, 'id="preview"', "</section>"))
    versions = visible_text(section(html, 'class="h6 mt-4"', "</main>"))
    for text in (tiers, preview, versions):
        assert english_words(text, story["names"]) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue17_the_cadence_board_has_no_english_word(client, story, manager, language):
    client.cookies["django_language"] = language
    client.force_login(manager)

    html = client.get(reverse("tiering:cadence")).content.decode()

    board = visible_text(section(html, "<h1", "</main>"))
    assert {"zh-hans": "线上接触", "zh-hant": "線上接觸"}[language] in board  # B's cadence is there
    assert english_words(board, [*story["names"], "CSV", "XLSX"]) == []  # file formats are names


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue17_every_evidence_sentence_has_no_english_word(story, language):
    """Each condition kind against a value that meets it and one that does not, and the headlines."""
    tiers = {t.pk: t for t in Tier.objects.all()}
    checks = []
    for measure, bound, threshold, values in [
        ("order_12m", "min", "1000000", ["2000000", "0"]), ("order_12m", "max", "500000", ["10"]),
        ("growth", "min", "10", ["12.5", None]), ("growth", "max", "-20", ["-96"]),
        ("potential", "min", 4, [5, None]), ("in_tender", "is", True, [True, False]),
        ("in_tender", "is", False, [True]), ("revenue_pct", "top", "20", ["83.33"]),
        ("kind", "in", ["economic", "strategic"], ["group"]),
    ]:
        for value in values:
            checks.append({"measure": measure, "bound": bound, "threshold": threshold, "value": value,
                           "holds": False})
    evidence = {"v": 2, "key": "rule", "order_12m": 1, "override": True,
                "rule": {"position": 3, "tier": tier("B").pk, "label": "", "checks": checks},
                "missed": [{"position": 1, "tier": tier("A").pk, "label": "", "checks": checks},
                           {"position": 2, "tier": tier("A").pk, "label": "", "checks": []}]}
    with translation.override(language):
        texts = [check_text(c, evidence) for c in checks] + [condition_text(c) for c in checks]
        texts.append(check_text({**checks[-2], "measure": "revenue_pct"}, {"order_12m": 0}))
        texts.append(explanation_text(explain(evidence, tiers=tiers, to_tier=tier("B"))))
        texts.append(explanation_text(explain({"v": 2, "key": "default", "missed": []}, tiers=tiers,
                                              to_tier=tier("C"))))
        texts.append(explanation_text(explain({"order_12m": 0}, tiers=tiers, to_tier=tier("B"), rule_position=2)))
    for text in texts:
        assert english_words(text) == [], text


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue17_every_history_note_and_tier_text_has_no_english_word(story, language):
    changes = list(TierChange.objects.select_related("to_tier"))
    legacy = TierChange(account=story["haier"], to_tier=tier("C"), source=AccountTier.Source.INITIAL,
                        reason="First evaluation")
    assert {c.reason_key for c in changes} >= {"first", "review"}
    with translation.override(language):
        texts = [c.reason_display for c in [*changes, legacy]] + [c.get_source_display() for c in changes]
        texts += [RuleSet(note="Default rules (K-30)").note_display]
        for t in Tier.objects.all():
            texts += [str(t), t.name_display, t.description_display, t.benefits_display]
        texts += [str(r) for r in CadenceRequirement.objects.all()]
        texts += [str(CadenceRequirement(tier=tier("B"), channel_group=group, touches=2, period=period, days=days))
                  for group in CadenceRequirement.ChannelGroup.values
                  for period, days in (("calendar_month", None), ("days", 14), ("days", 1))]
        texts = [str(text) for text in texts]  # lazy texts are put into words here, in the language
    for text in texts:
        assert english_words(text, story["names"]) == [], text


def test_issue17_the_check_itself_catches_english(story):
    assert english_words("规则 2 places it in B") == ["in", "it", "places"]
    assert english_words("海尔集团：A → B（K-30）", ["海尔集团"]) == []
