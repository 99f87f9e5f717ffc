"""The departments' pages (X-02): thin views over visits' services. Department staff reach only
their own department's queue and what is routed to it; everyone else outside the scope a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import csv_response, list_export, xlsx_response
from core.pagination import paginator_for
from core.params import filter_list, note_ignored, reads_query
from core.views import error_text, run_service
from departments import exports, selectors
from departments.filters import QueueFilter
from departments.forms import (
    AcceptForm,
    CompleteForm,
    DeadlineFormSet,
    InformForm,
    PerformanceForm,
    ReplyForm,
    ResolveForm,
    RouteForm,
)
from users.models import Department
from visits import permissions, services
from visits.models import CustomerIssue, DeadlineRule, GreenChannelRequest, IssueUpdate

QUEUE_PAGE = 25
HOME_ROWS = 10


def _department_of(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if not permissions.can_work_queue(request.user, department):
        raise Http404  # another department's queue is out of sight, as an account is
    return department


def home(request):
    """A department member's start page: what they accepted, what waits for anyone, the green
    channel's work, each due soonest first."""
    user = request.user
    if not user.is_department_staff:
        raise Http404
    queue = CustomerIssue.objects.in_queue(user.department_id).with_queue_columns()
    return render(request, "departments/home.html", {
        "department": user.department,
        "counts": selectors.home_summary(user),
        "mine": queue.filter(assignee=user)[:HOME_ROWS],
        "waiting": queue.filter(status=CustomerIssue.Status.OPEN)[:HOME_ROWS],
        "green": GreenChannelRequest.objects.in_queue(user.department_id).select_related("account")[:HOME_ROWS],
    })


def department_list(request):
    """Admins: every department and its queue; department staff go to their own."""
    if request.user.is_department_staff:
        return redirect("departments:queue", request.user.department_id)
    if not request.user.is_admin:
        raise Http404
    return render(request, "departments/list.html", {
        "departments": Department.objects.select_related("head").order_by("code"),
    })


@reads_query(QueueFilter)
def queue(request, pk):
    department = _department_of(request, pk)
    issues = CustomerIssue.objects.filter(department=department).with_queue_columns()
    filters = filter_list(request, QueueFilter, issues)
    issues = filters.qs.order_by("due_at", "pk")
    if export := list_export(request, issues, exports.QUEUE, filename=f"queue-{department.code}"):
        return export
    page = paginator_for(request, issues, QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "departments/queue.html", {
        "department": department, "filter": filters, "show": filters.show_value, "page_obj": page,
        "issues": page.object_list,
        "green": GreenChannelRequest.objects.in_queue(department).select_related("account")[:HOME_ROWS],
        "green_total": GreenChannelRequest.objects.in_queue(department).count(),
        "now": timezone.now(),
    })


def _issue(request, pk):
    issues = (CustomerIssue.objects.visible_to(request.user)
              .select_related("account__owner", "owner__team", "assignee", "department__head", "visit",
                              "resolved_by", "informed_by")
              .prefetch_related(Prefetch("updates", queryset=IssueUpdate.objects.select_related("by", "department"))))
    return get_object_or_404(issues, pk=pk)


def issue_detail(request, pk):
    """The issue's trail (routed, accepted, replies, resolved, informed: who and when), the account
    basics the department needs, and the one next step the reader may take."""
    issue = _issue(request, pk)
    user = request.user
    return render(request, "departments/issue_detail.html", {
        "issue": issue,
        "can_accept": permissions.can_work_issue(user, issue) and issue.status == CustomerIssue.Status.OPEN,
        "can_work": permissions.can_act_as_assignee(user, issue) and issue.status == CustomerIssue.Status.IN_PROGRESS,
        "can_route": permissions.can_route_issue(user, issue),
        "can_inform": (permissions.can_follow_up_issue(user, issue)
                       and issue.status == CustomerIssue.Status.RESOLVED),
        "sees_visit": not user.is_department_staff,
        "route_form": RouteForm(initial={"department": issue.department_id}),
        "reply_form": ReplyForm(), "resolve_form": ResolveForm(), "inform_form": InformForm(),
    })


def _act(request, pk, form_class, service, allowed, success, **extra):
    issue = _issue(request, pk)
    if not allowed(request.user, issue):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("departments:issue", issue.pk)
    return run_service(request, service, issue=issue, by=request.user, **form.cleaned_data, **extra,
                       success=success, redirect_to=reverse("departments:issue", args=[issue.pk]))


