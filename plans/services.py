"""Writes of plans, preparations and satisfaction: one service per state change."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.written import written
from plans import permissions
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
    SpinCategory,
)
from visits.models import Visit
from visits.services import visit_log

# --- Who may do what -------------------------------------------------------------------------


def _require_planner(user, account):
    if not permissions.can_plan(user, account):
        raise PermissionDenied(_("Only the account team and their supervisor work on this account's plan."))


def _in_year(plan, day, field):
    if day is not None and not plan.covers(day):
        raise ValidationError({field: _("Pick a date in %(year)s, the plan's year.") % {"year": plan.year}})


def _back_to_draft(plan):
    """A changed plan is no longer the plan the supervisor approved."""
    if plan.is_approved:
        AccountPlan.objects.filter(pk=plan.pk).update(status=AccountPlan.Status.DRAFT, approved_by=None,
                                                      approved_at=None)
        plan.status, plan.approved_by, plan.approved_at = AccountPlan.Status.DRAFT, None, None


# --- The plan (K-09) -----------------------------------------------------------------------------

PLAN_FIELDS = ("vision", "strategy", "risks", "satisfaction_actions")


@transaction.atomic
def plan_create(*, account, by, year, vision, strategy="", risks="", satisfaction_actions=""):
    _require_planner(by, account)
    if not account.is_key_account:
        raise ValidationError(_("Annual plans are for key accounts; %(account)s is a %(kind)s.")
                              % {"account": account, "kind": account.get_kind_display()})
    if AccountPlan.objects.filter(account=account, year=year).exists():
        raise ValidationError({"year": _("%(account)s already has a plan for %(year)s.")
                               % {"account": account, "year": year}})
    plan = AccountPlan(account=account, year=year, vision=vision, strategy=strategy, risks=risks,
                       satisfaction_actions=satisfaction_actions, created_by=by)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan, by, **fields):
    _require_planner(by, plan.account)
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    plan.full_clean()
    plan.save()
    _back_to_draft(plan)
    return plan


@transaction.atomic
def plan_approve(*, plan, by):
    if not permissions.can_approve_plan(by, plan):
        raise PermissionDenied(_("Only the account manager's supervisor approves the plan."))
    if not plan.goals.exists():
        raise ValidationError(_("A plan needs at least one measurable goal before it is approved."))
    # Claim-then-act: two clicks approve once.
    moved = AccountPlan.objects.filter(pk=plan.pk, status=AccountPlan.Status.DRAFT).update(
        status=AccountPlan.Status.APPROVED, approved_by=by, approved_at=timezone.now())
    if not moved:
        raise ValidationError(_("This plan is already approved."))
    plan.refresh_from_db()
    return plan


def _next_year(day):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def plan_copy_to_next_year(*, plan, by):
    """Next year's plan starts from this one: text, goals, the visit rhythm and the actions, as a draft."""
    new = plan_create(account=plan.account, by=by, year=plan.year + 1,
                      **{name: getattr(plan, name) for name in PLAN_FIELDS})
    new.copied_from = plan
    new.save(update_fields=["copied_from"])
    goals = list(plan.goals.all())
    for goal in goals:
        goal.pk, goal.plan, goal.due_on = None, new, _next_year(goal.due_on)
    PlanGoal.objects.bulk_create(goals)
    actions = list(plan.actions.all())
    for action in actions:
        action.pk, action.plan, action.due_on, action.done_on = None, new, _next_year(action.due_on), None
    PlanAction.objects.bulk_create(actions)
    PlannedVisit.objects.bulk_create([
        PlannedVisit(account=plan.account, plan=new, owner_id=p.owner_id, month=_next_year(p.month),
                     planned_on=_next_year(p.planned_on), topics=p.topics, roles=p.roles, created_by=by)
        for p in plan.planned_visits.all()
    ])
    return new


GOAL_FIELDS = ("kind", "title", "due_on", "target_amount", "target_count", "target_style", "target_tier",
               "target_text")


@transaction.atomic
def goal_save(*, plan, by, goal=None, **fields):
    _require_planner(by, plan.account)
    _in_year(plan, fields.get("due_on"), "due_on")
    goal = goal or PlanGoal(plan=plan)
    for name in GOAL_FIELDS:
        if name in fields:
            setattr(goal, name, fields[name])
    goal.full_clean()
    goal.save()
    _back_to_draft(plan)
    return goal


@transaction.atomic
def goal_delete(*, goal, by):
    _require_planner(by, goal.plan.account)
    goal.delete()
    _back_to_draft(goal.plan)


# Actions, like planned visits' preparations, are the plan being done: changing them does not
# send an approved plan back for approval; changing its vision, goals or visit rhythm does.
@transaction.atomic
def action_save(*, plan, by, action=None, title, owner, due_on, for_satisfaction=False):
    _require_planner(by, plan.account)
    if owner is None:
        raise ValidationError({"owner": _("Every action needs an owner: who makes it happen?")})
    _in_year(plan, due_on, "due_on")
    action = action or PlanAction(plan=plan)
    action.title, action.owner, action.due_on, action.for_satisfaction = title, owner, due_on, for_satisfaction
    action.full_clean()
    action.save()
    return action


