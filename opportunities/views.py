from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from accounts.filters import owner_choices
from accounts.models import Account
from core.exports import ExportMixin, csv_response, export_format, xlsx_response
from core.forms import add_service_error
from core.idempotency import AlreadySaved
from core.links import reverser
from core.pagination import CappedPaginationMixin
from core.params import LenientFilterMixin, PageForm, QueryForm, note_ignored, reads_query
from core.views import already_saved, form_page, refuse, run_service, submit_form
from core.widgets import SearchSelect
from opportunities import exports, history, permissions, selectors, services
from opportunities.filters import OpportunityFilter
from opportunities.forms import MoveForm, OpportunityForm, OrderFromOpportunityForm, RoleForm, StageForm
from opportunities.models import Opportunity, OpportunityRole, Stage
from users.forms import find_team_by_name
from users.models import Team

CLOSED_SHOWN_DAYS = 90  # the board's won and lost columns: what closed in the last quarter


def _visible(request, pk):
    return get_object_or_404(Opportunity.objects.visible_to(request.user).select_related(
        "account", "stage", "owner", "lost_reason", "objection_type", "order"), pk=pk)


def _editable(request, pk):
    """404 out of scope; 403 for one the user sees but may not change."""
    opportunity = _visible(request, pk)
    if not permissions.can_edit_opportunity(request.user, opportunity):
        raise PermissionDenied
    return opportunity


