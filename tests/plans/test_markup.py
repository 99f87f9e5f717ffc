"""Stored markup in plans, preparations, the question bank and surveys is shown as
text on every page that shows it (as tests/test_security.py checks for the others)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import services
from tests.factories import AccountFactory
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_markup_is_shown_as_text_on_every_plans_page(client, manager, admin):
    year = timezone.localdate().year
    account = AccountFactory(owner=manager, name=PAYLOAD, industry=PAYLOAD)
    plan = services.plan_create(account=account, by=manager, year=year, vision=PAYLOAD, strategy=PAYLOAD,
                                risks=PAYLOAD, satisfaction_actions=PAYLOAD)
    services.goal_save(plan=plan, by=manager, kind="other", title=PAYLOAD, target_text=PAYLOAD)
    services.action_save(plan=plan, by=manager, title=PAYLOAD, owner=manager, due_on=date(year, 1, 5))
    services.plan_review_note(plan=plan, by=manager, month=date(year, 1, 1), note=PAYLOAD)
    planned = services.planned_visit_create(account=account, by=manager, plan=plan,
                                            planned_on=timezone.localdate(), topics=PAYLOAD)
    services.planned_visit_prepare(planned=planned, by=manager, objective=PAYLOAD, materials=PAYLOAD, gift=PAYLOAD,
                                   self_check={"coach": PAYLOAD})
    question = services.bank_question_add(by=manager, category="problem", text=PAYLOAD, industry=PAYLOAD)
    services.outline_add(planned=planned, by=manager, bank_questions=[question], text=PAYLOAD + "!",
                         category="situation")
    services.outline_answers(planned=planned, by=manager, answers={q.pk: PAYLOAD for q in planned.questions.all()})
    visit = visit_log(account=account, by=manager, channel="on_site", purpose=PAYLOAD, summary=PAYLOAD)
    services.planned_visit_link(planned=planned, visit=visit, by=manager)
    survey = services.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent=PAYLOAD,
                                    score=1, comments=PAYLOAD)
    services.referral_ask(account=account, by=manager, survey=survey, note=PAYLOAD)
    client.force_login(manager)
    pages = [plan.get_absolute_url(), reverse("plans:print", args=[plan.pk]), planned.get_absolute_url(),
             reverse("plans:prepare", args=[planned.pk]), reverse("plans:bank"), visit.get_absolute_url(),
             reverse("plans:satisfaction", args=[account.pk]), reverse("plans:satisfaction-overview"),
             account.get_absolute_url(), reverse("plans:schedule", args=[plan.pk])]
    for page in pages:
        html = client.get(page).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;alert" in html, page
