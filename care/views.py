from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView

from accounts.models import Account
from care import exports, permissions, services
from care.forms import (
    BirthdayPeriodForm,
    DoneForm,
    EventForm,
    GiftForm,
    HolidayCalendarForm,
    OccasionForm,
    SkipForm,
    SnoozeForm,
)
from care.models import CareTask, Event, HolidayCalendar, MessageTemplate, Occasion
from care.selectors import birthday_rows
from contacts.models import Contact
from core.exports import list_export
from core.forms import add_service_error, create_key
from core.params import note_ignored, reads_query
from core.views import form_page, refuse, run_service, submit_form

SECTION_LIMIT = 50


def care_home(request):
    """My care work (K-44): overdue, today and this week, each a click from done."""
    today = timezone.localdate()
    tasks = (CareTask.objects.for_user(request.user).open()
             .select_related("account", "contact", "owner").order_by("due_on", "pk"))
    # The download has every task of the three sections, not just the first SECTION_LIMIT of each.
    if export := list_export(request, tasks.filter(due_on__lte=today + timedelta(days=6)), exports.TASKS,
                             filename="care-tasks"):
        return export
    sections = [
        ("overdue", _("Overdue"), tasks.filter(due_on__lt=today)),
        ("today", _("Today"), tasks.filter(due_on=today)),
        ("week", _("This week"), tasks.filter(due_on__gt=today, due_on__lte=today + timedelta(days=6))),
    ]
    return render(request, "care/home.html", {
        "sections": [(key, label, list(qs[:SECTION_LIMIT])) for key, label, qs in sections],
        "limit": SECTION_LIMIT, "done_form": DoneForm(), "channels": CareTask.Channel.choices,
        "tomorrow": today + timedelta(days=1),
    })


def _task(request, pk):
    task = get_object_or_404(CareTask.objects.select_related("owner__team", "account", "contact"), pk=pk)
    if not permissions.can_work_on_task(request.user, task):
        raise Http404  # a task is seen only by those who work on it
    return task


