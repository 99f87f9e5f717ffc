from collections import Counter
from contextlib import nullcontext
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from contacts.models import Contact
from core.exports import export_format, list_export
from core.forms import add_service_error, create_key
from core.idempotency import AlreadySaved
from core.pagination import paginator_for
from core.params import filter_list, parse_month, reads_query
from core.views import (
    already_saved,
    confirm_page,
    error_text,
    form_page,
    refuse,
    run_service,
    saved_tag,
    submit_form,
)
from visits import exports, permissions, selectors, services
from visits.filters import GreenFilter, IssueFilter, VisitFilter
from visits.forms import (
    CHECK_IN_FIELDS,
    AccountSearchForm,
    CheckOutForm,
    DecisionForm,
    DispatchForm,
    FieldSettingsForm,
    FollowUpForm,
    GreenRequestForm,
    IssueFormSet,
    ReasonForm,
    VisitForm,
    add_check_in,
    departments_to_route,
    issues_from,
    loggable_accounts,
    month_choices,
)
from visits.models import (
    AfterSalesStep,
    CustomerIssue,
    FieldSettings,
    GreenChannelRequest,
    IssueUpdate,
    MonthlyLog,
    OverlapAlert,
    SignOffEvent,
    Visit,
    VisitComment,
)


def _visit(request, pk):
    visits = Visit.objects.visible_to(request.user).select_related("account", "author__team")
    return get_object_or_404(visits, pk=pk)


def _usual_channel(user):
    """The manager's most frequent channel in their last 20 touches: the sensible default."""
    recent = Visit.objects.filter(author=user).order_by("-occurred_at").values_list("channel", flat=True)[:20]
    counts = Counter(recent)
    return counts.most_common(1)[0][0] if counts else Visit.Channel.ON_SITE


@reads_query(VisitFilter)
def visit_list(request):
    visits = Visit.objects.visible_to(request.user).with_list_columns().order_by("-occurred_at", "-pk")
    filters = filter_list(request, VisitFilter, visits)
    visits, chosen = filters.qs, filters.form.cleaned_data
    if export := list_export(request, visits, exports.VISITS, filename="visits"):
        return export
    page = paginator_for(request, visits, 25).get_page(request.GET.get("page"))
    since = timezone.now() - timedelta(days=30)
    overlaps = (
        OverlapAlert.objects.filter(Q(visit__author=request.user) | Q(other_visit__author=request.user),
                                    created_at__gte=since)
        .select_related("contact", "visit__author", "other_visit__author").order_by("-created_at")[:5]
    )
    return render(request, "visits/visit_list.html", {
        "page_obj": page, "visits": page.object_list, "overlaps": overlaps,
        "month": f"{chosen['month']:%Y-%m}" if chosen.get("month") else "", "channel": chosen.get("channel", ""),
        "q": chosen.get("q", ""), "mine": chosen.get("mine", False),
        "channels": Visit.Channel.choices, "months": month_choices(12),
    })


def visit_create(request):
    account = None
    if account_id := request.GET.get("account"):
        if not account_id.isdigit():
            raise Http404
        account = get_object_or_404(loggable_accounts(request.user), pk=account_id)
    return log_visit_page(request, account=account)


