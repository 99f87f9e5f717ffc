from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView
from django_filters.views import FilterView

from accounts import exports, permissions, services
from accounts.filters import AccountFilter, owner_choices
from accounts.forms import (
    AccountForm,
    AccountPickerForm,
    ClaimDecisionForm,
    ClaimForm,
    CompetitorForm,
    HandoverDecisionForm,
    HandoverForm,
    OrderForm,
    PeopleSearchForm,
    ProductPositionForm,
    SiteLocationForm,
    churn_choice_form,
)
from accounts.models import Account, AccountTeamMember, Competitor, Handover, Order, ProductPosition, ProspectClaim
from accounts.selectors import account_warnings, assignable_people, group_figures, handover_candidates, history_page
from core.batch import fetch_together
from core.collation import name_order
from core.exports import ExportMixin, list_export
from core.forms import CREATE_KEY, add_service_error
from core.idempotency import AlreadySaved
from core.pagination import CappedPaginationMixin
from core.params import LenientFilterMixin, PageForm, reads_query
from core.search import people_named
from core.views import (
    PICKER_PAGE,
    already_saved,
    confirm_page,
    error_text,
    form_page,
    options_page,
    people_page,
    refuse,
    run_service,
    submit_form,
)


def _visible(request, pk, *related):
    return get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user)
                             .select_related("owner__team", "parent", "lost_reason", "objection_type", *related), pk=pk)


def _editable(request, pk):
    """404 for an account out of scope (its existence is not disclosed); 403 for one the user
    sees but may not change."""
    account = _visible(request, pk)
    if not permissions.can_edit_account(request.user, account):
        raise PermissionDenied
    return account


class AccountListView(LenientFilterMixin, ExportMixin, CappedPaginationMixin, FilterView):
    filterset_class = AccountFilter
    template_name = "accounts/account_list.html"
    context_object_name = "accounts"
    paginate_by = 25
    export_columns, export_filename = exports.ACCOUNTS, "accounts"

    def get_queryset(self):
        # Archived accounts stay hidden unless asked for: AccountFilter.show_archived.
        # By name in the reader's order (pinyin, strokes), index-backed (core/collation.py).
        return Account.objects.visible_to(self.request.user).with_list_columns().order_by(*name_order())



@reads_query(PeopleSearchForm)
def owner_options(request):
    """htmx: the people of the account list's owner filter whose name holds `q`, a page at a time
    (issue 19): session, user and one page of PICKER_PAGE + 1 (one more tells whether there is a
    next), whatever the company's size."""
    chosen = PeopleSearchForm(request.GET).values()
    people = owner_choices(request)
    if chosen["q"]:
        people = people_named(people, chosen["q"])
    start = (chosen["page"] - 1) * PICKER_PAGE
    rows = list(people[start:start + PICKER_PAGE + 1])
    return render(request, "accounts/_owner_options.html", {
        "people": rows[:PICKER_PAGE], "next_page": chosen["page"] + 1 if len(rows) > PICKER_PAGE else None,
        "q": chosen["q"], "page": chosen["page"],
    })


def people_options(request):
    """htmx: the people the user may make an account's owner or team member (assignable_people)
    whose name holds `q`, a page at a time: the account form's pickers of an admin, who may choose
    among everyone (core.widgets.SearchSelect; issue 19)."""
    chosen = PeopleSearchForm(request.GET).values()
    return people_page(request, assignable_people(request.user), q=chosen["q"], page=chosen["page"],
                       url_name="accounts:people-options")


@reads_query(PeopleSearchForm)
def handover_options(request, pk):
    """htmx: whom the account may be handed over to (handover_candidates) whose name holds `q`, a page
    at a time, for those who may hand it over: the managers and supervisors of every other team."""
    account = _visible(request, pk)
    if not permissions.can_request_handover(request.user, account):
        raise PermissionDenied
    chosen = PeopleSearchForm(request.GET).values()
    return people_page(request, handover_candidates(account), q=chosen["q"], page=chosen["page"],
                       url=reverse("accounts:handover-options", args=[pk]))