def _back(request):
    """Where the task was worked on (home, an account, a contact); only an address of this site."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return reverse("care:home")


@require_POST
def task_done(request, pk):
    task = _task(request, pk)
    form = DoneForm(request.POST)
    outcome = request.POST.get("outcome", "")
    channel = form.data.get("channel") if form.data.get("channel") in CareTask.Channel.values else None
    return run_service(request, services.care_task_done, task=task, by=request.user, outcome=outcome,
                       channel=channel, key=create_key(request.POST),
                       success=_("Done: %(task)s.") % {"task": task.display_title},
                       redirect_to=_back(request))


@require_POST
def task_skip(request, pk):
    task = _task(request, pk)
    form = SkipForm(request.POST)
    reason = form.data.get("reason", "")
    return run_service(request, services.care_task_skip, task=task, by=request.user, reason=reason,
                       success=_("Skipped: %(task)s.") % {"task": task.display_title}, redirect_to=_back(request))


@require_POST
def task_snooze(request, pk):
    task = _task(request, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return refuse(request, ValidationError(_("Choose a day and say why.")), _back(request))
    return run_service(request, services.care_task_snooze, task=task, by=request.user, **form.cleaned_data,
                       success=_("Moved to %(day)s.") % {"day": form.cleaned_data["until"]},
                       redirect_to=_back(request))


@reads_query(BirthdayPeriodForm)
def birthdays(request):
    """The birthday lists (K-40): this month's, or this week's re-check."""
    today = timezone.localdate()
    form = BirthdayPeriodForm(request.GET)
    note_ignored(request, form)
    chosen = form.values()
    period = chosen["period"] or "month"
    if period == "week":
        start = today - timedelta(days=today.weekday())
        end = start + timedelta(days=6)
    else:
        start = chosen["month"] or today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows = birthday_rows(request.user, start, end)
    if export := list_export(request, rows, exports.BIRTHDAYS, filename=f"birthdays-{start:%Y-%m-%d}"):
        return export
    return render(request, "care/birthdays.html", {
        "rows": rows, "period": period, "start": start, "end": end,
        "previous": (start - timedelta(days=1)).replace(day=1), "next": end + timedelta(days=1),
    })


def gift_add(request, contact_pk):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("account"), pk=contact_pk)
    if not permissions.can_record_gift(request.user, contact):
        raise PermissionDenied
    form = GiftForm(request.POST or None)
    if saved := submit_form(request, form, lambda data: services.gift_record(contact=contact, by=request.user, **data),
                            success=_("Gift recorded."), redirect_to=contact):
        return saved
    return form_page(request, form, title=_("Gift for %(name)s") % {"name": contact},
                     cancel_url=contact.get_absolute_url(),
                     intro=_("Modest, with a story: what did you give, and why this gift for this person?"))


def event_add(request):
    """A customer's event that calls for care (K-42), on an account or a contact."""
    account = contact = None
    if request.GET.get("contact", "").isdigit():
        contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=request.GET["contact"])
        account = contact.account
    elif request.GET.get("account", "").isdigit():
        account = get_object_or_404(Account.objects.visible_to(request.user), pk=request.GET["account"])
    if not permissions.can_record_event(request.user, account):
        raise PermissionDenied if account else Http404  # no page of regional events for non-admins
    form = EventForm(request.POST or None, regional_allowed=not account and permissions.can_record_event(
        request.user, None))
    if saved := submit_form(request, form, lambda data: services.event_record(by=request.user, account=account,
                                                                               contact=contact, **data),
                            success=lambda event: _("Event recorded: %(event)s.") % {"event": event},
                            redirect_to=contact or account or reverse("care:home")):
        return saved
    cancel = (contact or account).get_absolute_url() if (contact or account) else reverse("care:home")
    return form_page(request, form, title=_("New event"), cancel_url=cancel,
                     intro=_("A store opening, a wedding, a storm: the owner gets a care task for it."))


# --- Admin pages: message templates, holiday calendars, occasions (K-41) ---------------------------

class AdminOnlyMixin:
    template_name = "care/admin_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_change_care_settings(request.user):
            raise Http404  # the settings are shown to no one else
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("care:settings")

    def form_valid(self, form):
        try:
            self.object = services.care_setting_save(setting=form.instance, by=self.request.user,
                                                     teams=form.cleaned_data.get("teams"))
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        # The page's heading and tab title: "Holiday calendar", not the model's lowercase name.
        return super().get_context_data(title=capfirst(self.model._meta.verbose_name),
                                        cancel_url=reverse("care:settings"), **kwargs)


def care_settings(request):
    if not permissions.can_change_care_settings(request.user):
        raise Http404
    return render(request, "care/settings.html", {
        "templates": MessageTemplate.objects.all(),
        "calendars": HolidayCalendar.objects.select_related("template").prefetch_related("teams"),
        "occasions": Occasion.objects.select_related("template").prefetch_related("teams"),
        "events": Event.objects.filter(kind=Event.Kind.REGIONAL).order_by("-date")[:20],
    })


def _crud(model, fields=None, widgets=None, form=None):
    from django.forms import modelform_factory

    form = form or modelform_factory(model, fields=fields, widgets=widgets or {})
    create = type(f"{model.__name__}Create", (AdminOnlyMixin, CreateView), {"model": model, "form_class": form})
    update = type(f"{model.__name__}Update", (AdminOnlyMixin, UpdateView), {"model": model, "form_class": form})
    return create.as_view(), update.as_view()


template_add, template_edit = _crud(MessageTemplate, ["name", "channel", "body_en", "body_zh_hans", "body_zh_hant"])
calendar_add, calendar_edit = _crud(HolidayCalendar, form=HolidayCalendarForm)
occasion_add, occasion_edit = _crud(Occasion, form=OccasionForm)