def log_visit_page(request, *, account=None, initial=None, after_save=None, cancel_url=None, draft_key=None):
    """The visit form and its save (K-20). Other apps open it prefilled (`initial`, e.g. a planned
    visit's contacts and topics) and act on the saved visit in the same transaction (`after_save`,
    e.g. linking the preparation): one door for logging a visit, whoever opens it."""
    initial = {"account": account, "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
               **(initial or {})}
    if request.method != "POST" and "channel" not in initial:  # a bound form shows what was posted
        initial["channel"] = _usual_channel(request.user)
    # A POST without a position saves the same whether check-ins are on or off: the switch is read
    # only when there is one, or when the form is shown (one query less per visit, issue 19).
    posted = request.method == "POST"
    check_in = (FieldSettings.current().geo_check_in
                if not posted or any(request.POST.get(name) for name in CHECK_IN_FIELDS) else None)
    form = VisitForm(request.POST or None, user=request.user, account=account, initial=initial,
                     check_in=bool(check_in))
    issues = IssueFormSet(request.POST or None, prefix="issues")
    if request.method == "POST" and form.is_valid() and issues.is_valid():
        try:
            # One transaction with what follows the save, when something does; otherwise the
            # service's own (a wrapper would turn the one-time key's into a SAVEPOINT pair: two
            # statements more per visit, issue 19).
            with transaction.atomic() if after_save else nullcontext():
                visit = services.visit_log(account=form.cleaned_data["account"], by=request.user,
                                           key=form.cleaned_data["create_key"], issues=issues_from(issues),
                                           **form.service_fields())
                if after_save:
                    after_save(visit)
        except ValidationError as error:
            add_service_error(form, error)
        except AlreadySaved as done:
            return already_saved(request, done, fallback="visits:list")
        else:
            messages.success(request, _("Visit logged."), extra_tags=saved_tag(form.cleaned_data["create_key"]))
            for alert in visit.new_overlaps:
                messages.warning(request, _("%(colleague)s also touched %(contact)s recently; they have been told.")
                                 % {"colleague": alert.other_visit.author, "contact": alert.contact})
            return redirect(visit)
    if check_in is None and FieldSettings.current().geo_check_in:
        add_check_in(form)  # shown again with its errors: the check-in button as on the first showing
    return render(request, "visits/visit_form.html", {
        "form": form, "issues": issues, "title": _("Log a visit"),
        "cancel_url": cancel_url or (account.get_absolute_url() if account else reverse("visits:list")),
        "draft_key": draft_key or f"visit-new-{account.pk if account else 'any'}",
    })


def overlap_check(request):
    """htmx, K-24 before saving: the contacts just ticked that another manager touched within the
    overlap window. Only contacts of accounts the user logs for are looked at (four queries:
    session, user, the contacts in scope, their touches by others)."""
    ids = [raw for raw in request.GET.getlist("contacts") if raw.isdigit()][:50]
    contacts = (Contact.objects.filter(pk__in=ids, account__in=loggable_accounts(request.user).values("pk"))
                if ids else Contact.objects.none())
    touches = services.recent_touches_by_others(contacts=list(contacts), by=request.user) if ids else []
    return render(request, "visits/_overlap_warning.html", {"touches": touches})


PICKER_PAGE = 20


@reads_query(AccountSearchForm)
def account_options(request):
    """htmx: the accounts the user may log for whose name holds `q`, a page at a time: a
    portfolio of hundreds is searched, not scrolled. Three queries whatever the portfolio
    (session, user, one page of PICKER_PAGE + 1 rows: one more tells whether there is a next)."""
    chosen = AccountSearchForm(request.GET).values()
    accounts = loggable_accounts(request.user)
    if chosen["q"]:
        accounts = accounts.filter(name__icontains=chosen["q"])
    start = (chosen["page"] - 1) * PICKER_PAGE
    rows = list(accounts.only("pk", "name", "region")[start:start + PICKER_PAGE + 1])
    return render(request, "visits/_account_options.html", {
        "accounts": rows[:PICKER_PAGE], "next_page": chosen["page"] + 1 if len(rows) > PICKER_PAGE else None,
        "q": chosen["q"], "page": chosen["page"],
    })


def contact_options(request):
    """htmx: the contact checkboxes of the account just chosen."""
    raw = request.GET.get("account", "")
    account = loggable_accounts(request.user).filter(pk=raw).first() if raw.isdigit() else None
    form = VisitForm(user=request.user, account=account)
    return render(request, "visits/_contact_options.html", {"field": form["contacts"]})


def visit_detail(request, pk):
    visit = _visit(request, pk)
    issues = visit.issues.prefetch_related(
        Prefetch("updates", queryset=IssueUpdate.objects.select_related("by", "department"))
    ).select_related("owner", "department", "assignee")
    locked = services.is_locked(visit.author_id, visit.log_month)
    can_edit = permissions.can_edit_visit(request.user, visit) and not locked
    return render(request, "visits/visit_detail.html", {
        "visit": visit, "contacts": visit.contacts.all(), "issues": issues, "locked": locked,
        "can_edit": can_edit,
        "can_check_out": (can_edit and visit.has_check_in and visit.checkout_at is None
                          and FieldSettings.current().geo_check_in),
        "can_set_site": not locked and permissions.can_set_site_from_check_in(request.user, visit),
        "comments": VisitComment.objects.filter(visit=visit).select_related("by"),
        "overlaps": visit.overlaps.select_related("contact", "other_visit__author"),
        "follow_up_form": FollowUpForm(),
        "changes": selectors.visit_changes([visit.pk], since=_last_reopened(visit.author_id, visit.log_month)),
    })