class ScopeForm(QueryForm):
    """`?owner=` and `?team=` of the board, the forecast and the win rates: among the people and
    teams the user may see; another team's id is as bad as `abc`."""

    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=None, required=False,
                                   empty_label=gettext_lazy("Everyone I can see"))
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=None, required=False,
                                  empty_label=gettext_lazy("Any team"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_admin:  # everyone in the company: found by name, not listed (issue 19)
            self.fields["owner"].widget = SearchSelect(reverse_lazy("accounts:people-options"))
        self.fields["owner"].queryset = owner_choices(_Request(user))  # after the widget: it gets the choices
        self.fields["team"].queryset = (Team.objects.all() if user.is_admin
                                        else Team.objects.filter(pk__in=_teams_of(user))).order_by("name")
        find_team_by_name(self.fields["team"], user)


class _Request:  # owner_choices reads request.user only
    def __init__(self, user):
        self.user = user


def _teams_of(user):
    ids = set(Team.objects.filter(supervisor=user).values_list("pk", flat=True))
    return ids | ({user.team_id} if user.team_id else set())


def _scope_query(values):
    return urlencode({name: values[name].pk for name in ("owner", "team") if values[name] is not None})


def _scope(request):
    form = ScopeForm(request.GET, user=request.user)
    note_ignored(request, form)
    values = form.values()
    return form, values, selectors.scoped(request.user, owner=values["owner"], team=values["team"])


# --- Lists and boards ---------------------------------------------------------------------------

class OpportunityListView(LenientFilterMixin, ExportMixin, CappedPaginationMixin, FilterView):
    filterset_class = OpportunityFilter
    template_name = "opportunities/list.html"
    context_object_name = "opportunities"
    paginate_by = 25
    export_columns, export_filename = exports.OPPORTUNITIES, "opportunities"

    def get_queryset(self):
        return (Opportunity.objects.visible_to(self.request.user).with_list_columns()
                .select_related("lost_reason", "objection_type").order_by("expected_close", "pk"))


@reads_query(ScopeForm)
def board(request):
    """The pipeline per manager and team: a column per stage, a card per opportunity."""
    form, values, opportunities = _scope(request)
    since = timezone.localdate() - timedelta(days=CLOSED_SHOWN_DAYS)
    columns = selectors.board(opportunities, closed_since=since)
    scope = _scope_query(values)
    # Each card's two links, reversed once per board (core.links): the board's scope rides along on
    # the move, so the board comes back as it was.
    detail, move = reverser("opportunities:detail"), reverser("opportunities:move")
    for card in (card for column in columns for card in column.cards):
        card.url, card.move_url = detail(card.pk), move(card.pk) + (f"?{scope}" if scope else "")
    context = {"form": form, "columns": columns, "stages": [c.stage for c in columns if c.stage.active],
               "closed_days": CLOSED_SHOWN_DAYS, "scope_query": scope}
    if request.htmx:
        return render(request, "opportunities/_board.html", context)
    return render(request, "opportunities/board.html", context)


@reads_query(ScopeForm)
def forecast(request):
    """Open opportunities by month of expected close, weighted by their stage's probability."""
    form, values, opportunities = _scope(request)
    undated, months = selectors.forecast(opportunities, today=timezone.localdate(),
                                         every=selectors.covers_everything(request.user, **values))
    if wanted := export_format(request):
        header = [_("Month"), _("Opportunities"), _("Amount"), _("Weighted by probability")]
        rows = [(_("Earlier or no date"), undated.count, undated.amount, undated.weighted)] + [
            (m.month.strftime("%Y-%m"), m.count, m.amount, m.weighted) for m in months]
        respond = csv_response if wanted == "csv" else xlsx_response
        return respond(f"forecast-{timezone.localdate():%Y-%m-%d}", header, rows)
    total = sum((m.weighted for m in months), undated.weighted)
    peak = max([m.weighted for m in months] + [0]) or 1
    return render(request, "opportunities/forecast.html", {
        "form": form, "undated": undated, "months": months, "total_weighted": total,
        "bars": [(m, round(float(m.weighted) * 100 / float(peak), 1)) for m in months]})


class WinRateForm(QueryForm):
    start = forms.DateField(label=gettext_lazy("Closed from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@reads_query(ScopeForm, WinRateForm)
def win_rate(request):
    """Won ÷ closed, by tier and by manager, over a period (default: the last 12 months)."""
    form, values, opportunities = _scope(request)
    period_form = WinRateForm(request.GET)
    note_ignored(request, period_form)
    period = period_form.values()
    end = period["end"] or timezone.localdate()
    start = period["start"] or end - timedelta(days=365)
    if start > end:
        messages.warning(request, _("The period ends before it starts: showing the 12 months to its end."))
        start = end - timedelta(days=365)
    by_tier, by_owner = selectors.win_rates(opportunities, start=start, end=end,
                                            every=selectors.covers_everything(request.user, **values))
    if wanted := export_format(request):
        header = [_("By"), _("Name"), _("Won"), _("Lost"), _("Win rate (%)")]
        rows = ([(_("Tier"), r.label or _("Not tiered"), r.won, r.lost, r.percent) for r in by_tier]
                + [(_("Manager"), r.label, r.won, r.lost, r.percent) for r in by_owner])
        respond = csv_response if wanted == "csv" else xlsx_response
        return respond(f"win-rate-{end:%Y-%m-%d}", header, rows)
    return render(request, "opportunities/win_rate.html", {
        "form": form, "period_form": period_form, "start": start, "end": end,
        "by_tier": by_tier, "by_owner": by_owner})


# --- One opportunity ----------------------------------------------------------------------------

def detail(request, pk):
    opportunity = _visible(request, pk)
    can_edit = permissions.can_edit_opportunity(request.user, opportunity)
    return render(request, "opportunities/detail.html", {
        "opportunity": opportunity, "account": opportunity.account, "can_edit": can_edit,
        "roles": opportunity.roles.select_related("buyer_role__contact"),
        "products": opportunity.products.all(), "competitors": opportunity.competitors.all(),
        "steps": history.steps(opportunity),
        "move_form": MoveForm(initial={"stage": opportunity.stage_id}) if can_edit else None,
        "role_form": RoleForm(opportunity=opportunity) if can_edit else None,
        "offer_order": can_edit and opportunity.stage.kind == Stage.Kind.WON and opportunity.order_id is None,
    })


def create(request, account_pk):
    account = get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user),
                                pk=account_pk)
    if not permissions.can_add_opportunity(request.user, account):
        raise PermissionDenied
    first = Stage.objects.in_use().exclude(kind__in=Stage.CLOSED).first()
    form = OpportunityForm(request.POST or None, user=request.user, account=account,
                           initial={"stage": first, "currency": account.currency})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.opportunity_create(key=form.cleaned_data.get("create_key"), account=account,
                                               by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        except AlreadySaved as done:
            return already_saved(request, done, fallback=account)
        else:
            messages.success(request, _("Opportunity “%(name)s” opened.") % {"name": made})
            return redirect(made)
    return form_page(request, form, title=_("New opportunity at %(account)s") % {"account": account},
                     cancel_url=account.get_absolute_url(), account=account)


def edit(request, pk):
    opportunity = _editable(request, pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user,
                           account=opportunity.account)
    if saved := submit_form(request, form, lambda data: services.opportunity_update(
            opportunity=opportunity, by=request.user, **form.service_fields()),
            success=_("Opportunity saved."), redirect_to=opportunity):
        return saved
    return form_page(request, form, title=_("Edit %(name)s") % {"name": opportunity},
                     cancel_url=opportunity.get_absolute_url(), account=opportunity.account)


class MoveQuery(QueryForm):
    """`?stage=` (the stage asked for on the board) and `?board=1` of the move page."""

    stage = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    board = forms.BooleanField(required=False)


@reads_query(MoveQuery, ScopeForm)
def move(request, pk):
    """A card moved: a plain form post from the board or the detail page (htmx swaps the board in
    place). A move to a lost stage without its reason shows this page, the form asking for it."""
    opportunity = _editable(request, pk)
    asked = MoveQuery(request.GET).values()
    form = MoveForm(request.POST or None, initial={"stage": asked["stage"] or opportunity.stage_id})
    from_board = request.POST.get("board") or asked["board"]
    scope = _scope_query(ScopeForm(request.GET, user=request.user).values()) if from_board else ""
    back = (reverse("opportunities:board") + (f"?{scope}" if scope else "")) if from_board \
        else opportunity.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_move(opportunity=opportunity, by=request.user, **{
                k: v for k, v in form.cleaned_data.items() if k != "board"})
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if request.htmx and from_board:
                return board(request)
            messages.success(request, _("“%(name)s” moved to %(stage)s.") % {"name": opportunity,
                                                                              "stage": opportunity.stage})
            return redirect(back)
    if request.htmx and from_board:  # the reason is asked on a page of its own
        response = render(request, "opportunities/_board.html", {})
        response["HX-Redirect"] = _move_page(opportunity, request)
        return response
    return form_page(request, form, title=_("Move %(name)s") % {"name": opportunity}, cancel_url=back,
                     account=opportunity.account)


def _move_page(opportunity, request):
    stage = request.POST.get("stage", "")
    return f"{reverse('opportunities:move', args=[opportunity.pk])}?board=1&stage={stage}"


def order(request, pk):
    """K-08: the order a won opportunity becomes; its after-sales steps (K-26) follow."""
    opportunity = _editable(request, pk)
    if opportunity.stage.kind != Stage.Kind.WON or opportunity.order_id:
        return refuse(request, ValidationError(_("Only a won opportunity without an order becomes one.")),
                      opportunity)
    form = OrderFromOpportunityForm(request.POST or None, initial=services.order_initial(opportunity))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "create_key"}
        if not data.get("currency"):
            data["currency"] = opportunity.currency
        try:
            services.opportunity_order_create(key=form.cleaned_data.get("create_key"),
                                              opportunity=opportunity, by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        except AlreadySaved as done:
            return already_saved(request, done, fallback=opportunity, to=opportunity.account)
        else:
            messages.success(request, _("Order recorded; the after-sales steps follow."))
            return redirect(opportunity.account)
    return form_page(request, form, title=_("Order from %(name)s") % {"name": opportunity},
                     cancel_url=opportunity.get_absolute_url(), account=opportunity.account)


@require_POST
def role_save(request, pk):
    opportunity = _editable(request, pk)
    form = RoleForm(request.POST, opportunity=opportunity)
    if not form.is_valid():
        return refuse(request, form, opportunity)
    return run_service(request, services.opportunity_role_save, opportunity=opportunity, by=request.user,
                       success=_("Saved."), redirect_to=opportunity, **form.cleaned_data)


@require_POST
def role_remove(request, pk, role_pk):
    opportunity = _editable(request, pk)
    role = get_object_or_404(OpportunityRole, pk=role_pk, opportunity=opportunity)
    return run_service(request, services.opportunity_role_remove, role=role, by=request.user,
                       success=_("Removed."), redirect_to=opportunity)


# --- The pipeline's stages (admins) -------------------------------------------------------------

def _require_stages(request):
    """Only admins keep the pipeline; for anyone else its settings do not exist (as the churn lists)."""
    if not permissions.can_configure_stages(request.user):
        raise Http404


@reads_query(PageForm)
def stage_list(request):
    _require_stages(request)
    page = Paginator(Stage.objects.annotate(used=Count("opportunities")).order_by("position", "pk"),
                     50).get_page(PageForm(request.GET).values()["page"])
    return render(request, "opportunities/stages.html", {"page_obj": page, "stages": page.object_list})


def stage_edit(request, pk=None):
    _require_stages(request)
    instance = get_object_or_404(Stage, pk=pk) if pk else Stage()
    form = StageForm(request.POST or None, instance=instance)
    back = reverse("opportunities:stages")
    if saved := submit_form(request, form, lambda data: services.stage_save(stage=form.instance, by=request.user),
                            success=_("Saved."), redirect_to=back):
        return saved
    return form_page(request, form, title=str(instance) if pk else _("New stage"), cancel_url=back)