def account_options(request):
    """htmx: the accounts the user sees whose name holds `q`, a page at a time, for the account
    pickers of forms (core.widgets.SearchSelect; `?kind=group` for a parent). Session, user and
    one page of rows, whatever the company's size (issue 19)."""
    chosen = AccountPickerForm(request.GET).values()
    accounts = Account.objects.visible_to(request.user).active()
    if chosen["kind"] == Account.Kind.GROUP:
        accounts = accounts.filter(kind=Account.Kind.GROUP)
    if chosen["q"]:
        accounts = accounts.filter(name__icontains=chosen["q"])
    return options_page(request, accounts.order_by(*name_order()).only("pk", "name", "region"),
                        page=chosen["page"], url_name="accounts:account-options",
                        option=lambda a: (a.pk, a.name, a.region),
                        empty_text=_("No account you can see has that name."))


def account_detail(request, pk):
    account = _visible(request, pk, "profile_reviewed_by")
    # Only a prospect is claimed and only an owned account handed over: at most one of the two lists
    # is asked for. All the short lists of the page come in one statement (core.batch, issue 19).
    lists = {
        "memberships": AccountTeamMember.objects.filter(account=account).select_related("user"),
        "orders": account.orders.all()[:10],
        "competitors": account.competitors.all(),
        "products": account.products.all(),
        "subsidiaries": account.subsidiaries.active()[:20],
    }
    if account.status == Account.Status.PROSPECT:
        lists["claims"] = account.claims.filter(status__in=ProspectClaim.ACTIVE).select_related("claimant")
    elif account.owner_id:
        lists["handovers"] = account.handovers.filter(status=Handover.Status.PENDING).select_related("to_owner")[:1]
    rows = fetch_together(**lists)
    memberships = rows["memberships"]
    team_size = len({m.user_id for m in memberships} | ({account.owner_id} if account.owner_id else set()))
    claims, handovers = rows.get("claims", []), rows.get("handovers", [])
    handover = handovers[0] if handovers else None
    context = {
        "account": account,
        "memberships": memberships,
        "warnings": account_warnings(account, team_size),
        "competitors": rows["competitors"],
        "orders": rows["orders"],
        "products": rows["products"],
        "figures": group_figures(account),
        "subsidiaries": rows["subsidiaries"],
        "active_claim": claims[0] if claims else None,
        "pending_handover": handover,
        "can_hand_over": handover is None and permissions.can_request_handover(request.user, account),
        "can_edit": permissions.can_edit_account(request.user, account),
        "claim_form": ClaimForm(),
    }
    return render(request, "accounts/account_detail.html", context)


def account_create(request):
    form = AccountForm(request.POST or None, user=request.user,
                       initial={"owner": request.user if not request.user.is_admin else None})
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Account “%(name)s” created.") % {"name": account})
            return redirect(account)
    return render(request, "accounts/account_form.html",
                  {"form": form, "title": _("New account"), "cancel_url": reverse("accounts:list")})