def _last_reopened(author_id, month):
    """When the visit's month was last reopened after a sign-off (K-21), or None."""
    return (SignOffEvent.objects.filter(log__author_id=author_id, log__month=month, kind=SignOffEvent.Kind.REOPENED)
            .order_by("-at").values_list("at", flat=True).first())


def visit_edit(request, pk):
    visit = _visit(request, pk)
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    if services.is_locked(visit.author_id, visit.log_month):
        messages.error(request, _("This visit's month is signed off and locked."))
        return redirect(visit)
    form = VisitForm(request.POST or None, instance=visit, user=request.user,
                     initial={"contacts": list(visit.contacts.all())})
    # A post without the issue forms (an older page, a script) edits the visit alone.
    posted_issues = "issues-TOTAL_FORMS" in request.POST
    issues = IssueFormSet(request.POST if posted_issues else None, prefix="issues")
    if request.method == "POST" and form.is_valid() and (not posted_issues or issues.is_valid()):
        try:
            services.visit_update(visit=visit, by=request.user, version=form.cleaned_data["version"] or 0,
                                  issues=issues_from(issues) if posted_issues else (), **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return redirect(visit)
    return render(request, "visits/visit_form.html", {
        "form": form, "issues": issues, "title": _("Edit visit"), "cancel_url": visit.get_absolute_url(),
        "draft_key": f"visit-{visit.pk}-v{visit.version}",
    })


@require_POST
def visit_check_out(request, pk):
    visit = _visit(request, pk)
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    form = CheckOutForm(request.POST)
    if not form.is_valid():
        return refuse(request, form, visit)
    return run_service(request, services.visit_check_out, visit=visit, by=request.user, **form.cleaned_data,
                       success=_("Checked out."), redirect_to=visit)


@require_POST
def visit_site_from_check_in(request, pk):
    visit = _visit(request, pk)
    if not permissions.can_set_site_from_check_in(request.user, visit):
        raise PermissionDenied
    return run_service(request, services.visit_site_from_check_in, visit=visit, by=request.user,
                       success=_("This check-in is now the site of %(account)s.") % {"account": visit.account},
                       redirect_to=visit)


def field_settings(request):
    """The admin's switches for field work: on-site check-in on or off."""
    if not permissions.can_manage_field_settings(request.user):
        raise PermissionDenied
    current = FieldSettings.current()
    form = FieldSettingsForm(request.POST if request.method == "POST" else None,
                             initial={"geo_check_in": current.geo_check_in})
    if saved := submit_form(request, form, lambda data: services.field_settings_save(by=request.user, **data),
                            success=_("Field-work settings saved."), redirect_to="visits:field-settings"):
        return saved
    return form_page(request, form, title=_("Field-work settings"), cancel_url=reverse("visits:list"),
                     intro=_("On-site check-in asks each person before their phone's position is read; "
                             "turn it off here for everyone."))


def visit_issue_add(request, pk):
    """K-22 from a saved visit: the customer raised something the form did not record."""
    visit = _visit(request, pk)
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    if services.is_locked(visit.author_id, visit.log_month):
        messages.error(request, _("This visit's month is signed off and locked."))
        return redirect(visit)
    issues = IssueFormSet(request.POST or None, prefix="issues")
    error = None
    if request.method == "POST" and issues.is_valid():
        try:
            services.visit_issues_raise(visit=visit, by=request.user, key=create_key(request.POST),
                                        issues=issues_from(issues))
        except ValidationError as refusal:
            error = error_text(refusal)
        except AlreadySaved as done:
            return already_saved(request, done, fallback="visits:list")
        else:
            messages.success(request, _("Issue raised: you follow it through until the customer hears the result."),
                             extra_tags=saved_tag(create_key(request.POST)))
            return redirect(visit)
    return render(request, "visits/issue_form.html", {
        "visit": visit, "issues": issues, "error": error, "title": _("Raise a customer issue"),
    })


def visit_delete(request, pk):
    visit = _visit(request, pk)
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    if request.method == "POST":
        return run_service(request, services.visit_delete, visit=visit, by=request.user,
                           success=_("Visit deleted."), redirect_to="visits:list", on_error=visit)
    return confirm_page(request, title=_("Delete this visit?"),
                        message=_("The visit of %(date)s at %(account)s will be deleted. This cannot be undone.")
                        % {"date": timezone.localtime(visit.occurred_at).strftime("%Y-%m-%d %H:%M"),
                           "account": visit.account},
                        label=_("Delete"), cancel_url=visit.get_absolute_url())


# --- Customer issues (K-22) -------------------------------------------------------------------

@reads_query(IssueFilter)
def issue_list(request):
    issues = CustomerIssue.objects.owned_or_supervised_by(request.user).select_related(
        "account", "owner", "department", "assignee")
    filters = filter_list(request, IssueFilter, issues)
    issues, show, now = filters.qs, filters.show_value, timezone.now()
    if export := list_export(request, issues.order_by("due_at", "pk"), exports.ISSUES, filename="customer-issues"):
        return export
    page = Paginator(issues.order_by("due_at", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "visits/issue_list.html", {"page_obj": page, "issues": page.object_list,
                                                       "show": show, "now": now})


@require_POST
def issue_follow_up(request, pk):
    issue = get_object_or_404(CustomerIssue.objects.filter(visit__in=Visit.objects.visible_to(request.user))
                              .select_related("owner__team", "visit"), pk=pk)
    if not permissions.can_follow_up_issue(request.user, issue):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if not form.is_valid():  # a status that is not one, say: tell, do not ignore it
        messages.error(request, error_text(form))
        return redirect(issue.visit)
    # One update row per sending: a resent follow-up (its answer lost) is not logged twice.
    return run_service(request, services.issue_follow_up, issue=issue, by=request.user,
                       key=create_key(request.POST), **form.cleaned_data,
                       success=lambda issue: _("Issue updated: %(status)s.") % {"status": issue.get_status_display()},
                       redirect_to=issue.visit)


# --- Monthly sign-off (K-21) ---------------------------------------------------------------------

def sign_off_home(request):
    user = request.user
    months = month_choices(6)
    counts = dict(Visit.objects.filter(author=user, log_month__in=months).values("log_month")
                  .annotate(n=Count("pk")).values_list("log_month", "n"))
    logs = {log.month: log for log in MonthlyLog.objects.filter(author=user, month__in=months)}
    my_months = [(m, counts.get(m, 0), logs.get(m)) for m in months]
    pending = MonthlyLog.objects.pending_for(user) if permissions.can_see_sign_off_queue(user) else []
    team_logs = []
    if user.is_supervisor:
        team_logs = (MonthlyLog.objects.filter(author__team__supervisor=user, month__in=months[:2])
                     .select_related("author").order_by("-month", "author__username"))
    if export_format(request):
        return list_export(request, exports.sign_off_rows(user, my_months, [*pending, *team_logs]),
                           exports.SIGN_OFF, filename="sign-off")
    my_rows = selectors.my_log_months(months, counts, logs)
    return render(request, "visits/sign_off_home.html", {
        "my_months": my_rows, "pending": pending, "team_logs": team_logs,
        "can_review": permissions.can_see_sign_off_queue(user),
        "deadline": services.submission_deadline(months[1]),
        "show_my_log": permissions.keeps_own_log(user, selectors.has_own_log(my_rows)),
    })


@require_POST
def sign_off_submit(request):
    month = parse_month(request.POST.get("month"))
    if not month:
        raise Http404
    back_to_review = request.POST.get("back") == "review"
    if (month == timezone.localdate().replace(day=1) and request.POST.get("confirmed") != "1"
            and not MonthlyLog.objects.filter(author=request.user, month=month)
            .exclude(status=MonthlyLog.Status.OPEN).exists()):
        # Before the month's end more visits may come: ask, rather than hand in half a month by a tap.
        # (A returned month resubmitted was asked the first time; a submitted one is refused below.)
        last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return confirm_page(
            request, title=_("Submit %(month)s before it ends?") % {"month": month.strftime("%Y-%m")},
            message=_("The month runs until %(last)s. Visits you log after submitting are marked as added late on "
                      "your supervisor's review.") % {"last": last_day.strftime("%Y-%m-%d")},
            label=_("Submit now"), cancel_url=reverse("visits:sign-off"), danger=False,
            hidden={"month": month.strftime("%Y-%m"), "confirmed": "1",
                    **({"back": "review"} if back_to_review else {})})

    def submitted(log):
        if log.is_late:
            messages.warning(request, _("Submitted after the deadline: it is flagged as late."))
        return _("%(month)s submitted for sign-off.") % {"month": month.strftime("%Y-%m")}

    # Resubmitted from the month's own page (a returned month): stay on it.
    return run_service(request, services.monthly_log_submit, author=request.user, month=month, by=request.user,
                       success=submitted, on_error="visits:sign-off",
                       redirect_to=(lambda log: reverse("visits:sign-off-review", args=[log.pk])) if back_to_review
                       else "visits:sign-off")


def _log_for(request, pk):
    log = get_object_or_404(MonthlyLog.objects.select_related("author__team", "decided_by"), pk=pk)
    # A month's log is seen by its author and by who signs it off; no one else learns it exists.
    if log.author_id != request.user.pk and not permissions.can_sign_off(request.user, log.author):
        raise Http404
    return log


def sign_off_review(request, pk):
    log = _log_for(request, pk)
    visits = (
        Visit.objects.filter(author=log.author, log_month=log.month).select_related("account")
        # a card names its contacts: their names, not the whole row of each (issue 19, light cards)
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.only("pk", "account_id", "name")),
                          Prefetch("issues", queryset=CustomerIssue.objects
                                                .select_related("owner", "department", "assignee")
                                                .order_by("due_at")))
        .order_by("occurred_at", "pk")
    )
    comments = {c.visit_id: c for c in VisitComment.objects.filter(log=log).select_related("by")}
    if export := list_export(request, visits, exports.month_log(comments),
                             filename=f"visit-log-{log.author.username}-{log.month:%Y-%m}"):
        return export
    weeks = selectors.log_weeks(visits, log.month)
    week = _chosen_week(request, weeks)
    if week is not None:  # one week at a time; ?week=all shows the month (to print it)
        start = timezone.make_aware(datetime.combine(week.monday, time.min))
        visits = visits.filter(occurred_at__gte=start, occurred_at__lt=start + timedelta(days=7))
    events = list(SignOffEvent.objects.filter(log=log).select_related("by"))
    returned = [e for e in events if e.kind == SignOffEvent.Kind.RETURNED]
    reopened = [e.at for e in events if e.kind == SignOffEvent.Kind.REOPENED]
    # K-21: after a reopening the supervisor reads what the correction changed, field by field.
    month_visits = Visit.objects.filter(author=log.author, log_month=log.month).values("pk")
    since_reopen = [pair for pair in selectors.visit_changes(month_visits, since=reopened[-1])
                    if pair[0].after_reopen] if reopened else []
    # Visits logged after the month was first submitted: the supervisor sees what came in since.
    first_submitted = next((e.at for e in events if e.kind == SignOffEvent.Kind.SUBMITTED), None)
    return render(request, "visits/sign_off_review.html", {
        "weeks": weeks, "week": week, "month_total": sum(w.visits for w in weeks),
        "log": log, "events": events,
        "rows": [(v, comments.get(v.pk), bool(first_submitted and v.created_at > first_submitted)) for v in visits],
        "since_reopen": since_reopen, "reopened_at": reopened[-1] if reopened else None,
        "returned_event": returned[-1] if returned and log.status == MonthlyLog.Status.RETURNED else None,
        "can_decide": permissions.can_sign_off(request.user, log.author),
        "decision_form": DecisionForm(), "reason_form": ReasonForm(),
    })


