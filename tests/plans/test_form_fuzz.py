"""Odd input for the plan, goal, action, schedule, survey and import forms (as
tests/test_form_fuzz.py does for the others): never a server error, and a rejected
form saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from plans import services
from plans.models import AccountPlan, PlanAction, PlanGoal, PlannedVisit, SatisfactionSurvey
from tests.factories import AccountFactory
from tests.test_form_fuzz import FUZZ, has_nul, odd_number, odd_text, posted

pytestmark = pytest.mark.django_db


def plan_of(manager):
    account = AccountFactory(owner=manager)
    return services.plan_create(account=account, by=manager, year=timezone.localdate().year, vision="v")


@FUZZ
@given(year=odd_number, vision=odd_text)
def test_the_plan_form_survives_odd_input(client, manager, year, vision):
    account = AccountFactory(owner=manager)
    client.force_login(manager)
    posted(client, reverse("plans:account-plan", args=[account.pk]), {"year": year, "vision": vision}, AccountPlan)


@FUZZ
@given(kind=st.one_of(st.sampled_from(PlanGoal.Kind.values), odd_text), title=odd_text, amount=odd_number,
       count=odd_number, style=odd_text, due_on=odd_text, text=odd_text)
def test_the_goal_form_survives_odd_input(client, manager, kind, title, amount, count, style, due_on, text):
    plan = plan_of(manager)
    client.force_login(manager)
    posted(client, reverse("plans:goal-add", args=[plan.pk]), {
        "kind": kind, "title": title, "target_amount": amount, "target_count": count, "target_style": style,
        "due_on": due_on, "target_text": text, "target_tier": count}, PlanGoal)


@FUZZ
@given(title=odd_text, owner=odd_number, due_on=odd_text, flag=odd_text)
def test_the_action_form_survives_odd_input(client, manager, title, owner, due_on, flag):
    plan = plan_of(manager)
    client.force_login(manager)
    posted(client, reverse("plans:action-add", args=[plan.pk]),
           {"title": title, "owner": owner, "due_on": due_on, "for_satisfaction": flag}, PlanAction)


@FUZZ
@given(total=st.sampled_from(["1", "12", "13", "-1", "x", "1000"]), month=odd_text, planned_on=odd_text,
       topics=odd_text, role=odd_text)
def test_the_schedule_survives_odd_input(client, manager, total, month, planned_on, topics, role):
    plan = plan_of(manager)
    client.force_login(manager)
    posted(client, reverse("plans:schedule", args=[plan.pk]), {
        "form-TOTAL_FORMS": total, "form-INITIAL_FORMS": "0", "form-0-month": month,
        "form-0-planned_on": planned_on, "form-0-topics": topics, "form-0-roles": [role]}, PlannedVisit)


@FUZZ
@given(taken_on=odd_text, respondent=odd_text, score=odd_number, comments=odd_text)
def test_the_survey_form_survives_odd_input(client, manager, taken_on, respondent, score, comments):
    account = AccountFactory(owner=manager)
    client.force_login(manager)
    posted(client, reverse("plans:satisfaction", args=[account.pk]),
           {"taken_on": taken_on, "respondent": respondent, "score": score, "comments": comments},
           SatisfactionSurvey)


@FUZZ
@given(body=st.one_of(st.binary(max_size=300),
                      odd_text.map(lambda t: f"account,date,respondent,score\n{t}".encode())))
def test_the_survey_import_survives_odd_files(client, manager, body):
    """Surveys are imported on the import framework: an odd file is refused or checked row by
    row, never a server error, and the dry run records no survey."""
    from imports.models import ImportJob

    AccountFactory(owner=manager)
    client.force_login(manager)
    response = client.post(reverse("imports:list"),
                           {"kind": "surveys", "file": SimpleUploadedFile("s.csv", body, content_type="text/csv"),
                            "encoding": "auto"})
    assert response.status_code in (302, 400)  # 400: the upload form came back with its error
    if response.status_code == 302:
        job = ImportJob.objects.latest("pk")
        client.post(reverse("imports:mapping", args=[job.pk]), dict(job.mapping.items()))
        assert client.get(job.get_absolute_url()).status_code == 200
    assert not SatisfactionSurvey.objects.exists()


@FUZZ
@given(planned_on=odd_text, month=odd_text, owner=odd_number, topics=odd_text, role=odd_text)
def test_the_planned_visit_forms_survive_odd_input(client, manager, planned_on, month, owner, topics, role):
    account = AccountFactory(owner=manager)
    planned = services.planned_visit_create(account=account, by=manager, month=timezone.localdate(), topics="t")
    client.force_login(manager)
    data = {"planned_on": planned_on, "month": month, "owner": owner, "topics": topics, "roles": [role]}
    posted(client, reverse("plans:planned-add", args=[account.pk]), data, PlannedVisit)
    posted(client, reverse("plans:planned-edit", args=[planned.pk]), data, PlannedVisit)


@FUZZ
@given(objective=odd_text, contact=odd_number, gift=odd_text, note=odd_text)
def test_the_preparation_form_survives_odd_input(client, manager, objective, contact, gift, note):
    account = AccountFactory(owner=manager)
    planned = services.planned_visit_create(account=account, by=manager, month=timezone.localdate(), topics="t")
    client.force_login(manager)
    data = {"objective": objective, "contacts": [contact], "gift": gift, "materials": note, "self_coach": note}
    response = client.post(reverse("plans:prepare", args=[planned.pk]), data)
    # A NUL is refused before any view runs (core/middleware.py, issue 15).
    assert response.status_code in ((400,) if has_nul(data) else (200, 302))