def action_done(*, action, by, done_on=None):
    _require_planner(by, action.plan.account)
    PlanAction.objects.filter(pk=action.pk, done_on__isnull=True).update(done_on=done_on or timezone.localdate())
    action.refresh_from_db()
    return action


@transaction.atomic
def action_delete(*, action, by):
    _require_planner(by, action.plan.account)
    action.delete()


@transaction.atomic
def plan_review_note(*, plan, by, month, note):
    """The month's plan–do–check–act note; writing it again replaces it."""
    _require_planner(by, plan.account)
    _in_year(plan, month, "month")
    if not note.strip():
        raise ValidationError({"note": _("Write what the month showed and what changes.")})
    review, _created = PlanReview.objects.update_or_create(plan=plan, month=month.replace(day=1),
                                                           defaults={"note": note, "by": by})
    return review


# --- Planned visits and their preparation (K-28) --------------------------------------------------

def _owner_for(account, by):
    return account.owner or by


@transaction.atomic
def plan_schedule(*, plan, by, rows):
    """Add a year's planned visits at once. `rows`: dicts of month, planned_on, topics, roles."""
    _require_planner(by, plan.account)
    errors = {}
    visits = []
    for index, row in enumerate(rows):
        planned_on = row.get("planned_on")
        if planned_on and (planned_on.year, planned_on.month) != (row["month"].year, row["month"].month):
            errors[f"planned_on_{index}"] = _("%(date)s is not in %(month)s.") % {
                "date": planned_on.isoformat(), "month": row["month"].strftime("%Y-%m")}
            continue
        visits.append(PlannedVisit(account=plan.account, plan=plan, owner=_owner_for(plan.account, by),
                                   month=row["month"], planned_on=planned_on, topics=row["topics"],
                                   roles=list(row.get("roles") or []), created_by=by))
    if errors:
        raise ValidationError(errors)
    for visit in visits:
        visit.full_clean(exclude=["contacts"])
    created = PlannedVisit.objects.bulk_create(visits)
    _back_to_draft(plan)
    return created


@transaction.atomic
def planned_visit_create(*, account, by, owner=None, plan=None, month=None, planned_on=None, topics, roles=()):
    _require_planner(by, account)
    if planned_on is None and month is None:
        raise ValidationError({"planned_on": _("Give the date, or at least the month, of the visit.")})
    if plan is not None:
        _in_year(plan, planned_on or month, "planned_on")
    planned = PlannedVisit(account=account, plan=plan, owner=owner or _owner_for(account, by),
                           month=(planned_on or month).replace(day=1), planned_on=planned_on, topics=topics,
                           roles=list(roles), created_by=by)
    planned.full_clean()
    planned.save()
    return planned


@transaction.atomic
def planned_visit_update(*, planned, by, owner, planned_on, topics, roles, month=None):
    _require_planner(by, planned.account)
    when = planned_on or month or planned.month
    if planned.plan is not None:
        _in_year(planned.plan, when, "planned_on")
    planned.owner, planned.planned_on, planned.topics, planned.roles = owner, planned_on, topics, list(roles)
    planned.month = when.replace(day=1)
    planned.full_clean()
    planned.save()
    return planned


@transaction.atomic
def planned_visit_delete(*, planned, by):
    _require_planner(by, planned.account)
    if planned.visit_id:
        raise ValidationError(_("This visit was held; its preparation stays beside the logged visit."))
    planned.delete()


SELF_CHECK_KEYS = ("all_buyers", "unmet_buyers", "coach", "changes", "outline", "written")


@transaction.atomic
def planned_visit_prepare(*, planned, by, objective, contacts=(), materials="", gift="", self_check=None):
    _require_planner(by, planned.account)
    strangers = [c for c in contacts if c.account_id != planned.account_id]
    if strangers:
        raise ValidationError({"contacts": _("%(names)s work at another account.")
                               % {"names": ", ".join(str(c) for c in strangers)}})
    if not objective.strip():
        raise ValidationError({"objective": _("Say what this visit should achieve.")})
    planned.objective, planned.materials, planned.gift = objective, materials, gift
    planned.self_check = {k: v for k, v in (self_check or {}).items() if k in SELF_CHECK_KEYS and v}
    planned.prepared_at = planned.prepared_at or timezone.now()
    planned.full_clean()
    planned.save()
    planned.contacts.set(contacts)
    return planned