def _chosen_week(request, weeks):
    """The week asked for, else the first with visits; None for the whole month."""
    asked = request.GET.get("week", "")
    if asked == "all" or not weeks:
        return None
    return next((w for w in weeks if w.key == asked), None) or next((w for w in weeks if w.visits), weeks[0])


@require_POST
def sign_off_comment(request, pk, visit_pk):
    log = _log_for(request, pk)
    visit = get_object_or_404(Visit, pk=visit_pk)
    text = request.POST.get("text", "").strip()
    back = (f"{reverse('visits:sign-off-review', args=[log.pk])}?week={selectors.week_of(visit.occurred_at)}"
            f"#visit-{visit.pk}")
    if not text:
        return refuse(request, ValidationError(_("Write a comment first.")), back)
    return run_service(request, services.monthly_log_comment, log=log, visit=visit, by=request.user, text=text,
                       success=_("Comment saved."), redirect_to=back)


@require_POST
def sign_off_decide(request, pk):
    log = _log_for(request, pk)
    form = DecisionForm(request.POST)
    back = reverse("visits:sign-off-review", args=[log.pk])
    if not form.is_valid():
        return refuse(request, form, back)
    comment = form.cleaned_data["comment"]
    if form.cleaned_data["decision"] == "approve":
        return run_service(request, services.monthly_log_approve, log=log, by=request.user, overall_comment=comment,
                           success=_("Approved: %(month)s of %(author)s is locked.")
                           % {"month": log.month.strftime("%Y-%m"), "author": log.author}, redirect_to=back)
    return run_service(request, services.monthly_log_return, log=log, by=request.user, reason=comment,
                       success=_("Returned to %(author)s.") % {"author": log.author}, redirect_to=back)


