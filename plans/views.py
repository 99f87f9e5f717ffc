from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Account
from contacts.models import SelfQuestionReview
from core.forms import add_service_error
from core.params import TeamScopeForm, filter_list, note_ignored, reads_query
from core.views import confirm_page, error_text, form_page, refuse, run_service
from plans import permissions, selectors, services
from plans.filters import BankQuestionFilter, PlanFilter
from plans.forms import (
    ActionForm,
    BankQuestionForm,
    GoalForm,
    OutlineAddForm,
    PlanForm,
    PlannedVisitForm,
    PreparationForm,
    ReferralForm,
    ReviewForm,
    ScheduleFormSet,
    SurveyForm,
)
from plans.models import (
    AccountPlan,
    BankQuestion,
    PlanAction,
    PlanGoal,
    PlannedVisit,
    PreparationQuestion,
    Referral,
    SatisfactionSurvey,
    SpinCategory,
)
from users.forms import find_team_by_name
from users.models import Team
from visits.forms import loggable_accounts
from visits.models import Visit
from visits.views import log_visit_page

# --- Scoping: 404 for what is out of reach, so nothing discloses that it exists; 403 for an ------
# account in sight whose planning is not the user's. A plan is seen only by those who plan it.


def _planning_account(request, account_pk):
    account = get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user)
                                .select_related("owner__team"), pk=account_pk)
    if not permissions.can_plan(request.user, account):
        raise PermissionDenied
    return account


def _plan(request, pk):
    return get_object_or_404(AccountPlan.objects.visible_to(request.user)
                             .select_related("account__owner__team", "approved_by"), pk=pk)


def _planned(request, pk):
    return get_object_or_404(PlannedVisit.objects.visible_to(request.user)
                             .select_related("account__owner", "plan", "owner", "visit"), pk=pk)


# --- The plan (K-09) -------------------------------------------------------------------------------

@reads_query(PlanFilter)
def plan_list(request):
    """The plans a person works on or approves; drafts first, so a supervisor sees what waits."""
    plans = (AccountPlan.objects.visible_to(request.user).select_related("account__owner", "approved_by")
             .annotate(planned=Count("planned_visits", distinct=True),
                       held=Count("planned_visits", filter=Q(planned_visits__visit__isnull=False), distinct=True))
             .order_by("-year", "status", "account__name", "pk"))
    filters = filter_list(request, PlanFilter, plans)
    plans, chosen = filters.qs, filters.form.cleaned_data
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {
        "page_obj": page, "plans": page.object_list, "statuses": AccountPlan.Status.choices,
        "filters": {"year": chosen.get("year") or "", "status": chosen.get("status", ""), "q": chosen.get("q", "")},
    })


def account_plan(request, account_pk):
    """This year's plan, or the page that starts one."""
    account = _planning_account(request, account_pk)
    year = timezone.localdate().year
    plans = list(account.plans.order_by("-year"))
    current = next((p for p in plans if p.year == year), None)
    if current and request.method == "GET" and "start" not in request.GET:
        return redirect(current)
    form = PlanForm(request.POST or None, initial={"year": year if not current else year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Plan for %(year)s started. Add its goals and planned visits.")
                             % {"year": plan.year})
            return redirect(plan)
    return render(request, "plans/plan_start.html", {"account": account, "plans": plans, "form": form})


def plan_detail(request, pk):
    plan = _plan(request, pk)
    months = selectors.plan_months(plan)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "account": plan.account, "months": months,
        "goals": selectors.goal_rows(plan, months), "summary": selectors.plan_summary(months),
        "other_years": plan.account.plans.exclude(pk=plan.pk).values("pk", "year"),
        "can_approve": not plan.is_approved and permissions.can_approve_plan(request.user, plan),
    })


def plan_print(request, pk):
    plan = _plan(request, pk)
    months = selectors.plan_months(plan)
    return render(request, "plans/plan_print.html", {
        "plan": plan, "account": plan.account, "months": months,
        "goals": selectors.goal_rows(plan, months), "summary": selectors.plan_summary(months),
    })


