"""Contact pages as their users live them: adding contacts with their birthdays in
either calendar (K-10), who reports to whom (K-03), a contact who leaves (K-17),
buyer roles and the dangers they clear (K-11..K-13), the org chart, the danger map
across a portfolio, and the five self-questions (K-15). Pages cost a fixed number
of queries, however many rows lie behind them."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from contacts.models import BuyerRole, Contact, DecisionStep, PersonnelChange, Relationship, SelfQuestionReview
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, ProspectFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in BuyerRole.Role]


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def boss(account):
    return ContactFactory(account=account, name="Zhou", title="CEO")


def contact_data(**typed):
    """What the contact form posts when only these fields are filled."""
    return {"name": "Sun", "birthday_calendar": "solar", **typed}


def role_data(role, **typed):
    return {"role": role, "influence": 3, "support": 0, "contact_level": 3, **typed}


def html_of(response):
    return response.content.decode()


def dangers_on_account_page(client, account):
    return html_of(client.get(account.get_absolute_url()))


# --- K-10: adding contacts, birthdays in two calendars --------------------------------


def test_k10_a_lunar_birthday_in_a_leap_month_is_kept_as_typed(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("contacts:create", args=[account.pk]), contact_data(
        name="Liu", birthday_calendar="lunar", birth_month="4", birth_day="30", birth_leap_month="on",
        mobile="138 0013 8000", preferred_channel="wechat", personality="owl"))

    contact = Contact.objects.get(name="Liu")
    assertRedirects(response, contact.get_absolute_url())
    assert (contact.account, contact.birthday_calendar, contact.birth_month, contact.birth_day,
            contact.birth_leap_month) == (account, "lunar", 4, 30, True)
    assert "lunar leap month 4, day 30" in html_of(client.get(contact.get_absolute_url()))


def test_k10_a_solar_birthday_on_29_february_is_kept(client, manager, account):
    client.force_login(manager)
    client.post(reverse("contacts:create", args=[account.pk]), contact_data(
        name="Ma", birth_year="1980", birth_month="2", birth_day="29"))

    contact = Contact.objects.get(name="Ma")
    assert (contact.birthday_calendar, contact.birth_year, contact.birth_month, contact.birth_day,
            contact.birth_leap_month) == ("solar", 1980, 2, 29, False)
    assert "1980-02-29" in html_of(client.get(contact.get_absolute_url()))


def test_k10_a_bad_phone_and_e_mail_are_shown_at_the_field_and_kept(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("contacts:create", args=[account.pk]), contact_data(
        name="Wu", phone="abc", email="wu-at-haier", wechat="wu_haier"))

    assert response.status_code == 200
    assert {"phone", "email"} <= set(response.context["form"].errors)
    html = html_of(response)
    for typed in ('value="abc"', 'value="wu-at-haier"', 'value="Wu"', 'value="wu_haier"'):
        assert typed in html
    assert not Contact.objects.filter(name="Wu").exists()


def test_k10_a_leap_month_on_a_solar_birthday_is_refused(client, manager, account):
    client.force_login(manager)
    response = client.post(reverse("contacts:create", args=[account.pk]), contact_data(
        birth_month="4", birth_day="10", birth_leap_month="on"))
    assert "birth_leap_month" in response.context["form"].errors


# --- K-03: who reports to whom ---------------------------------------------------------


def test_k03_reports_to_offers_only_this_account_s_contacts(client, manager, account, boss):
    stranger = ContactFactory(account=AccountFactory(name="Midea", owner=manager), name="Stranger Wu")
    client.force_login(manager)

    page = client.get(reverse("contacts:create", args=[account.pk]))

    assert list(page.context["form"].fields["reports_to"].queryset) == [boss]
    assert "Stranger Wu" not in html_of(page)
    refused = client.post(reverse("contacts:create", args=[account.pk]), contact_data(reports_to=stranger.pk))
    assert "reports_to" in refused.context["form"].errors
    assert not Contact.objects.filter(name="Sun").exists()


def test_k03_a_reporting_circle_is_refused_at_the_field(client, manager, account, boss):
    cfo = ContactFactory(account=account, name="Sun", reports_to=boss)
    client.force_login(manager)

    response = client.post(reverse("contacts:edit", args=[boss.pk]), contact_data(name="Zhou", reports_to=cfo.pk))

    assert response.status_code == 200
    [error] = response.context["form"].errors["reports_to"]
    assert "circle" in error
    boss.refresh_from_db()
    assert boss.reports_to is None


# --- K-17, K-13: someone leaves, a role is filled --------------------------------------


def test_k17_a_contact_who_leaves_opens_their_role_and_flags_the_account(client, manager, account, boss):
    BuyerRoleFactory(contact=boss, role="decision_maker")
    client.force_login(manager)
    assert client.get(reverse("contacts:left", args=[boss.pk])).status_code == 200

    response = client.post(reverse("contacts:left", args=[boss.pk]), {"left_on": "2025-06-30"})

    assertRedirects(response, boss.get_absolute_url())
    boss.refresh_from_db()
    assert (boss.status, boss.left_on) == ("left", date(2025, 6, 30))
    [change] = PersonnelChange.objects.filter(account=account)
    assert (change.contact, change.kind, change.recorded_by, change.handled_at) == (boss, "left", manager, None)
    html = dangers_on_account_page(client, account)
    assert "Decision-maker Zhou has left: the role is open." in html
    assert "Personnel changes to follow up" in html and "Left the company" in html


def test_k17_a_new_decision_maker_closes_the_open_role(client, manager, account, boss):
    BuyerRoleFactory(contact=boss, role="decision_maker")
    successor = ContactFactory(account=account, name="Qian")
    client.force_login(manager)
    client.post(reverse("contacts:left", args=[boss.pk]), {"left_on": "2025-06-30"})

    response = client.post(reverse("contacts:role-add", args=[successor.pk]), role_data("decision_maker"))

    assertRedirects(response, successor.get_absolute_url())
    assert PersonnelChange.objects.get(contact=boss).handled_at is not None
    html = dangers_on_account_page(client, account)
    assert "has left" not in html
    assert "Personnel changes to follow up" not in html


def test_k13_adding_a_coach_clears_the_no_coach_warning(client, manager, account, boss):
    for role in ALL_ROLES[:3]:
        BuyerRoleFactory(contact=ContactFactory(account=account), role=role)
    client.force_login(manager)
    assert "No coach: nobody tells us how this customer works." in dangers_on_account_page(client, account)

    client.post(reverse("contacts:role-add", args=[boss.pk]), role_data("coach", support=2, contact_level=4))

    assert BuyerRole.objects.get(contact=boss).role == "coach"
    html = dangers_on_account_page(client, account)
    assert "No coach" not in html
    assert "All four roles are known and in contact. No danger." in html


def test_k13_a_role_with_high_influence_and_little_contact_shows_a_danger_zone(client, manager, account, boss):
    client.force_login(manager)
    client.post(reverse("contacts:role-add", args=[boss.pk]), role_data("decision_maker", influence=5,
                                                                          contact_level=1))
    assert "Danger zone: Zhou (Decision-maker) has influence 5 but our contact is only 1." in (
        dangers_on_account_page(client, account))


# --- K-03 org chart, K-13 danger map ----------------------------------------------------


def test_k03_the_org_chart_nests_contacts_under_who_they_report_to(client, manager, account, boss):
    cfo = ContactFactory(account=account, name="Sun", title="CFO", reports_to=boss)
    engineer = ContactFactory(account=account, name="Bai", title="IT lead", reports_to=cfo)
    BuyerRoleFactory(contact=boss, role="decision_maker")
    BuyerRoleFactory(contact=cfo, role="gatekeeper")
    client.force_login(manager)

    page = client.get(reverse("contacts:org-chart", args=[account.pk]))

    assert page.context["tree"] == [(boss, [(cfo, [(engineer, [])])])]
    html = html_of(page)
    chart = html[html.index('id="org-chart"'):]
    zhou, sun, bai = (chart.index(f"<strong>{name}</strong>") for name in ("Zhou", "Sun", "Bai"))
    assert zhou < sun < bai
    assert chart.count("<ul>", zhou, bai) == 2  # each report one level deeper
    assert '<span class="badge role-badge role-decision_maker">Decision-maker</span>' in chart[zhou:sun]
    assert '<span class="badge role-badge role-gatekeeper">Technical gatekeeper</span>' in chart[sun:bai]


def test_k13_the_danger_map_puts_the_worst_account_first(client, manager, teammate):
    safe = AccountFactory(name="A Safe", owner=manager)
    no_coach = AccountFactory(name="B No coach", owner=teammate)
    unknown = AccountFactory(name="C Unknown", owner=manager)
    for role in ALL_ROLES:
        BuyerRoleFactory(contact=ContactFactory(account=safe), role=role)
    for role in ALL_ROLES[:3]:
        BuyerRoleFactory(contact=ContactFactory(account=no_coach), role=role)
    ProspectFactory(name="Open prospect")
    client.force_login(manager)

    rows = client.get(reverse("contacts:dangers")).context["rows"]

    assert [account for account, _dangers in rows] == [unknown, no_coach, safe]
    assert [account.danger_score for account, _dangers in rows] == [7, 1, 0]
    assert [len(dangers) for _account, dangers in rows] == [4, 1, 0]


# --- K-15: the five self-questions -------------------------------------------------------


def test_k15_a_review_is_recorded_with_who_and_shown_on_the_account(client, manager, account):
    client.force_login(manager)
    url = reverse("contacts:self-questions", args=[account.pk])
    assert "The five self-questions have never been reviewed" in dangers_on_account_page(client, account)

    response = client.post(url, {"reviewed_on": "2025-05-20", "all_buyers": "Yes, all four",
                                 "unmet_buyers": "The CFO", "coach": "Sun: the tender timetable"})

    assertRedirects(response, url)
    [review] = SelfQuestionReview.objects.filter(account=account)
    assert (review.reviewed_by, review.reviewed_on, review.unmet_buyers) == (manager, date(2025, 5, 20), "The CFO")
    assert "The CFO" in html_of(client.get(url))
    assert f"Five self-questions last reviewed on 2025-05-20 by {manager}." in dangers_on_account_page(client, account)


def test_k15_a_colleague_reads_the_reviews_but_records_none(client, teammate, account):
    client.force_login(teammate)
    response = client.post(reverse("contacts:self-questions", args=[account.pk]), {"reviewed_on": "2025-05-20"})
    assert response.status_code == 200
    assert "Record review" not in html_of(response)
    assert not SelfQuestionReview.objects.exists()


# --- Query counts: pages cost the same with 1 row or 30 -------------------------------

# Every request: the session, the user, and the session's sliding expiry
# (savepoint, update, release) = 5 queries. Beyond those:
QUERY_BOUNDS = {
    # count, one page of contacts with their accounts and buyer roles (a subquery)
    "contacts:list": 8,  # +1: the bell's unread COUNT (issue 18)
    # contact with account and manager, can-edit, roles with counterparts, direct
    # reports, relationships from and to, personnel changes with who recorded them;
    # care panel: gifts with who gave them, open care tasks
    # files panel (issue 23): its files joined to their type, one query.
    "contacts:detail": 16,  # +1: the bell's unread COUNT (issue 18); +1: the files panel
    # account, contacts, their roles and relationships (prefetched), can-edit,
    # decision steps with their responsible contacts
    "contacts:org-chart": 12,  # +1: the bell's unread COUNT (issue 18)
    # count, one page of accounts ranked by danger in SQL, their roles with contacts
    "contacts:dangers": 9,  # +1: the bell's unread COUNT (issue 18)
    # account, can-edit, count, one page of reviews with who answered
    "contacts:self-questions": 10,  # +1: the bell's unread COUNT (issue 18)
}


def fill(account, boss, manager, teammate, n):
    """n more of every row the contact pages show."""
    start = Contact.objects.count()
    for i in range(start, start + n):
        contact = ContactFactory(account=account, name=f"Contact {i}", reports_to=boss)
        BuyerRoleFactory(contact=contact, role=ALL_ROLES[i % 4], counterpart=manager)
        Relationship.objects.create(from_contact=boss, to_contact=contact, kind="ally")
        Relationship.objects.create(from_contact=contact, to_contact=boss, kind="influences")
        PersonnelChange.objects.create(account=account, contact=boss, kind="title", before="CEO", after="Chair",
                                       recorded_by=teammate if i % 2 else manager)
        DecisionStep.objects.create(account=account, position=i + 1, description=f"Step {i}", responsible=contact)
        SelfQuestionReview.objects.create(account=account, reviewed_on=date(2024, 1, 1),
                                          reviewed_by=teammate if i % 2 else manager)
        other = AccountFactory(owner=teammate if i % 2 else manager)
        BuyerRoleFactory(contact=ContactFactory(account=other), role=ALL_ROLES[i % 4], influence=5, contact_level=1)


@pytest.mark.parametrize("url_name", QUERY_BOUNDS)
def test_contact_pages_cost_a_fixed_number_of_queries(client, manager, teammate, account, boss, url_name,
                                                      django_assert_max_num_queries):
    fill(account, boss, manager, teammate, 1)
    client.force_login(manager)
    args = {"contacts:list": [], "contacts:dangers": [], "contacts:detail": [boss.pk]}.get(url_name, [account.pk])
    url = reverse(url_name, args=args)

    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        small = client.get(url)
    fill(account, boss, manager, teammate, 30)
    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        large = client.get(url)

    assert small.status_code == large.status_code == 200


def test_k10_a_mobile_typed_in_full_width_digits_is_accepted_and_kept_as_digits(client, manager, account):
    """A Chinese input method types １３８…; it is the same number."""
    client.force_login(manager)
    response = client.post(reverse("contacts:create", args=[account.pk]), contact_data(
        name="Zhao", mobile="１３８００１３８００４", phone="＋８６ ２１－６１２３－４５６７"))

    contact = Contact.objects.get(name="Zhao")
    assertRedirects(response, contact.get_absolute_url())
    assert (contact.mobile, contact.phone) == ("13800138004", "+86 21-6123-4567")