@require_POST
def sign_off_reopen(request, pk):
    log = _log_for(request, pk)
    form = ReasonForm(request.POST)
    back = reverse("visits:sign-off-review", args=[log.pk])
    if not form.is_valid():
        return refuse(request, ValidationError(_("Say why the month is reopened; the reason is kept.")), back)
    return run_service(request, services.monthly_log_reopen, log=log, by=request.user,
                       reason=form.cleaned_data["reason"],
                       success=_("Reopened: %(month)s can be corrected and submitted again.")
                       % {"month": log.month.strftime("%Y-%m")}, redirect_to=back)




# --- Green channel (K-27) ------------------------------------------------------------------------

@reads_query(GreenFilter)
def green_list(request):
    requests = (
        GreenChannelRequest.objects.filter(account__in=Account.objects.visible_to(request.user))
        .select_related("account", "requested_by", "dispatched_by", "completed_by", "department")
    )
    filters = filter_list(request, GreenFilter, requests)
    requests, stage = filters.qs, filters.stage_value
    if export := list_export(request, requests, exports.GREEN, filename="green-channel"):
        return export
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(request, "visits/green_list.html", {"page_obj": page, "requests": page.object_list,
                                                       "stage": stage, "departments": departments_to_route()})


def green_create(request):
    accounts = loggable_accounts(request.user).filter(kind__in=Account.KEY_KINDS)
    form = GreenRequestForm(request.POST or None, accounts=accounts,
                            initial={"account": request.GET.get("account")})
    if request.method == "POST" and form.is_valid():
        try:
            services.green_request_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Request filed on the green channel."))
            return redirect("visits:green")
    return form_page(request, form, title=_("New green-channel request"), cancel_url=reverse("visits:green"),
                     intro=_("A key account's service request, tracked from request to dispatch to completion."))


