"""Every plans URL walked with strangers (K-05): the other team's manager and
supervisor get 404 on each of li's plans, preparations, surveys and referrals,
by GET or POST, and nothing changes. A same-team colleague who is not on the
account team does not see the plan at all (issue 10: 404) and may only read satisfaction;
the account itself is in their sight, so its planning pages refuse them with 403
(issue 14). The question bank is everyone's to read: removing another's question is 403."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import (
    AccountPlan,
    BankQuestion,
    PlanAction,
    PlanGoal,
    PlannedVisit,
    PlanReview,
    PreparationQuestion,
    Referral,
    SatisfactionSurvey,
)
from tests.factories import AccountFactory, ContactFactory
from tests.urlwalk import routes
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

ROUTES = {f"plans:{p.name}": tuple(sorted(p.pattern.converters)) for _r, p, ns in routes() if ns == "plans"}
UNSCOPED = {"plans:list", "plans:bank", "plans:satisfaction-overview"}
# What `<int:pk>` names on each route; the other parameters say what they are.
PK_IS = {name: ("planned" if ":planned" in name or name in {"plans:prepare", "plans:outline-add", "plans:answers",
                                                             "plans:link", "plans:log-visit"} else "plan")
         for name, params in ROUTES.items() if "pk" in params}
PARAM_IS = {"account_pk": "account", "goal_pk": "goal", "action_pk": "action", "question_pk": "question",
            "referral_pk": "referral"}
POST_ONLY = {"plans:approve", "plans:copy", "plans:review", "plans:action-done", "plans:outline-add",
             "plans:answers", "plans:link", "plans:outline-remove", "plans:bank-archive", "plans:referral-ask"}
WATCHED = [AccountPlan, PlanGoal, PlanAction, PlanReview, PlannedVisit, PreparationQuestion, BankQuestion,
           SatisfactionSurvey, Referral]


@pytest.fixture
def world(manager):
    year = timezone.localdate().year
    account = AccountFactory(owner=manager, name="Haier Secret Plan")
    plan = services.plan_create(account=account, by=manager, year=year, vision="Secret vision")
    planned = services.planned_visit_create(account=account, by=manager, plan=plan, month=date(year, 1, 1),
                                            topics="Secret topics")
    bank = services.bank_question_add(by=manager, category="problem", text="Secret question")
    services.outline_add(planned=planned, by=manager, bank_questions=[bank])
    survey = services.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent="Zhou",
                                    score=5)
    ContactFactory(account=account)
    return {
        "account": account, "plan": plan, "planned": planned,
        "goal": services.goal_save(plan=plan, by=manager, kind="coverage", title="Roles", target_count=4),
        "action": services.action_save(plan=plan, by=manager, title="Workshop", owner=manager,
                                       due_on=date(year, 2, 1)),
        "question": planned.questions.get(), "bank": bank,
        "referral": services.referral_ask(account=account, by=manager, survey=survey),
        "visit": visit_log(account=account, by=manager, channel="on_site", purpose="p", summary="s"),
    }


def path_of(name, world):
    kwargs = {}
    for param in ROUTES[name]:
        key = PK_IS[name] if param == "pk" else PARAM_IS[param]
        if name == "plans:bank-archive":
            key = "bank"
        kwargs[param] = world[key].pk
    return reverse(name, kwargs=kwargs)


def payload(world, user):
    return {"year": 2030, "vision": "Ours", "kind": "other", "title": "x", "target_text": "x", "owner": user.pk,
            "due_on": f"{world['plan'].year}-05-05", "month": f"{world['plan'].year}-01-01", "note": "x",
            "topics": "x", "objective": "x", "text": "x", "category": "problem", "bank": [world["bank"].pk],
            f"answer-{world['question'].pk}": "stolen", "visit": world["visit"].pk, "status": "received",
            "referred_name": "x", "taken_on": "2026-01-01", "respondent": "x", "score": 1,
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-month": f"{world['plan'].year}-01-01",
            "form-0-topics": "x"}


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


OBJECT_PAGES = sorted(set(ROUTES) - UNSCOPED)
SEEN_BY_ALL = {"plans:bank-archive"}  # every bank question is on everyone's bank page


def test_the_walk_knows_every_plans_page():
    assert {name for name, params in ROUTES.items() if not params} == UNSCOPED
    assert POST_ONLY <= set(OBJECT_PAGES)
    assert all(p in PARAM_IS or p == "pk" for params in ROUTES.values() for p in params)


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_the_owner_reaches_every_page(client, manager, world, name):
    """The control: li gets each page, so the 404s below are about who asks, not wrong ids."""
    client.force_login(manager)
    # account-plan redirects to this year's plan, satisfaction-import to the import pages
    expected = 405 if name in POST_ONLY else 302 if name in ("plans:account-plan", "plans:satisfaction-import") \
        else 200
    assert client.get(path_of(name, world)).status_code == expected


@pytest.mark.parametrize("persona", ["outsider", "other_supervisor"])
@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_k05_another_team_gets_404_everywhere_and_changes_nothing(client, request, world, name, persona):
    user = request.getfixturevalue("outsider") if persona == "outsider" else request.getfixturevalue(
        "other_team").supervisor
    client.force_login(user)
    before = snapshot()
    path = path_of(name, world)
    refusal = 403 if name in SEEN_BY_ALL else 404
    assert client.get(path).status_code == (405 if name in POST_ONLY else refusal), path
    assert client.post(path, payload(world, user)).status_code == refusal, path
    assert snapshot() == before


TEAMMATE_READS = {"plans:satisfaction"}
# The account of these pages is in the teammate's sight (403); plans and planned visits are not (404).
TEAMMATE_SEES = {"plans:account-plan", "plans:planned-add", "plans:referral-ask", "plans:satisfaction-import"}


@pytest.mark.parametrize("name", sorted(set(OBJECT_PAGES) - TEAMMATE_READS))
def test_a_teammate_off_the_account_team_sees_no_plan_and_changes_nothing(client, teammate, world, name):
    client.force_login(teammate)
    before = snapshot()
    path = path_of(name, world)
    refusal = 403 if name in TEAMMATE_SEES | SEEN_BY_ALL else 404
    assert client.get(path).status_code == (405 if name in POST_ONLY else refusal), path
    assert client.post(path, payload(world, teammate)).status_code == refusal, path
    assert snapshot() == before


@pytest.mark.parametrize("name", ["plans:list", "plans:satisfaction-overview"])
def test_another_team_s_lists_do_not_show_li_s_account(client, outsider, world, name):
    client.force_login(outsider)
    assert "Haier Secret Plan" not in client.get(reverse(name)).content.decode()


def test_a_teammate_off_the_account_team_does_not_find_the_plan_in_the_list(client, teammate, supervisor, world):
    client.force_login(teammate)
    assert "Haier Secret Plan" not in client.get(reverse("plans:list")).content.decode()
    client.force_login(supervisor)
    assert "Haier Secret Plan" in client.get(reverse("plans:list") + "?status=draft").content.decode()


def test_a_teammate_reads_li_s_satisfaction(client, teammate, world):
    client.force_login(teammate)
    assert "Haier Secret Plan" in client.get(reverse("plans:satisfaction-overview")).content.decode()
    assert client.get(path_of("plans:satisfaction", world)).status_code == 200


def test_the_supervisor_reaches_the_plan_and_approves_it(client, supervisor, world):
    client.force_login(supervisor)
    assert client.get(world["plan"].get_absolute_url()).status_code == 200
    client.post(reverse("plans:approve", args=[world["plan"].pk]))
    world["plan"].refresh_from_db()
    assert world["plan"].is_approved