def account_edit(request, pk):
    account = _editable(request, pk)
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(account=account, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect(account)
    return render(request, "accounts/account_form.html",
                  {"form": form, "account": account, "title": _("Edit %(name)s") % {"name": account},
                   "cancel_url": account.get_absolute_url()})


def account_archive(request, pk):
    account = _editable(request, pk)
    if request.method == "POST":
        return run_service(request, services.account_archive, account=account, by=request.user,
                           success=_("“%(name)s” archived. Its history is kept; restore it any time.")
                           % {"name": account}, redirect_to="accounts:list", on_error=account)
    return confirm_page(request, title=_("Archive %(name)s?") % {"name": account},
                        message=_("The account disappears from lists and dashboards. Nothing is deleted: "
                                  "contacts, visits and history stay, and it can be restored."),
                        label=_("Archive"), cancel_url=account.get_absolute_url())


@require_POST
def account_restore(request, pk):
    account = _editable(request, pk)
    return run_service(request, services.account_restore, account=account, by=request.user,
                       success=_("“%(name)s” restored.") % {"name": account}, redirect_to=account)


@require_POST
def account_profile_review(request, pk):
    account = _editable(request, pk)
    return run_service(request, services.account_profile_review, account=account, by=request.user,
                       success=_("Profile review recorded."), redirect_to=account)


def account_site(request, pk):
    """An admin sets (or clears) where the account's site is: on-site check-ins are measured from it."""
    account = _visible(request, pk)
    if not permissions.can_set_site(request.user, account):
        raise PermissionDenied
    form = SiteLocationForm(request.POST or None, initial={"site_latitude": account.site_latitude,
                                                           "site_longitude": account.site_longitude})
    if saved := submit_form(request, form, lambda data: services.account_site_set(
            account=account, by=request.user, latitude=data["site_latitude"], longitude=data["site_longitude"]),
            success=_("Site location saved."), redirect_to=account):
        return saved
    return form_page(request, form, title=_("Site location of %(account)s") % {"account": account},
                     cancel_url=account.get_absolute_url(),
                     intro=_("Check-ins on on-site visits show how far from here they were made. Copy the "
                             "coordinates from a map; leave both empty to clear the site."))


def account_history(request, pk):
    account = _visible(request, pk)
    records = account.history.select_related("history_user").order_by("-history_date", "-history_id")
    page, changes = history_page(records, request.GET.get("page"))
    return render(request, "accounts/account_history.html",
                  {"account": account, "subject": account, "page_obj": page, "changes": changes})


# --- Competitors, orders, product map: plain CRUD under an editable account ------------

class AccountChildMixin:
    """Scopes a child row to an account the user may edit; 404 otherwise."""

    template_name = "accounts/child_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.account = _editable(request, kwargs["account_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.filter(account=self.account)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "instance" in kwargs and kwargs["instance"] is None:  # a new row (CreateView)
            kwargs["instance"] = self.model(account=self.account)
        return kwargs

    def form_valid(self, form):
        try:
            self.object = services.account_row_save(row=form.instance, by=self.request.user)
        except ValidationError as error:  # a per-account unique rule: answered at its field, not with a 500
            form.add_error(getattr(form, "unique_field", None), error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.account.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, title=self.title(),
                                        cancel_url=self.account.get_absolute_url(), **kwargs)

    def title(self):
        verb = _("Edit") if getattr(self, "object", None) else _("Add")
        return f"{verb}: {self.model._meta.verbose_name}"


class AccountChildDeleteView(AccountChildMixin, DeleteView):
    template_name = "partials/confirm.html"

    def form_valid(self, form):
        return run_service(self.request, services.account_row_delete, row=self.object, by=self.request.user,
                           success=_("Removed."), redirect_to=self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            message=_("Remove “%(item)s” from %(account)s?") % {"item": self.object, "account": self.account},
            confirm_label=_("Remove"), **kwargs)

    def title(self):
        return _("Remove %(what)s") % {"what": self.model._meta.verbose_name}


def child_views(model, form_class):
    def make(base):
        return type(f"{model.__name__}{base.__name__}", (AccountChildMixin, base),
                    {"model": model, "form_class": form_class}).as_view()
    delete = type(f"{model.__name__}Delete", (AccountChildDeleteView,), {"model": model}).as_view()
    return make(CreateView), make(UpdateView), delete


class OrderCreateView(AccountChildMixin, CreateView):
    """An order is made by its service, under the form's one-time key: a double submit of a
    contract must not count its value twice (tiering, CLV)."""

    model, form_class = Order, OrderForm

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in OrderForm.Meta.fields}
        try:
            self.object = services.order_add(account=self.account, by=self.request.user,
                                             key=form.cleaned_data[CREATE_KEY], **fields)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except AlreadySaved as done:
            return already_saved(self.request, done, to=self.get_success_url(), fallback=self.get_success_url())
        messages.success(self.request, _("Saved."))
        return redirect(self.get_success_url())


