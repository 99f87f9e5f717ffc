from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView
from django_filters.views import FilterView

from accounts import exports, permissions, services
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
from core.forms import add_service_error
from core.views import confirm_page, refuse, run_service


def _visible(request, pk):
    return get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user)
                             .select_related("owner", "parent"), pk=pk)


def _editable(request, pk):
    """404 for an account out of scope (its existence is not disclosed); 403 for one the user
    sees but may not change."""
    account = _visible(request, pk)
    if not permissions.can_edit_account(request.user, account):
        raise PermissionDenied
    return account


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


competitor_add, competitor_edit, competitor_delete = child_views(Competitor, CompetitorForm)
order_add, order_edit, order_delete = child_views(Order, OrderForm)
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


