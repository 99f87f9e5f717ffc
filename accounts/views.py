from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView
from django_filters.views import FilterView

from accounts import exports, services
from accounts.filters import AccountFilter
from accounts.forms import (
    AccountForm,
    ClaimDecisionForm,
    ClaimForm,
    CompetitorForm,
    OrderForm,
    ProductPositionForm,
)
from accounts.models import Account, AccountTeamMember, Competitor, Order, ProductPosition, ProspectClaim
from accounts.selectors import account_warnings, group_figures, history_page
from core.exports import ExportMixin, list_export
from core.forms import CREATE_KEY, add_service_error
from core.idempotency import AlreadySaved
from core.views import already_saved


def _visible(request, pk):
    return get_object_or_404(Account.objects.visible_to(request.user).select_related("owner", "parent"), pk=pk)


def _editable(request, pk):
    """404, not 403, for an account out of scope: its existence is not disclosed."""
    return get_object_or_404(Account.objects.editable_by(request.user).select_related("owner", "parent"), pk=pk)


class AccountListView(ExportMixin, FilterView):
    filterset_class = AccountFilter
    template_name = "accounts/account_list.html"
    context_object_name = "accounts"
    paginate_by = 25
    export_columns, export_filename = exports.ACCOUNTS, "accounts"

    def get_queryset(self):
        accounts = Account.objects.visible_to(self.request.user).with_list_columns().order_by("name", "pk")
        # Archived accounts stay hidden unless asked for, even on the bare URL,
        # where django-filter does not run the filters at all.
        return accounts if self.request.GET.get("archived") in ("on", "true", "1") else accounts.active()


def account_detail(request, pk):
    account = _visible(request, pk)
    memberships = list(AccountTeamMember.objects.filter(account=account).select_related("user"))
    team_size = len({m.user_id for m in memberships} | ({account.owner_id} if account.owner_id else set()))
    claims = list(account.claims.filter(status__in=ProspectClaim.ACTIVE).select_related("claimant"))
    context = {
        "account": account,
        "memberships": memberships,
        "warnings": account_warnings(account, team_size),
        "competitors": account.competitors.all(),
        "orders": account.orders.all()[:10],
        "products": account.products.all(),
        "figures": group_figures(account),
        "subsidiaries": account.subsidiaries.active()[:20],
        "active_claim": claims[0] if claims else None,
        "can_edit": Account.objects.editable_by(request.user).filter(pk=account.pk).exists(),
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
        services.account_archive(account=account, by=request.user)
        messages.success(request, _("“%(name)s” archived. Its history is kept; restore it any time.") % {
            "name": account})
        return redirect("accounts:list")
    return render(request, "partials/confirm.html", {
        "title": _("Archive %(name)s?") % {"name": account},
        "message": _("The account disappears from lists and dashboards. Nothing is deleted: "
                     "contacts, visits and history stay, and it can be restored."),
        "confirm_label": _("Archive"), "cancel_url": account.get_absolute_url(),
    })


@require_POST
def account_restore(request, pk):
    account = _editable(request, pk)
    services.account_restore(account=account, by=request.user)
    messages.success(request, _("“%(name)s” restored.") % {"name": account})
    return redirect(account)


@require_POST
def account_profile_review(request, pk):
    account = _editable(request, pk)
    services.account_profile_review(account=account, by=request.user)
    messages.success(request, _("Profile review recorded."))
    return redirect(account)


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
        # The form leaves `account` out, so Django skips the per-account unique
        # rules; check them here and answer at the field instead of with a 500.
        try:
            form.instance.validate_constraints()
        except ValidationError as error:
            form.add_error(form.unique_field if hasattr(form, "unique_field") else None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)

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
        self.object.delete()
        messages.success(self.request, _("Removed."))
        return redirect(self.get_success_url())

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
    if form.is_valid():
        try:
            services.prospect_claim_file(account=account, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Claim filed; your supervisor decides."))
    return redirect(account)


def claim_queue(request):
    pending = ProspectClaim.objects.pending_for(request.user) if (
        request.user.is_supervisor or request.user.is_admin) else ProspectClaim.objects.none()
    # The download holds both lists of the page, and all of my claims, not just the last 20.
    everything = (ProspectClaim.objects.filter(Q(pk__in=pending.values("pk")) | Q(claimant=request.user))
                  .select_related("account", "claimant", "decided_by").order_by("-created_at", "-pk"))
    if export := list_export(request, everything, exports.CLAIMS, filename="prospect-claims"):
        return export
    mine = ProspectClaim.objects.filter(claimant=request.user).select_related("account", "decided_by")[:20]
    return render(request, "accounts/claim_queue.html", {
        "pending": pending, "mine": mine, "form": ClaimDecisionForm(),
    })


@require_POST
def claim_decide(request, pk):
    claim = get_object_or_404(ProspectClaim.objects.select_related("account", "claimant__team"), pk=pk)
    if not services.can_decide_claim(request.user, claim):
        raise Http404
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("accounts:claims")
    try:
        services.prospect_claim_decide(claim=claim, by=request.user, approve=form.cleaned_data["decision"] == "approve",
                                       note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Claim on %(account)s: %(status)s.") % {
            "account": claim.account, "status": claim.get_status_display()})
    return redirect(reverse("accounts:claims"))


@require_POST
def claim_withdraw(request, pk):
    claim = get_object_or_404(ProspectClaim.objects.select_related("account"), pk=pk, claimant=request.user)
    services.prospect_claim_withdraw(claim=claim, by=request.user)
    messages.success(request, _("Claim withdrawn."))
    return redirect(claim.account)


