"""The global search (issue 23 item 4): scoped like the lists, ranked, grouped by kind, good at
Chinese, and a two-character name found through the bigram index, not a scan."""

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from contacts.models import MOBILE_DIGITS, MOBILE_DIGITS_REVERSED, SEARCH_TEXT, Contact
from core.search import bigram_match
from hub.search import search
from plans.models import AccountPlan
from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(manager):
    account = AccountFactory(owner=manager, name="东方电子")
    ContactFactory(account=account, name="王芳", mobile="138 0013 8000", email="wang.fang@dongfang.cn",
                   wechat="fangfang88")
    ContactFactory(account=account, name="王芳菲")
    visit = VisitFactory(account=account, author=manager, purpose="东方电子续约")
    CustomerIssueFactory(visit=visit, description="东方电子要备件价目表")
    AccountPlan.objects.create(account=account, year=2026, vision="成为东方电子的战略伙伴", created_by=manager)
    return account


@pytest.fixture
def theirs(outsider):
    account = AccountFactory(owner=outsider, name="东方电子南方")
    ContactFactory(account=account, name="王芳")
    VisitFactory(account=account, author=outsider, purpose="东方电子拜访")
    return account


def titles(results, kind):
    return [hit.title for group in results.groups if group.kind == kind for hit in group.hits]


def test_a_two_character_name_is_found_whole_name_first(manager, ours):
    found = search(manager, "王芳")
    assert titles(found, "contact") == ["王芳", "王芳菲"]


@pytest.mark.parametrize("typed", ["13800138000", "138-0013-8000", "wang.fang@", "FANGFANG", "ｆａｎｇｆａｎｇ"])
def test_a_contact_by_mobile_email_or_wechat(manager, ours, typed):
    assert titles(search(manager, typed), "contact") == ["王芳"]


@pytest.mark.parametrize("typed", ["8000", "138 0013", "0013 8000"])
def test_a_mobile_by_its_first_or_last_digits(manager, ours, typed):
    found = search(manager, typed)
    assert titles(found, "contact") == ["王芳"] and found.by_phone


def test_a_mobile_is_not_found_by_digits_in_its_middle_nor_by_too_few(manager, ours):
    """The price of an index (contacts/models.py): the middle of a number is not looked up, and
    three digits or fewer are searched as text only, where a mobile is not."""
    assert titles(search(manager, "0013"), "contact") == []
    short = search(manager, "138")
    assert titles(short, "contact") == [] and not short.by_phone


def test_the_search_page_says_how_a_mobile_is_matched(client, manager, ours):
    client.force_login(manager)
    html = client.get(reverse("hub:search"), {"q": "8000"}).content.decode()
    assert "王芳" in html and "first or its last digits" in html
    assert "first or its last digits" not in client.get(reverse("hub:search"), {"q": "王芳"}).content.decode()


def test_a_mobile_is_an_index_lookup_from_either_end(admin, ours):
    """Each arm of the contact match has its index: the bigrams for the name, e-mail and WeChat, the
    two btrees on the mobile's digits — no arm rechecks every contact (make bench: 30 s before)."""
    from hub import search as module

    variants = module._variants("13800138")
    grams, match = module._grams(SEARCH_TEXT, variants)
    found = match | Q(_mobile__startswith="13800138") | Q(_mobile_reversed__startswith="83100831")
    plan = explain(Contact.objects.visible_to(admin)
                   .alias(_bigrams=grams, _mobile=MOBILE_DIGITS, _mobile_reversed=MOBILE_DIGITS_REVERSED)
                   .filter(found).order_by())
    for index in ("contact_search_bigram", "contact_mobile_start_idx", "contact_mobile_end_idx"):
        assert index in plan, plan


def test_traditional_finds_simplified(manager, ours):
    assert titles(search(manager, "東方電子"), "account") == ["东方电子"]


def test_every_kind_grouped(manager, ours):
    found = search(manager, "东方电子")
    assert [g.kind for g in found.groups] == ["account", "visit", "issue", "plan"]