@require_POST
def green_advance(request, pk):
    green = get_object_or_404(
        GreenChannelRequest.objects.filter(account__in=Account.objects.visible_to(request.user))
        .select_related("account"), pk=pk)
    if not permissions.can_serve_account(request.user, green.account):
        raise PermissionDenied
    form = DispatchForm(request.POST)
    if not form.is_valid():  # no department, or one that is not: say so by the list
        messages.error(request, error_text(form))
        return redirect("visits:green")

    def advanced(_result):
        return _("“%(title)s”: %(stage)s.") % {"title": green, "stage": GreenChannelRequest.Stage(green.stage).label}

    # Completion is the department's (departments:green-complete): the account team dispatches.
    return run_service(request, services.green_request_dispatch, request=green, by=request.user,
                       department=form.cleaned_data["department"], success=advanced, redirect_to="visits:green")


@require_POST
def after_sales_done(request, pk):
    step = get_object_or_404(AfterSalesStep.objects.filter(account__in=Account.objects.visible_to(request.user))
                             .select_related("account"), pk=pk)
    if not permissions.can_serve_account(request.user, step.account):
        raise PermissionDenied
    return run_service(request, services.after_sales_done, step=step, by=request.user,
                       success=_("%(step)s done.") % {"step": step.get_kind_display()}, redirect_to=step.account)
