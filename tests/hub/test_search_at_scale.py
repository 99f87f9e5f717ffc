"""The global search at scale (branch searchscale): a term every visit holds and a term none or one
holds both cost a bounded read (core.search.newest_matching), for an admin, a supervisor and a
manager, newest first as the page promises; a mobile is found with China's code or without; and the
lists' own searches (accounts, contacts, opportunities) are answered by their bigram indexes for an
admin, and by reading the reader's own scope for everyone else (core.search.reads_scope).

The window of newest rows is made small here (WINDOW = 8) so that a handful of rows plays the part
of the 3M visits of the bench: twelve check-ins fill it, an older visit lies beyond it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountTeamMember
from contacts.models import Contact
from core import search as core_search
from hub import search as module
from hub.search import search
from opportunities.models import Opportunity
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, ProspectFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from visits.models import CustomerIssue

pytestmark = pytest.mark.django_db

COMMON = "Quarterly check-in"  # every seeded visit of the bench


@pytest.fixture(autouse=True)
def small_window(monkeypatch):
    monkeypatch.setattr(core_search, "WINDOW", 8)


@pytest.fixture
def ours(manager):
    """Twelve check-ins over the last twelve days, and a renewal talk forty days ago: beyond the
    window of the eight newest."""
    account = AccountFactory(owner=manager, name="东方电子")
    now = timezone.now()
    for day in range(12):
        visit = VisitFactory(account=account, author=manager, purpose=COMMON, occurred_at=now - timedelta(days=day))
        raised(visit, f"Delivery delayed {day}")
    old = VisitFactory(account=account, author=manager, purpose="续约谈判", occurred_at=now - timedelta(days=40))
    raised(old, "要备件价目表")
    return account


def raised(visit, description):
    """An issue raised at the visit (created_at is set on save: put back to the visit's time)."""
    issue = CustomerIssueFactory(visit=visit, description=description)
    CustomerIssue.objects.filter(pk=issue.pk).update(created_at=visit.occurred_at)


@pytest.fixture
def theirs(outsider):
    account = AccountFactory(owner=outsider, name="南方重工")
    visit = VisitFactory(account=account, author=outsider, purpose=f"{COMMON} 南方",
                         occurred_at=timezone.now() + timedelta(hours=1))
    VisitFactory(account=account, author=outsider, purpose="续约南方", occurred_at=timezone.now() - timedelta(days=50))
    raised(visit, "Delivery delayed 南方")
    return account


def group(results, kind):
    return next((g for g in results.groups if g.kind == kind), None)


def titles(results, kind):
    found = group(results, kind)
    return [hit.title for hit in found.hits] if found else []


@pytest.fixture(params=["admin", "supervisor", "manager"])
def reader(request):
    return request.getfixturevalue(request.param)


def test_a_common_term_shows_the_newest_five_and_says_there_are_more(reader, ours):
    found = search(reader, "check")
    visits = group(found, "visit")
    assert [hit.title for hit in visits.hits] == [COMMON] * 5 and visits.more
    days = [hit.detail.split(" · ")[1] for hit in visits.hits]
    assert days == sorted(days, reverse=True) and len(set(days)) == 5
    issues = group(search(reader, "delayed"), "issue")
    assert [hit.title for hit in issues.hits] == [f"Delivery delayed {day}" for day in range(5)] and issues.more


def test_a_rare_term_beyond_the_newest_rows_is_still_found(reader, ours):
    assert titles(search(reader, "续约"), "visit") == ["续约谈判"]
    assert titles(search(reader, "備件"), "issue") == ["要备件价目表"]


def test_a_term_no_row_holds_finds_nothing(reader, ours):
    found = search(reader, "13")
    assert titles(found, "visit") == [] and titles(found, "issue") == []


def test_the_kind_page_lists_twenty_newest_first(manager, ours):
    found = search(manager, "check", kind="visit")
    assert len(group(found, "visit").hits) == 12 and not group(found, "visit").more


def test_an_outsider_never_finds_another_teams_visit_or_issue(manager, outsider, ours, theirs):
    """Their check-in is the newest of all and their renewal the oldest: neither reaches us, by the
    window or by the index, and ours never reach them."""
    mine = search(manager, "check")
    assert all("南方" not in hit.title for hit in group(mine, "visit").hits)
    assert titles(search(manager, "续约"), "visit") == ["续约谈判"]
    assert all("南方" not in t for t in titles(search(manager, "delayed"), "issue"))
    assert titles(search(outsider, "check"), "visit") == [f"{COMMON} 南方"]
    assert titles(search(outsider, "续约"), "visit") == ["续约南方"]
    assert titles(search(outsider, "備件"), "issue") == []


def test_the_page_still_reads_in_a_fixed_number_of_queries(client, manager, ours, django_assert_max_num_queries):
    client.force_login(manager)
    # session, user, one query per kind (5), the bell, the session's refresh (3)
    for typed in ("check", "续约", "13"):
        with django_assert_max_num_queries(11):
            assert client.get(reverse("hub:search"), {"q": typed}).status_code == 200


# --- The plans, as PostgreSQL runs them --------------------------------------------------------------

def explain(queryset, *, analyze=False):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned whole anyway
        cursor.execute(("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if analyze else "EXPLAIN ") + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def older_part(plan):
    """The lines of the plan under the `older` CTE: the bigram lookup behind its one-time filter."""
    lines = plan.splitlines()
    start = next(i for i, line in enumerate(lines) if "CTE older" in line)

    def indent(line):
        return len(line) - len(line.lstrip())

    end = next((i for i in range(start + 1, len(lines)) if indent(lines[i]) <= indent(lines[start])), len(lines))
    return "\n".join(lines[start:end])


@pytest.mark.parametrize("persona", ["admin", "supervisor", "manager"])
def test_a_common_term_is_answered_from_the_newest_rows_and_the_index_never_runs(request, persona, ours):
    user = request.getfixturevalue(persona)
    plan = explain(module.found_visits(user, module._variants("check"), 6), analyze=True)
    older = older_part(plan)
    assert "One-Time Filter" in older and "never executed" in older, plan
    if persona == "admin":  # a team's few visits may be read by account on a tiny table instead
        assert "visit_time_idx" in plan and "visit_purpose_bigram" in older, plan


def test_a_rare_term_reads_the_newest_rows_then_asks_the_bigram_index(admin, ours):
    plan = explain(module.found_visits(admin, module._variants("续约"), 6), analyze=True)
    older = older_part(plan)
    assert "visit_time_idx" in plan and "visit_purpose_bigram" in older and "never executed" not in older, plan


def test_the_issue_search_walks_the_newest_issues_then_asks_its_index(admin, ours):
    common = explain(module.found_issues(admin, module._variants("delayed"), 6), analyze=True)
    assert "issue_created_idx" in common and "never executed" in older_part(common), common
    rare = explain(module.found_issues(admin, module._variants("备件"), 6))
    assert "issue_description_bigram" in older_part(rare), rare


# --- A mobile with China's code or without --------------------------------------------------------

@pytest.fixture
def numbers(manager):
    account = AccountFactory(owner=manager, name="东方电子")
    ContactFactory(account=account, name="王芳", mobile="138 0013 8000")
    ContactFactory(account=account, name="李娜", mobile="+86 139 1234 5678")
    ContactFactory(account=account, name="赵敏", mobile="0086 137 0000 1111")
    return account


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "0086 138 0013 8000", "86 138 0013 8000",
                                   "8613800138000", "(+86) 138-0013-8000", "+86 138 0013", "+86 1380"])
def test_a_mobile_typed_with_the_country_code_finds_it_stored_without(manager, numbers, typed):
    found = search(manager, typed)
    assert titles(found, "contact") == ["王芳"] and found.by_phone


@pytest.mark.parametrize("typed", ["139 1234 5678", "13912345678", "139 1234", "5678", "+86 139 1234 5678",
                                   "0086 13912345678"])
def test_a_mobile_stored_with_the_country_code_is_found_without_it(manager, numbers, typed):
    assert titles(search(manager, typed), "contact") == ["李娜"]


def test_a_mobile_stored_with_00_86_is_found_by_its_national_digits(manager, numbers):
    assert titles(search(manager, "137 0000"), "contact") == ["赵敏"]
    assert titles(search(manager, "+86 137 0000 1111"), "contact") == ["赵敏"]


def test_the_code_alone_or_another_countrys_is_not_taken_for_ours(manager, numbers):
    assert module.phone_digits("+86") == "" and module.phone_digits("+86 13") == ""
    assert module.phone_digits("+852 9123 4567") == "85291234567"
    assert module.phone_digits("8612") == "8612"  # no plus, not a whole mobile: the digits as typed


def test_every_form_of_the_number_is_an_index_lookup(admin, numbers):
    from django.db.models import Q

    from contacts.models import MOBILE_DIGITS, MOBILE_DIGITS_REVERSED

    digits = module.phone_digits("+86 138 0013 8000")
    found = Q(_mobile_reversed__startswith=digits[::-1])
    for start in (digits, "86" + digits, "0086" + digits):
        found |= Q(_mobile__startswith=start)
    plan = explain(Contact.objects.visible_to(admin)
                   .alias(_mobile=MOBILE_DIGITS, _mobile_reversed=MOBILE_DIGITS_REVERSED).filter(found).order_by())
    assert plan.count("contact_mobile_start_idx") == 3 and "contact_mobile_end_idx" in plan, plan


# --- The lists' own searches ------------------------------------------------------------------------

def bitmap_only(queryset):
    """EXPLAIN with only bitmap scans allowed: on a tiny table the planner would rather walk the
    list's name index; at 100k it chooses the bigram lookup itself (docs/PERFORMANCE.md)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_account_and_contact_lists_find_two_characters_through_the_bigram_indexes(admin, manager):
    account = AccountFactory(owner=manager, name="东方电子")
    ContactFactory(account=account, name="王芳")
    assert "account_name_bigram" in bitmap_only(Account.objects.visible_to(admin).search("东方"))
    assert "contact_search_bigram" in bitmap_only(Contact.objects.visible_to(admin).search("王芳"))


def test_the_contact_list_finds_one_character_through_the_characters_index(admin, manager):
    ContactFactory(account=AccountFactory(owner=manager), name="王芳")
    assert "contact_name_chars" in bitmap_only(Contact.objects.visible_to(admin).search("王"))
    assert "contact_name_chars" in bitmap_only(Contact.objects.visible_to(manager).search("w"))


@pytest.mark.parametrize("persona", ["admin", "manager"])
def test_the_account_and_contact_lists_search_what_the_reader_sees(client, request, persona, manager, outsider):
    mine = AccountFactory(owner=manager, name="东方电子")
    ContactFactory(account=mine, name="王芳")
    ContactFactory(account=mine, name="王芳菲")
    ContactFactory(account=AccountFactory(owner=outsider, name="东方重工"), name="王芳")
    client.force_login(request.getfixturevalue(persona))
    accounts = [a.name for a in client.get(reverse("accounts:list"), {"q": "东方"}).context["page_obj"]]
    contacts = [c.name for c in client.get(reverse("contacts:list"), {"q": "王芳"}).context["contacts"]]
    if persona == "admin":
        assert sorted(accounts) == ["东方电子", "东方重工"] and sorted(contacts) == ["王芳", "王芳", "王芳菲"]
    else:
        assert accounts == ["东方电子"] and sorted(contacts) == ["王芳", "王芳菲"]
    # One character has no bigram: found through the characters' index.
    assert len(client.get(reverse("contacts:list"), {"q": "菲"}).context["contacts"]) == 1


def test_the_opportunity_list_finds_a_name_or_its_accounts_name(client, manager, outsider):
    ours = AccountFactory(owner=manager, name="东方电子")
    OpportunityFactory(account=ours, name="扩容项目")
    OpportunityFactory(account=AccountFactory(owner=manager, name="Haier"), name="MES rollout")
    OpportunityFactory(account=AccountFactory(owner=outsider, name="东方重工"), name="扩容二期")
    client.force_login(manager)

    def listed(q):
        return [o.name for o in client.get(reverse("opportunities:list"), {"q": q}).context["opportunities"]]

    assert listed("扩容") == ["扩容项目"]  # two characters of its name, theirs not shown
    assert listed("东方") == ["扩容项目"]  # its account's name
    assert listed("mes") == ["MES rollout"] and listed("M") == ["MES rollout"]
    assert listed("50%") == []  # the text is looked for as typed, never as a pattern


def test_an_admins_opportunity_search_asks_the_bigram_indexes(admin, manager):
    OpportunityFactory(account=AccountFactory(owner=manager, name="东方电子"), name="扩容项目")
    plan = bitmap_only(Opportunity.objects.visible_to(admin).search("扩容"))
    assert "opportunity_name_bigram" in plan and "account_name_bigram" in plan, plan


def test_a_managers_list_searches_read_their_scope_not_the_indexes(manager):
    """Asked first, the indexes hand back every match among all rows (8,300 accounts for "steel" at
    100k), which PostgreSQL then checked against the scope one by one: 5 s for a manager's
    opportunity search (docs/PERFORMANCE.md, "Search within the scope"). Even with every scan but
    the bitmap ones forbidden, the scoped search asks no name index."""
    ContactFactory(account=AccountFactory(owner=manager, name="东方电子"), name="王芳")
    accounts = bitmap_only(Account.objects.visible_to(manager).search("东方", reader=manager))
    opportunities = bitmap_only(Opportunity.objects.visible_to(manager).search("扩容", reader=manager))
    contacts = bitmap_only(Contact.objects.visible_to(manager).search("王芳", reader=manager))
    for plan in (accounts, opportunities, contacts):
        assert "bigram" not in plan and "trgm" not in plan and "chars" not in plan, plan
        assert "strpos" in plan, plan


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
@pytest.mark.parametrize("term", ["东方", "東方", "扩容", "mes", "M", "王", "王芳", "fang", "%", "_"])
def test_the_scoped_search_finds_exactly_what_the_indexed_one_finds_in_the_scope(request, persona, term, manager,
                                                                                 teammate, outsider):
    """Each branch of the scope (accounts.models.seen_by) tests the name itself: one's own,
    the team's, those one serves on, the open pool; another team's never."""
    served = AccountFactory(owner=outsider, name="东方 served")
    AccountTeamMember.objects.create(account=served, user=manager)
    named = [(manager, "东方电子"), (manager, "Haier"), (outsider, "东方重工"), (manager, "100%_MES"),
             (teammate, "东方 Team")]
    accounts = [AccountFactory(owner=owner, name=name) for owner, name in named]
    accounts += [served, ProspectFactory(name="东方 pool"), ProspectFactory(name="东方 claimed", owner=outsider)]
    for account in accounts:
        OpportunityFactory(account=account, name=f"扩容 {account.name}")
        OpportunityFactory(account=account, name="MES rollout")
        ContactFactory(account=account, name="王芳")
        ContactFactory(account=account, name="Wang Fang")
    reader = request.getfixturevalue(persona)
    for model in (Account, Opportunity, Contact):
        scope = model.objects.visible_to(reader)
        assert (set(scope.search(term, reader=reader).values_list("pk", flat=True))
                == set(scope.search(term).values_list("pk", flat=True))), (model, term)
    if term == "东方":
        names = set(Account.objects.visible_to(reader).search(term, reader=reader).values_list("name", flat=True))
        assert names == {"东方电子", "东方 Team", "东方 pool"} | ({"东方 served"} if persona == "manager" else set())
