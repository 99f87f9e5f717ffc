"""K-28: a planned visit is prepared — objective, contacts and roles, a question
outline from the bank (SPIN), what to bring, the self-questions (K-15) — and once
logged, the preparation stands beside the visit with the answers per question."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contacts.models import SelfQuestionReview
from plans import services
from plans.models import BankQuestion, PlannedVisit, PreparationQuestion
from tests.factories import AccountFactory, ContactFactory
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, industry="Manufacturing")


@pytest.fixture
def planned(account, manager):
    return services.planned_visit_create(account=account, by=manager, planned_on=timezone.localdate(),
                                         topics="MES pilot", roles=["decision_maker"])


@pytest.fixture
def bank(admin):
    return [
        services.bank_question_add(by=admin, category="situation", text="How do you plan production today?"),
        services.bank_question_add(by=admin, category="problem", text="Where do orders get stuck?",
                                   industry="Manufacturing"),
        services.bank_question_add(by=admin, category="need_payoff", text="What would a day less lead time bring?",
                                   industry="Retail"),
    ]


def test_k28_the_outline_offers_the_bank_s_questions_for_the_account_s_industry(client, manager, planned, bank):
    client.force_login(manager)
    page = client.get(planned.get_absolute_url())
    offered = set(page.context["outline_form"].fields["bank"].queryset)
    assert offered == {bank[0], bank[1]}  # not the retail one


def test_k28_a_manager_builds_the_outline_from_the_bank_and_their_own_question(client, manager, planned, bank):
    client.force_login(manager)
    client.post(reverse("plans:outline-add", args=[planned.pk]),
                {"bank": [bank[0].pk, bank[1].pk], "text": "Who signs?", "category": "situation"})
    client.post(reverse("plans:outline-add", args=[planned.pk]), {"bank": [bank[0].pk]})  # twice: still once
    assert list(planned.questions.values_list("text", "category")) == [
        (bank[0].text, "situation"), (bank[1].text, "problem"), ("Who signs?", "situation")]


def test_k28_an_own_question_needs_its_kind(client, manager, planned):
    client.force_login(manager)
    client.post(reverse("plans:outline-add", args=[planned.pk]), {"text": "Who signs?"})
    assert not planned.questions.exists()


def test_k28_k15_the_preparation_keeps_objective_contacts_and_the_self_questions(client, manager, planned, account):
    contact = ContactFactory(account=account)
    client.force_login(manager)
    page = client.get(reverse("plans:prepare", args=[planned.pk]))
    labels = [str(f.label) for f in page.context["form"]]
    assert all(str(label) in labels for _key, label in SelfQuestionReview.QUESTIONS)

    client.post(reverse("plans:prepare", args=[planned.pk]), {
        "objective": "Agree the pilot scope", "contacts": [contact.pk], "materials": "Case study", "gift": "Tea",
        "self_coach": "Wang, to tell us the budget", "self_written": ""})
    planned.refresh_from_db()
    assert (planned.objective, planned.gift, planned.is_prepared) == ("Agree the pilot scope", "Tea", True)
    assert list(planned.contacts.all()) == [contact]
    assert planned.self_check == {"coach": "Wang, to tell us the budget"}


def test_k28_a_preparation_needs_an_objective(client, manager, planned):
    client.force_login(manager)
    page = client.post(reverse("plans:prepare", args=[planned.pk]), {"objective": ""})
    assert "Say what this visit should achieve." in str(page.context["form"].errors["objective"])


def test_k28_another_account_s_contact_is_refused(manager, planned):
    with pytest.raises(ValidationError):
        services.planned_visit_prepare(planned=planned, by=manager, objective="x",
                                       contacts=[ContactFactory(account=AccountFactory(owner=manager))])


def test_k28_once_logged_the_preparation_stands_beside_the_visit_with_answers(client, manager, planned, bank,
                                                                             account):
    services.outline_add(planned=planned, by=manager, bank_questions=[bank[1]])
    visit = visit_log(account=account, by=manager, channel="on_site", purpose="Pilot", summary="s")
    client.force_login(manager)
    page = client.get(visit.get_absolute_url())
    assert planned.topics in page.content.decode()  # offered as a candidate to link

    client.post(reverse("plans:link", args=[planned.pk]), {"visit": visit.pk})
    question = planned.questions.get()
    response = client.post(reverse("plans:answers", args=[planned.pk]),
                           {f"answer-{question.pk}": "Orders wait for credit checks", "back": "visit"})
    assert response.url == visit.get_absolute_url()
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Orders wait for credit checks" in page and bank[1].text in page


def test_k28_a_visit_at_another_account_is_not_linked(manager, planned):
    other = visit_log(account=AccountFactory(owner=manager), by=manager, channel="phone", purpose="p", summary="s")
    with pytest.raises(ValidationError):
        services.planned_visit_link(planned=planned, visit=other, by=manager)


def test_k28_a_teammate_sees_the_visit_but_not_its_preparation(client, manager, teammate, planned, account):
    visit = visit_log(account=account, by=manager, channel="on_site", purpose="Pilot", summary="s")
    services.planned_visit_link(planned=planned, visit=visit, by=manager)
    client.force_login(teammate)
    page = client.get(visit.get_absolute_url())
    assert page.status_code == 200 and "MES pilot" not in page.content.decode()
    assert client.get(planned.get_absolute_url()).status_code == 404


def test_planned_visits_for_a_user_are_their_upcoming_dated_ones(manager, teammate, account):
    today = timezone.localdate()
    soon = services.planned_visit_create(account=account, by=manager, planned_on=today + timedelta(days=3),
                                         topics="a")
    services.planned_visit_create(account=account, by=manager, planned_on=today - timedelta(days=40), topics="past")
    services.planned_visit_create(account=account, by=manager, month=today.replace(day=1), topics="undated")
    held = services.planned_visit_create(account=account, by=manager, planned_on=today + timedelta(days=1),
                                         topics="held")
    held.visit = visit_log(account=account, by=manager, channel="phone", purpose="p", summary="s")
    held.save()
    assert list(PlannedVisit.objects.for_user(manager)) == [soon]
    assert not PlannedVisit.objects.for_user(teammate).exists()


def test_k28_the_bank_takes_questions_from_managers_and_refuses_duplicates(client, manager, teammate):
    client.force_login(manager)
    client.post(reverse("plans:bank"), {"category": "implication", "text": "What does a stop cost?"})
    page = client.post(reverse("plans:bank"), {"category": "problem", "text": "what does a stop cost?"})
    assert "already has this question" in str(page.context["form"].errors["text"])
    question = BankQuestion.objects.get()
    client.force_login(teammate)
    assert client.post(reverse("plans:bank-archive", args=[question.pk])).status_code == 403  # seen, not theirs
    client.force_login(manager)
    client.post(reverse("plans:bank-archive", args=[question.pk]))
    assert not BankQuestion.objects.active().exists()


def test_k28_removing_a_bank_question_keeps_the_outlines_that_use_it(manager, planned, bank, admin):
    services.outline_add(planned=planned, by=manager, bank_questions=[bank[0]])
    services.bank_question_archive(question=bank[0], by=admin)
    assert PreparationQuestion.objects.get().text == bank[0].text


@pytest.mark.parametrize("n", [1, 10])
def test_k28_the_preparation_page_has_a_fixed_query_count(client, manager, planned, account, admin, n,
                                                        django_assert_max_num_queries):
    for i in range(n):
        question = services.bank_question_add(by=admin, category="problem", text=f"Q{i}")
        services.outline_add(planned=planned, by=manager, bank_questions=[question])
        planned.contacts.add(ContactFactory(account=account))
        visit_log(account=account, by=manager, channel="phone", purpose="p", summary="s")
    client.force_login(manager)
    # 5 per request; planned visit with account, plan, owner and visit; questions, contacts,
    # candidate visits to link, the bank's questions for the industry; the bell's unread COUNT
    with django_assert_max_num_queries(11):
        assert client.get(planned.get_absolute_url()).status_code == 200


def test_k28_an_ad_hoc_visit_is_planned_by_date_or_month_and_goes_on_to_its_preparation(client, manager, account):
    client.force_login(manager)
    url = reverse("plans:planned-add", args=[account.pk])
    page = client.post(url, {"topics": "Renewal"})
    assert "Give the date, or at least the month" in str(page.context["form"].errors["planned_on"])
    response = client.post(url, {"topics": "Renewal", "month": "2027-03", "roles": ["coach"]})
    planned = PlannedVisit.objects.get()
    assert response.url == reverse("plans:prepare", args=[planned.pk])
    assert (str(planned.month), planned.planned_on, planned.owner, planned.plan) == ("2027-03-01", None, manager, None)
    client.post(reverse("plans:planned-edit", args=[planned.pk]),
                {"topics": "Renewal", "planned_on": "2027-04-09", "roles": ["coach", "user"]})
    planned.refresh_from_db()
    assert (str(planned.month), str(planned.planned_on), planned.roles) == ("2027-04-01", "2027-04-09",
                                                                             ["coach", "user"])


def test_k28_a_bank_question_already_in_the_outline_is_not_offered_again(client, manager, planned, bank):
    services.outline_add(planned=planned, by=manager, bank_questions=[bank[0]], text="Own", category="problem")
    client.force_login(manager)
    page = client.get(planned.get_absolute_url())
    assert set(page.context["outline_form"].fields["bank"].queryset) == {bank[1]}