competitor_add, competitor_edit, competitor_delete = child_views(Competitor, CompetitorForm)
order_add = OrderCreateView.as_view()
order_edit, order_delete = child_views(Order, OrderForm)[1:]
product_add, product_edit, product_delete = child_views(ProductPosition, ProductPositionForm)


# --- Prospect claims (K-06) ------------------------------------------------------------

@require_POST
def claim_file(request, pk):
    account = _visible(request, pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return redirect(account)
    return run_service(request, services.prospect_claim_file, account=account, by=request.user,
                       reason=form.cleaned_data["reason"], success=_("Claim filed; your supervisor decides."),
                       redirect_to=account)


def claim_queue(request):
    pending = ProspectClaim.objects.pending_for(request.user) if permissions.can_decide_claims(
        request.user) else ProspectClaim.objects.none()
    # The download holds both lists of the page, and all of my claims, not just the last 20.
    everything = (ProspectClaim.objects.filter(Q(pk__in=pending.values("pk")) | Q(claimant=request.user))
                  .select_related("account", "claimant", "decided_by").order_by("-created_at", "-pk"))
    if export := list_export(request, everything, exports.CLAIMS, filename="prospect-claims"):
        return export
    mine = ProspectClaim.objects.filter(claimant=request.user).select_related("account", "decided_by")[:20]
    return render(request, "accounts/claim_queue.html", {
        "pending": pending, "mine": mine, "form": ClaimDecisionForm(),
        "can_decide": permissions.can_decide_claims(request.user),
    })


@require_POST
def claim_decide(request, pk):
    claim = get_object_or_404(ProspectClaim.objects.select_related("account", "claimant__team"), pk=pk)
    if not permissions.can_decide_claim(request.user, claim):
        # A claimant sees their own claim, the rest see only the claims they decide.
        raise PermissionDenied if claim.claimant_id == request.user.pk else Http404
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        return refuse(request, form, "accounts:claims")
    return run_service(request, services.prospect_claim_decide, claim=claim, by=request.user,
                       approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"],
                       success=lambda _result: _("Claim on %(account)s: %(status)s.")
                       % {"account": claim.account, "status": claim.get_status_display()},
                       redirect_to="accounts:claims")


@require_POST
def claim_withdraw(request, pk):
    claim = get_object_or_404(ProspectClaim.objects.select_related("account"), pk=pk, claimant=request.user)
    return run_service(request, services.prospect_claim_withdraw, claim=claim, by=request.user,
                       success=_("Claim withdrawn."), redirect_to=claim.account)


# --- Handovers to another team (K-05) -------------------------------------------------

def _handover(request, pk):
    """404 for a request the user has no part in; the caller answers 403 for one they see but may not act on."""
    handover = get_object_or_404(Handover.objects.with_people(), pk=pk)
    if not permissions.can_see_handover(request.user, handover):
        raise Http404
    return handover


def handover_request(request, pk):
    account = _visible(request, pk)
    if not permissions.can_request_handover(request.user, account):
        raise PermissionDenied
    form = HandoverForm(request.POST or None, candidates=handover_candidates(account),
                        options_url=reverse("accounts:handover-options", args=[account.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.account_handover_request(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Handover to %(person)s requested; %(supervisor)s decides.") % {
                "person": handover.to_owner, "supervisor": handover.to_owner.team.supervisor})
            return redirect(account)
    return render(request, "accounts/child_form.html", {
        "form": form, "account": account, "title": _("Hand %(name)s over to another team") % {"name": account},
        "intro": _("%(owner)s stays responsible until the receiving team's supervisor approves. "
                   "Within your own team, change the responsible manager on the edit page instead.")
        % {"owner": account.owner},
        "submit_label": _("Ask for the handover"), "cancel_url": account.get_absolute_url(),
    })


def handover_queue(request):
    """The receiving supervisor's list to decide, and the requests that concern me."""
    deciding = request.user.is_supervisor or request.user.is_admin
    pending = Handover.objects.pending_for(request.user).order_by("created_at", "pk") if deciding else None
    page = Paginator(pending, 25).get_page(request.GET.get("page")) if deciding else None
    mine = Handover.objects.involving(request.user)[:20]
    return render(request, "accounts/handover_queue.html", {
        "page_obj": page, "pending": page.object_list if page else [], "mine": mine, "deciding": deciding,
    })


@require_POST
def handover_decide(request, pk):
    handover = _handover(request, pk)
    if not permissions.can_decide_handover(request.user, handover):
        raise PermissionDenied
    form = HandoverDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("accounts:handovers")
    return run_service(
        request, services.account_handover_decide, handover=handover, by=request.user,
        approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"],
        success=lambda done: _("Handover of %(account)s to %(person)s: %(status)s.") % {
            "account": done.account, "person": done.to_owner, "status": done.get_status_display()},
        redirect_to="accounts:handovers",
    )


def handover_withdraw(request, pk):
    handover = _handover(request, pk)
    if not permissions.can_withdraw_handover(request.user, handover):
        raise PermissionDenied
    if request.method == "POST":
        return run_service(request, services.account_handover_withdraw, handover=handover, by=request.user,
                           success=_("Handover request withdrawn."), redirect_to=handover.account)
    return render(request, "partials/confirm.html", {
        "title": _("Withdraw the handover of %(account)s?") % {"account": handover.account},
        "message": _("%(person)s's supervisor will no longer see the request; %(account)s stays with %(owner)s.") % {
            "person": handover.to_owner, "account": handover.account, "owner": handover.from_owner},
        "confirm_label": _("Withdraw"), "cancel_url": handover.account.get_absolute_url(),
    })


# --- Lost reasons and objection types (K-52): lists admins keep ----------------------------------

CHURN_LIST_TITLES = {
    "lost-reasons": (gettext_lazy("Lost reasons"), gettext_lazy("New lost reason")),
    "objection-types": (gettext_lazy("Objection types"), gettext_lazy("New objection type")),
}


def _churn_list_model(request, kind):
    """The list named in the URL; only admins keep them, so for anyone else it does not exist."""
    if kind not in services.CHURN_LISTS or not permissions.can_configure_churn_lists(request.user):
        raise Http404
    return services.CHURN_LISTS[kind]


@reads_query(PageForm)
def churn_list(request, kind):
    model = _churn_list_model(request, kind)
    page = Paginator(model.objects.annotate(used=Count("accounts")).order_by("position", "name_en", "pk"),
                     50).get_page(PageForm(request.GET).values()["page"])
    title, add_label = CHURN_LIST_TITLES[kind]
    return render(request, "accounts/churn_list.html", {
        "title": title, "add_label": add_label, "kind": kind, "page_obj": page, "entries": page.object_list,
        "lists": [(key, titles[0]) for key, titles in CHURN_LIST_TITLES.items()],
    })


def churn_entry(request, kind, pk=None):
    model = _churn_list_model(request, kind)
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = churn_choice_form(model)(request.POST or None, instance=instance)
    back = reverse("churn:list", args=[kind])
    if saved := submit_form(request, form, lambda data: services.churn_choice_save(
            by=request.user, kind=kind, instance=instance, **data), success=_("Saved."), redirect_to=back):
        return saved
    title = str(instance) if instance else CHURN_LIST_TITLES[kind][1]
    return form_page(request, form, title=title, cancel_url=back)