@transaction.atomic
def outline_add(*, planned, by, bank_questions=(), text="", category=""):
    """Add questions from the bank, and one of the user's own, to the visit's outline."""
    _require_planner(by, planned.account)
    start = planned.questions.count()
    bank_questions = sorted(bank_questions, key=lambda q: SpinCategory.values.index(q.category))
    rows = [PreparationQuestion(planned=planned, category=q.category, text=q.text, source=q, position=start + i)
            for i, q in enumerate(bank_questions)]
    if text.strip():
        if category not in SpinCategory.values:
            raise ValidationError({"category": _("Choose the kind of question.")})
        rows.append(PreparationQuestion(planned=planned, category=category, text=text.strip(),
                                        position=start + len(rows)))
    if not rows:
        raise ValidationError(_("Tick questions from the bank or write your own."))
    return PreparationQuestion.objects.bulk_create(rows, ignore_conflicts=True)


def outline_remove(*, question, by):
    _require_planner(by, question.planned.account)
    question.delete()


@transaction.atomic
def outline_answers(*, planned, by, answers):
    """After the visit: what was learned, per question (K-28). `answers`: {question id: text}."""
    _require_planner(by, planned.account)
    questions = list(planned.questions.filter(pk__in=answers))
    for question in questions:
        question.answer = answers[question.pk]
    PreparationQuestion.objects.bulk_update(questions, ["answer"])
    return questions


@transaction.atomic
def planned_visit_link(*, planned, visit, by):
    """The logged visit this preparation was for; the two then stand side by side."""
    _require_planner(by, planned.account)
    if visit.account_id != planned.account_id:
        raise ValidationError(_("That visit was at another account."))
    if PlannedVisit.objects.filter(visit=visit).exclude(pk=planned.pk).exists():
        raise ValidationError(_("That visit already has its preparation."))
    planned.visit = visit
    planned.save(update_fields=["visit"])
    return planned


# --- The question bank (K-28) ---------------------------------------------------------------------

def bank_question_add(*, by, category, text, industry=""):
    if BankQuestion.objects.filter(industry__iexact=industry.strip(), text__iexact=text.strip()).exists():
        raise ValidationError({"text": _("The bank already has this question.")})
    question = BankQuestion(category=category, industry=industry.strip(), text=text.strip(), created_by=by)
    question.full_clean()
    question.save()
    return question


def bank_question_archive(*, question, by):
    if not permissions.can_archive_question(by, question):
        raise PermissionDenied(_("Only the author of a question or an admin removes it from the bank."))
    BankQuestion.objects.filter(pk=question.pk, archived_at__isnull=True).update(archived_at=timezone.now())


# --- Customer satisfaction (K-56) ------------------------------------------------------------------

@transaction.atomic
def survey_record(*, account, by, taken_on, respondent, score, comments="",
                  source=SatisfactionSurvey.Source.FORM):
    """Record one survey answer; a low score becomes a customer issue at once."""
    _require_planner(by, account)
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("A survey cannot be dated in the future.")})
    survey = SatisfactionSurvey(account=account, taken_on=taken_on, respondent=respondent, score=score,
                                comments=comments, source=source, recorded_by=by)
    survey.full_clean()
    survey.save()
    if survey.is_low:
        _survey_escalate(survey)
    return survey


def _survey_escalate(survey):
    """A low score is a complaint the account's manager follows through (K-22, K-56).
    Customer issues hang on a logged touch, so the survey is logged as one, in the
    manager's name: the issue is theirs to chase, whoever typed the score in."""
    account = survey.account
    manager = account.owner or survey.recorded_by
    comments = survey.comments or written("plans.survey.no_comment")
    visit = visit_log(
        account=account, by=manager, channel=Visit.Channel.PHONE, customer_replied=True,
        sentiment=Visit.Sentiment.NEGATIVE,
        written={"purpose": written("plans.survey.purpose", score=survey.score),
                 "summary": written("plans.survey.summary", respondent=survey.respondent,
                                    date=survey.taken_on.isoformat(), comments=survey.comments)},
        issues=[{"kind": "complaint", "written": {
            "description": written("plans.survey.low_score", score=survey.score, respondent=survey.respondent,
                                   comments=comments)}}],
    )
    survey.issue = visit.issues.get()
    survey.save(update_fields=["issue"])


@transaction.atomic
def referral_ask(*, account, by, asked_on=None, survey=None, note=""):
    _require_planner(by, account)
    if survey is not None and survey.account_id != account.pk:
        raise ValidationError(_("That survey is another account's."))
    referral = Referral(account=account, survey=survey, asked_on=asked_on or timezone.localdate(), note=note,
                        created_by=by)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_update(*, referral, by, status, referred_name="", brought_account=None, note=""):
    _require_planner(by, referral.account)
    if status == Referral.Status.RECEIVED and not (referred_name.strip() or brought_account):
        raise ValidationError({"referred_name": _("Name whom they referred, or choose the account it brought.")})
    if brought_account is not None and brought_account.pk == referral.account_id:
        raise ValidationError({"brought_account": _("An account does not refer itself.")})
    referral.status, referral.referred_name, referral.brought_account = status, referred_name, brought_account
    referral.note = note or referral.note
    referral.full_clean()
    referral.save()
    return referral


def first_of(day):
    return date(day.year, day.month, 1)