def test_an_outsider_finds_nothing_of_ours_and_we_nothing_of_theirs(manager, outsider, ours, theirs):
    mine = search(manager, "东方电子")
    assert "东方电子南方" not in titles(mine, "account")
    assert titles(mine, "visit") == ["东方电子续约"]
    theirs_found = search(outsider, "东方电子")
    assert titles(theirs_found, "account") == ["东方电子南方"]
    assert titles(theirs_found, "issue") == [] and titles(theirs_found, "plan") == []
    assert len(titles(search(outsider, "王芳"), "contact")) == 1


def test_one_character_asks_for_another(client, manager, ours):
    client.force_login(manager)
    page = client.get(reverse("hub:search"), {"q": "王"})
    assert page.context["results"].too_short


def test_the_page_reads_in_a_fixed_number_of_queries(client, manager, ours, django_assert_max_num_queries):
    for n in range(10):
        ContactFactory(account=ours, name=f"东方{n}号")
        VisitFactory(account=ours, author=manager, purpose=f"东方电子第{n}次")
    client.force_login(manager)
    # session, user, one query per kind (5), the bell, the session's refresh (3)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("hub:search"), {"q": "东方"})
    groups = {g.kind: g for g in page.context["results"].groups}
    assert len(groups["contact"].hits) == 5 and groups["contact"].more


@pytest.mark.parametrize("q", ["\x01", "x" * 500, "%", "_", "' OR 1=1 --", "@@", "  "])
def test_odd_input_is_no_error(client, manager, q):
    client.force_login(manager)
    assert client.get(reverse("hub:search"), {"q": q, "kind": "nonsense"}).status_code == 200


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
        # ...or walked whole through the (name, id) btree, a filter on each row: on a tiny table the
        # planner may prefer it. A bitmap scan needs an index condition, which only the bigrams give.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_two_character_name_is_an_index_lookup(ours):
    """The proof that the expression the search asks for is the one indexed: PostgreSQL plans
    a bitmap scan of contact_search_bigram. (At a million contacts it chooses it without being
    pushed: docs/PERFORMANCE.md, "Search".)"""
    plan = explain(bigram_match(Contact.objects.all(), SEARCH_TEXT, "王芳"))
    assert "contact_search_bigram" in plan, plan
    from django.db.models import F

    from accounts.models import Account

    assert "account_name_bigram" in explain(bigram_match(Account.objects.all(), F("name"), "东方"))


def test_the_search_query_itself_uses_the_index(manager, admin, ours):
    from hub import search as module

    variants = module._variants("王芳")
    grams, match = module._grams(SEARCH_TEXT, variants)
    plan = explain(Contact.objects.visible_to(admin).alias(_bigrams=grams).filter(match))
    assert "contact_search_bigram" in plan, plan


def test_the_navigation_has_the_search_box(client, manager):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert 'id="global-search"' in html and 'aria-keyshortcuts="/"' in html


def test_issues_and_plans_are_index_lookups_too(ours):
    """What customers raised and plans' visions have their bigram indexes (issue_description_bigram,
    plan_vision_bigram); a plan is also found by its account's name through account_name_bigram."""
    from django.db.models import F

    from visits.models import CustomerIssue

    assert "issue_description_bigram" in explain(bigram_match(CustomerIssue.objects.all(), F("description"), "备件"))
    assert "plan_vision_bigram" in explain(bigram_match(AccountPlan.objects.all(), F("vision"), "伙伴"))


def test_the_issue_and_plan_search_queries_use_their_indexes(admin, ours):
    from django.db.models import F

    from hub import search as module
    from visits.models import CustomerIssue

    variants = module._variants("备件")
    grams, match = module._grams(F("description"), variants)
    plan = explain(CustomerIssue.objects.owned_or_supervised_by(admin).alias(_bigrams=grams).filter(match))
    assert "issue_description_bigram" in plan, plan
    plan = explain(AccountPlan.objects.visible_to(admin).filter(pk__in=module.plans_matching(module._variants("东方"))))
    assert "plan_vision_bigram" in plan and "account_name_bigram" in plan, plan


def test_an_issue_and_a_plan_by_two_characters_in_either_script(manager, ours):
    assert titles(search(manager, "備件"), "issue") == ["东方电子要备件价目表"]
    assert titles(search(manager, "伙伴"), "plan") == titles(search(manager, "东方"), "plan") != []
    assert titles(search(manager, "价目"), "plan") == []