def plan_edit(request, pk):
    plan = _plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        was_approved = plan.is_approved
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _saved(request, was_approved)
            return redirect(plan)
    return form_page(request, form, cancel_url=plan.get_absolute_url(),
                     title=_("Plan %(year)s for %(account)s") % {"year": plan.year, "account": plan.account})


def _saved(request, was_approved):
    if was_approved:
        messages.warning(request, _("Saved. The plan changed, so it is a draft again until your supervisor "
                                    "approves it."))
    else:
        messages.success(request, _("Saved."))


@require_POST
def plan_approve(request, pk):
    plan = _plan(request, pk)
    if not permissions.can_approve_plan(request.user, plan):
        raise PermissionDenied
    return run_service(request, services.plan_approve, plan=plan, by=request.user,
                       success=_("Plan approved."), redirect_to=plan)


@require_POST
def plan_copy(request, pk):
    plan = _plan(request, pk)
    return run_service(request, services.plan_copy_to_next_year, plan=plan, by=request.user,
                       success=lambda new: _("The %(year)s plan starts from this one, as a draft.")
                       % {"year": new.year}, redirect_to=lambda new: new, on_error=plan)


@require_POST
def plan_review(request, pk):
    plan = _plan(request, pk)
    form = ReviewForm(request.POST)
    back = f"{plan.get_absolute_url()}#month-{request.POST.get('month', '')[:7]}"
    if not form.is_valid():
        return refuse(request, form, back)
    return run_service(request, services.plan_review_note, plan=plan, by=request.user, **form.cleaned_data,
                       success=_("Review note saved."), redirect_to=back)