@require_POST
def issue_accept(request, pk):
    return _act(request, pk, AcceptForm, services.issue_accept, permissions.can_work_issue,
                _("You accepted the issue: it is yours until it is resolved."))


@require_POST
def issue_reply(request, pk):
    return _act(request, pk, ReplyForm, services.issue_reply, permissions.can_act_as_assignee,
                _("Reply sent to the account manager."))


@require_POST
def issue_resolve(request, pk):
    return _act(request, pk, ResolveForm, services.issue_resolve, permissions.can_act_as_assignee,
                _("Issue resolved; the account manager tells the customer."))


@require_POST
def issue_route(request, pk):
    return _act(request, pk, RouteForm, services.issue_route, permissions.can_follow_up_issue,
                lambda issue: _("Routed to %(department)s.") % {"department": issue.department})


@require_POST
def issue_inform(request, pk):
    return _act(request, pk, InformForm, services.issue_inform, permissions.can_follow_up_issue,
                _("Marked: the customer was told the result."))


def _green(request, pk):
    requests = GreenChannelRequest.objects.visible_to(request.user).select_related(
        "account__owner", "requested_by", "dispatched_by", "completed_by", "department__head")
    return get_object_or_404(requests, pk=pk)


def green_detail(request, pk):
    """A green-channel request's stages, each with its deadline, and its completion by the department."""
    green = _green(request, pk)
    return render(request, "departments/green_detail.html", {
        "green": green, "form": CompleteForm(),
        "can_complete": permissions.can_complete_green(request.user, green) and green.dispatched_at
        and not green.completed_at,
    })


@require_POST
def green_complete(request, pk):
    green = _green(request, pk)
    if not permissions.can_complete_green(request.user, green):
        raise PermissionDenied
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("departments:green", green.pk)
    return run_service(request, services.green_request_complete, request=green, by=request.user,
                       note=form.cleaned_data["note"], success=_("Request completed; the account team is told."),
                       redirect_to=reverse("departments:green", args=[green.pk]))


@reads_query(PerformanceForm)
def performance(request):
    """Supervisors and admins: on time by kind and department, month by month (X-02)."""
    if not permissions.can_see_department_performance(request.user):
        raise PermissionDenied
    form = PerformanceForm(request.GET)
    note_ignored(request, form)
    year = form.values()["year"] or timezone.localdate().year
    rows = selectors.performance(year)
    if (wanted := request.GET.get("format")) in ("csv", "xlsx"):
        header = [_("Month"), _("Department"), _("Kind"), _("Routed"), _("Resolved"), _("Resolved on time"),
                  _("On time %"), _("Customer informed on time"), _("Overdue, not resolved")]
        body = [[row.month.strftime("%Y-%m"), str(row.department), str(row.label), row.routed, row.resolved,
                 row.on_time, row.on_time_rate, row.informed_on_time, row.overdue_open] for row in rows]
        respond = csv_response if wanted == "csv" else xlsx_response
        return respond(f"department-performance-{year}", header, body)
    return render(request, "departments/performance.html", {"rows": rows, "year": year, "form": form,
                                                            "years": range(timezone.localdate().year, 2019, -1)})


def deadlines(request):
    """Admins set how long each kind of work may take, and whether on working time (K-22, K-27)."""
    if not permissions.can_configure_deadlines(request.user):
        raise PermissionDenied
    rules = services.deadline_rules()
    initial = [{"subject": rule.subject, "hours": rule.hours, "working_time": rule.working_time} for rule in rules]
    formset = DeadlineFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        subjects = [form.cleaned_data["subject"] for form in formset.forms]
        if sorted(subjects) != sorted(DeadlineRule.Subject.values):
            messages.error(request, _("Every deadline is set at once; reload the page and try again."))
        else:
            services.deadline_rules_save(by=request.user, rules={
                form.cleaned_data["subject"]: (form.cleaned_data["hours"], form.cleaned_data["working_time"])
                for form in formset.forms})
            messages.success(request, _("Deadlines saved. New work is due by them; "
                                        "work already logged keeps its deadline."))
            return redirect("departments:deadlines")
    labels = dict(DeadlineRule.Subject.choices)
    return render(request, "departments/deadlines.html", {
        "formset": formset, "rows": [(form, labels.get(form.initial.get("subject") or form["subject"].value(), ""))
                                     for form in formset.forms],
    })