def goal_form(request, pk=None, goal_pk=None):
    goal = get_object_or_404(PlanGoal.objects.filter(plan__in=AccountPlan.objects.visible_to(request.user))
                             .select_related("plan__account"), pk=goal_pk) if goal_pk else None
    plan = goal.plan if goal else _plan(request, pk)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        was_approved = plan.is_approved
        try:
            services.goal_save(plan=plan, by=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _saved(request, was_approved)
            return redirect(plan)
    return form_page(request, form, title=_("Goal") if goal else _("New goal"), cancel_url=plan.get_absolute_url(),
                     intro=_("A stage goal of the vision, with the measure that shows it is reached."))


def goal_delete(request, goal_pk):
    goal = get_object_or_404(PlanGoal.objects.filter(plan__in=AccountPlan.objects.visible_to(request.user))
                             .select_related("plan__account"), pk=goal_pk)
    if request.method == "POST":
        return run_service(request, services.goal_delete, goal=goal, by=request.user, success=_("Goal removed."),
                           redirect_to=goal.plan)
    return confirm_page(request, title=_("Remove the goal “%(goal)s”?") % {"goal": goal},
                        message=_("The plan keeps its other goals."), label=_("Remove"),
                        cancel_url=goal.plan.get_absolute_url())


def _action(request, action_pk):
    return get_object_or_404(PlanAction.objects.filter(plan__in=AccountPlan.objects.visible_to(request.user))
                             .select_related("plan__account__owner"), pk=action_pk)


def action_form(request, pk=None, action_pk=None):
    action = _action(request, action_pk) if action_pk else None
    plan = action.plan if action else _plan(request, pk)
    form = ActionForm(request.POST or None, instance=action, account=plan.account,
                      initial={"owner": plan.account.owner_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_save(plan=plan, by=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect(f"{plan.get_absolute_url()}#actions")
    return form_page(request, form, title=_("Action") if action else _("New action"),
                     cancel_url=plan.get_absolute_url())


@require_POST
def action_done(request, action_pk):
    action = _action(request, action_pk)
    return run_service(request, services.action_done, action=action, by=request.user,
                       success=_("“%(action)s” done.") % {"action": action},
                       redirect_to=f"{action.plan.get_absolute_url()}#actions")


def action_delete(request, action_pk):
    action = _action(request, action_pk)
    if request.method == "POST":
        return run_service(request, services.action_delete, action=action, by=request.user,
                           success=_("Action removed."), redirect_to=action.plan)
    return confirm_page(request, title=_("Remove the action “%(action)s”?") % {"action": action}, message="",
                        label=_("Remove"), cancel_url=action.plan.get_absolute_url())


def plan_schedule(request, pk):
    """Twelve months of planned visits on one page: the plan's visit rhythm (K-09)."""
    plan = _plan(request, pk)
    formset = ScheduleFormSet(request.POST or None, initial=[{"month": m} for m in plan.months()])
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset if f.cleaned_data.get("topics", "").strip()]
        try:
            created = services.plan_schedule(plan=plan, by=request.user, rows=rows)
        except ValidationError as error:
            messages.error(request, error_text(error))  # the formset stays, with what was typed
        else:
            messages.success(request, ngettext("%(n)s planned visit added.", "%(n)s planned visits added.",
                                               len(created)) % {"n": len(created)})
            return redirect(plan)
    planned = {m: [] for m in plan.months()}
    for visit in plan.planned_visits.all():
        planned[visit.month].append(visit)
    rows = [(form, month, planned.get(month, [])) for form in formset for month in [_month_of(form)]]
    return render(request, "plans/schedule.html", {"plan": plan, "formset": formset, "rows": rows})


def _month_of(form):
    value = form["month"].value()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value


# --- Planned visits and their preparation (K-28) ---------------------------------------------------

def planned_add(request, account_pk):
    """An ad hoc planned visit, outside the annual plan."""
    account = _planning_account(request, account_pk)
    form = PlannedVisitForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            planned = services.planned_visit_create(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Visit planned. Now prepare it."))
            return redirect("plans:prepare", planned.pk)
    return form_page(request, form, title=_("Plan a visit to %(account)s") % {"account": account},
                     cancel_url=account.get_absolute_url())


def planned_edit(request, pk):
    planned = _planned(request, pk)
    owner = planned.owner  # the form writes an empty choice onto the instance; empty means "keep"
    form = PlannedVisitForm(request.POST or None, instance=planned, account=planned.account,
                            initial={"roles": planned.roles})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.planned_visit_update(planned=planned, by=request.user, owner=data["owner"] or owner,
                                          planned_on=data["planned_on"], month=data["month"], topics=data["topics"],
                                          roles=data["roles"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(planned)
    return form_page(request, form, title=_("Planned visit"), cancel_url=planned.get_absolute_url())


def planned_delete(request, pk):
    planned = _planned(request, pk)
    back = planned.plan.get_absolute_url() if planned.plan else planned.account.get_absolute_url()
    if request.method == "POST":
        return run_service(request, services.planned_visit_delete, planned=planned, by=request.user,
                           success=_("Planned visit removed."), redirect_to=back, on_error=planned)
    return confirm_page(request, title=_("Remove this planned visit?"),
                        message=_("Its preparation and question outline go with it."), label=_("Remove"),
                        cancel_url=planned.get_absolute_url())


def planned_detail(request, pk):
    planned = _planned(request, pk)
    questions = list(planned.questions.all())
    held = planned.visit
    candidates = [] if held else list(
        Visit.objects.filter(account=planned.account, preparation__isnull=True,
                             occurred_at__date__gte=planned.month - timedelta(days=31))
        .select_related("author").order_by("-occurred_at")[:10])
    return render(request, "plans/planned_detail.html", {
        "planned": planned, "account": planned.account, "questions": questions,
        "contacts": planned.contacts.all(), "candidates": candidates,
        "self_check": [(label, planned.self_check.get(key, "")) for key, label in SelfQuestionReview.QUESTIONS],
        "outline_form": OutlineAddForm(account=planned.account, planned=planned),
        "categories": SpinCategory.choices,
    })


def planned_prepare(request, pk):
    planned = _planned(request, pk)
    form = PreparationForm(request.POST or None, instance=planned)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.planned_visit_prepare(planned=planned, by=request.user, objective=data["objective"],
                                           contacts=list(data["contacts"]), materials=data["materials"],
                                           gift=data["gift"], self_check=form.self_check())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Preparation saved. Build the question outline next."))
            return redirect(f"{planned.get_absolute_url()}#outline")
    return form_page(request, form, title=_("Prepare the visit to %(account)s") % {"account": planned.account},
                     cancel_url=planned.get_absolute_url(),
                     intro=_("What the visit should achieve, whom to meet, what to bring; then the self-questions."))


@require_POST
def outline_add(request, pk):
    planned = _planned(request, pk)
    form = OutlineAddForm(request.POST, account=planned.account)
    back = f"{planned.get_absolute_url()}#outline"
    if not form.is_valid():
        return refuse(request, form, back)
    data = form.cleaned_data
    return run_service(request, services.outline_add, planned=planned, by=request.user,
                       bank_questions=list(data["bank"]), text=data["text"], category=data["category"],
                       success=_("Questions added to the outline."), redirect_to=back)


@require_POST
def outline_remove(request, question_pk):
    question = get_object_or_404(PreparationQuestion.objects.filter(
        planned__in=PlannedVisit.objects.visible_to(request.user)).select_related("planned__account"),
        pk=question_pk)
    return run_service(request, services.outline_remove, question=question, by=request.user, success="",
                       redirect_to=f"{question.planned.get_absolute_url()}#outline")


@require_POST
def outline_answers(request, pk):
    planned = _planned(request, pk)
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("answer-") and key[7:].isdigit():
            answers[int(key[7:])] = value[:4000]
    # Answers are noted from the visit's page too; the user goes back where they wrote them.
    back = planned.visit if request.POST.get("back") == "visit" and planned.visit_id else \
        f"{planned.get_absolute_url()}#outline"
    return run_service(request, services.outline_answers, planned=planned, by=request.user, answers=answers,
                       success=_("Answers saved."), redirect_to=back)


def planned_log(request, pk):
    """"Log this visit" (K-28 → K-20): the visit form with the plan's contacts and topics filled in;
    saving it links the preparation, in the same transaction."""
    planned = _planned(request, pk)
    if planned.visit:
        messages.info(request, _("This planned visit is logged already."))
        return redirect(planned.visit)
    account = get_object_or_404(loggable_accounts(request.user), pk=planned.account_id)
    topics = planned.topics.strip()
    initial = {"purpose": topics.splitlines()[0][:200] if topics else "",
               "contacts": list(planned.contacts.filter(archived_at__isnull=True))}
    return log_visit_page(
        request, account=account, initial=initial, cancel_url=planned.get_absolute_url(),
        draft_key=f"visit-planned-{planned.pk}",
        after_save=lambda visit: services.planned_visit_link(planned=planned, visit=visit, by=request.user))


@require_POST
def planned_link(request, pk):
    planned = _planned(request, pk)
    visit_id = request.POST.get("visit", "")
    if not visit_id.isdigit():
        raise Http404
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=visit_id)
    return run_service(request, services.planned_visit_link, planned=planned, visit=visit, by=request.user,
                       success=_("The preparation now stands beside the logged visit."), redirect_to=visit,
                       on_error=planned)


# --- The question bank (K-28) ----------------------------------------------------------------------

@reads_query(BankQuestionFilter)
def bank(request):
    form = BankQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_question_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Question added to the bank."))
            return redirect("plans:bank")
    questions = BankQuestion.objects.active().order_by("category", "industry", "text")
    filters = filter_list(request, BankQuestionFilter, questions)
    questions, chosen = filters.qs, filters.form.cleaned_data
    page = Paginator(questions, 25).get_page(request.GET.get("page"))
    return render(request, "plans/bank.html", {
        "form": form, "page_obj": page, "questions": page.object_list, "categories": SpinCategory.choices,
        "filters": {key: chosen.get(key, "") for key in ("category", "industry", "q")},
        "industries": BankQuestion.objects.active().exclude(industry="").values_list("industry", flat=True)
        .distinct().order_by("industry"),
    })


@require_POST
def bank_archive(request, question_pk):
    question = get_object_or_404(BankQuestion.objects.active(), pk=question_pk)
    if not permissions.can_archive_question(request.user, question):
        raise PermissionDenied
    return run_service(request, services.bank_question_archive, question=question, by=request.user,
                       success=_("Question removed from the bank; outlines that use it keep it."),
                       redirect_to="plans:bank")


# --- Satisfaction (K-56) -----------------------------------------------------------------------------

def satisfaction(request, account_pk):
    account = get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user)
                                .select_related("owner"), pk=account_pk)
    can_edit = permissions.can_plan(request.user, account)
    form = SurveyForm(request.POST or None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                survey = services.survey_record(account=account, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                _survey_message(request, survey)
                return redirect("plans:satisfaction", account.pk)
    surveys = account.satisfaction_surveys.all()
    trend = selectors.satisfaction_trend(surveys)
    page = Paginator(surveys.select_related("issue__visit", "recorded_by"), 20).get_page(request.GET.get("page"))
    return render(request, "plans/satisfaction.html", {
        "account": account, "can_edit": can_edit, "form": form, "trend": trend,
        "total": selectors.trend_total(trend), "target": selectors.target_percent(),
        "page_obj": page, "surveys": page.object_list,
        "referrals": account.referrals_given.select_related("brought_account", "survey")[:20],
        "referred_by": account.referred_by.select_related("account")[:5],
    })


def _survey_message(request, survey):
    if survey.issue_id:
        messages.warning(request, _("Low score recorded: a complaint is open for %(owner)s to follow through.")
                         % {"owner": survey.issue.owner})
    elif survey.is_satisfied:
        messages.success(request, _("Satisfied customer recorded. A good moment to ask for a referral."))
    else:
        messages.success(request, _("Survey recorded."))


def satisfaction_import(request, account_pk):
    """Surveys are imported with the other spreadsheets (imports/kinds/surveys.py): GBK and Big5
    files, dates like 2024年5月26日, a dry run and an error per row. This address, linked from
    the account's satisfaction page, opens the upload with the kind chosen."""
    _planning_account(request, account_pk)
    return redirect(reverse("imports:list") + "?kind=surveys")


@reads_query(TeamScopeForm)
def satisfaction_overview(request):
    """The trend across the accounts a person sees, per team for supervisors and admins (K-56)."""
    accounts = Account.objects.visible_to(request.user).active()
    teams = Team.objects.visible_to(request.user).order_by("name")
    form = TeamScopeForm(request.GET, teams=teams)
    find_team_by_name(form.fields["team"], request.user)
    note_ignored(request, form)
    team = form.values()["team"]
    if team:
        accounts = accounts.filter(owner__team=team)
    surveys = SatisfactionSurvey.objects.filter(account__in=accounts)
    trend = selectors.satisfaction_trend(surveys)
    since = trend[0].month
    rows = selectors.account_satisfaction(accounts, since)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "plans/satisfaction_overview.html", {
        "trend": trend, "total": selectors.trend_total(trend), "target": selectors.target_percent(),
        "page_obj": page, "rows": page.object_list, "form": form, "since": since,
        # a choice only for someone with several teams; an admin's are found by name
        "team_filter": request.user.is_admin or len(teams[:2]) > 1,
    })


@require_POST
def referral_ask(request, account_pk):
    account = _planning_account(request, account_pk)
    survey_id = request.POST.get("survey", "")
    survey = (get_object_or_404(SatisfactionSurvey, pk=survey_id, account=account) if survey_id.isdigit() else None)
    return run_service(request, services.referral_ask, account=account, by=request.user, survey=survey,
                       note=request.POST.get("note", "")[:2000],
                       success=_("Referral request noted. Record what came of it when you hear back."),
                       redirect_to=f"{reverse('plans:satisfaction', args=[account.pk])}#referrals")


def referral_edit(request, referral_pk):
    referral = get_object_or_404(Referral.objects.filter(account__in=Account.objects.editable_by(request.user))
                                 .select_related("account"), pk=referral_pk)
    form = ReferralForm(request.POST or None, instance=referral, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(referral=referral, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Referral saved."))
            return redirect(f"{reverse('plans:satisfaction', args=[referral.account_id])}#referrals")
    return form_page(request, form, title=_("Referral from %(account)s") % {"account": referral.account},
                     cancel_url=reverse("plans:satisfaction", args=[referral.account_id]))

