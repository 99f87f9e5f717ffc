from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Account
from core.exports import export_format, list_export
from core.params import filter_list, reads_query
from core.views import confirm_page, refuse, run_service, submit_form
from tiering import exports, permissions, services
from tiering.cadence import cadence_for
from tiering.engine import preview
from tiering.evidence import explain
from tiering.filters import CadenceFilter
from tiering.forms import (
    OverrideForm,
    ProposalDecideForm,
    RequirementFormSet,
    ReviewOpenForm,
    RuleFormSet,
    TierForm,
    requirement_values,
)
from tiering.models import RuleSet, Tier, TierProposal, TierReview
from users.models import Team


def rules(request):
    """The tiers, their cadence, and the rules that place accounts (K-31), with a live preview."""
    active = services.active_rule_set()
    formset = RuleFormSet(request.POST or None, queryset=active.rules.select_related("tier"), prefix="rules")
    result = None
    if request.method == "POST" and formset.is_valid():
        if "save" in request.POST:
            if not permissions.can_define_tiers(request.user):
                raise PermissionDenied
            return run_service(request, services.rule_set_save, rules=formset.rules(), by=request.user,
                               note=request.POST.get("note", ""),
                               success=lambda new: _("Rules saved as version %(v)s. The next evaluation proposes "
                                                     "changes for review; no tier changes by itself.")
                               % {"v": new.version}, redirect_to="tiering:rules")
        # Scoped, not admin-only: a supervisor decides the team's tier proposals (K-32) and a
        # manager lives with the cadence a tier sets, so both want to see what a rule change
        # would do to their accounts before they ask an admin for it. Each sees only the
        # accounts they may see (counts, tiers and names): never another team's.
        scope = None if request.user.is_admin else Account.objects.visible_to(request.user)
        result = preview(formset.rules(), services.default_tier().pk, accounts=scope,
                         current_rules=list(active.rules.all()))
    tiers = list(Tier.objects.prefetch_related("requirements"))
    context = {
        "tiers": tiers, "tier_names": {t.pk: t.code for t in tiers},
        "formset": formset, "active": active, "preview": result,
        "versions": RuleSet.objects.select_related("created_by")[:10],
        "can_define": permissions.can_define_tiers(request.user),
    }
    # htmx swaps in just the #preview section, so it gets only that; without JavaScript the page reloads.
    return render(request, "tiering/_preview.html" if request.htmx else "tiering/rules.html", context)


def _reviews_for(user):
    reviews = TierReview.objects.select_related("team")
    return reviews if user.is_admin else reviews.filter(team__supervisor=user)


def review(request):
    """Quarterly review (K-32): the proposals with their evidence, to approve or reject."""
    return _review_page(request, request.GET.get("review"))


def _review_page(request, chosen_pk, bound=None):
    """The review page; `bound` is (proposal id, its decide form with errors) after a refused decision."""
    reviews = list(_reviews_for(request.user)[:8])
    chosen = next((r for r in reviews if str(r.pk) == str(chosen_pk)), reviews[0] if reviews else None)
    proposals = (TierProposal.objects.filter(review=chosen)
                 .select_related("account__owner", "account__tier_state", "from_tier", "to_tier", "decided_by")
                 .order_by("status", "account__name")) if chosen else TierProposal.objects.none()
    tiers = {t.pk: t for t in Tier.objects.all()}
    name = f"tier-review-{chosen.year}-Q{chosen.quarter}-team-{chosen.team_id}" if chosen else "tier-review"
    if export := list_export(request, proposals, exports.proposals(tiers), filename=name):
        return export
    proposals = list(proposals)
    for proposal in proposals:
        proposal.why = explain(proposal.evidence, tiers=tiers, to_tier=proposal.to_tier,
                               rule_position=proposal.rule_position)
        proposal.form = bound[1] if bound and bound[0] == proposal.pk else ProposalDecideForm(
            auto_id=f"p{proposal.pk}-%s")
    teams = Team.objects.visible_to(request.user)
    return render(request, "tiering/review.html", {
        "reviews": reviews, "chosen": chosen, "proposals": proposals,
        "open_form": (ReviewOpenForm(teams=teams, user=request.user)
                      if permissions.can_open_review(request.user) else None),
    })


@require_POST
def review_open(request):
    if not permissions.can_open_review(request.user):
        raise PermissionDenied
    form = ReviewOpenForm(request.POST, teams=Team.objects.all(), user=request.user)
    if not form.is_valid():
        raise Http404
    return run_service(
        request, services.tier_reviews_open_now, by=request.user, team=form.cleaned_data["team"],
        success=lambda result: ngettext("Accounts evaluated (%(n)s new or changed proposal); review opened.",
                                        "Accounts evaluated (%(n)s new or changed proposals); review opened.",
                                        result[0]) % {"n": result[0]},
        redirect_to=lambda result: f"{reverse('tiering:review')}?review={result[1][0].pk}" if result[1]
        else "tiering:review",
        on_error="tiering:review")


@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(TierProposal.objects.filter(account__in=Account.objects.visible_to(request.user))
                                 .select_related("account__owner__team", "review"), pk=pk)
    if not permissions.can_decide_proposal(request.user, proposal):
        raise PermissionDenied
    target = f"?review={proposal.review_id}" if proposal.review_id else ""
    form = ProposalDecideForm(request.POST, auto_id=f"p{proposal.pk}-%s")
    if saved := submit_form(
            request, form, lambda data: services.tier_proposal_decide(
                proposal=proposal, by=request.user, approve=data["decision"] == "approve", note=data["note"]),
            success=lambda decided: _("%(account)s: %(status)s.")
            % {"account": decided.account, "status": decided.get_status_display()},
            redirect_to=f"{reverse('tiering:review')}{target}"):
        return saved
    # Refused (a rejection without its reason, a proposal decided meanwhile): the review again,
    # the error next to this proposal's field, what was typed kept. A proposal no review holds yet
    # is on no review page: the refusal goes back to its account as a message.
    if proposal.review_id is None:
        return refuse(request, form, proposal.account)
    return _review_page(request, proposal.review_id, bound=(proposal.pk, form))


@require_POST
def override(request, account_pk):
    account = get_object_or_404(Account.objects.visible_to(request.user).select_related("owner__team"),
                                pk=account_pk)
    if not permissions.can_set_tier(request.user, account):
        raise PermissionDenied
    if "clear" in request.POST:
        return run_service(request, services.account_tier_override_clear, account=account, by=request.user,
                           success=_("Override removed: the rules and reviews decide this tier again."),
                           redirect_to=account)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return refuse(request, ValidationError(_("Choose a tier and say why.")), account)
    return run_service(request, services.account_tier_override, account=account, by=request.user,
                       **form.cleaned_data,
                       success=_("Tier set by hand to %(tier)s.") % {"tier": form.cleaned_data["tier"]},
                       redirect_to=account)


@reads_query(CadenceFilter)
def cadence_board(request):
    """My accounts by tier with their next touch due; filter by tier and overdue (K-30)."""
    accounts = (Account.objects.visible_to(request.user).customers()
                .select_related("owner", "tier_state__tier").order_by("name", "pk"))
    filters = filter_list(request, CadenceFilter, accounts)
    accounts, chosen = filters.qs, filters.form.cleaned_data
    if export := _cadence_export(request, accounts):
        return export
    page = Paginator(accounts, 25).get_page(request.GET.get("page"))
    needs = cadence_for([a.pk for a in page.object_list])
    rows = [(a, needs.get(a.pk, [])) for a in page.object_list]
    return render(request, "tiering/cadence.html", {
        "page_obj": page, "rows": rows, "tiers": Tier.objects.all(), "tier": chosen.get("tier", ""),
        "overdue_only": chosen.get("overdue", False), "mine": chosen.get("mine", False),
    })


def _cadence_export(request, accounts):
    if not export_format(request):
        return None
    rows = list(accounts)  # the dues of all of them come in one query
    return list_export(request, rows, exports.cadence(cadence_for([a.pk for a in rows])), filename="cadence")




def _admin_only(request):
    # Every tier is shown to everyone on the rules page: changing one is refused, not hidden.
    if not permissions.can_define_tiers(request.user):
        raise PermissionDenied


def tier_edit(request, pk=None):
    """Admins define the tiers and their cadence (K-31): names, number and order are data."""
    _admin_only(request)
    tier = get_object_or_404(Tier, pk=pk) if pk else Tier()
    form = TierForm(request.POST or None, instance=tier)
    requirements = RequirementFormSet(request.POST or None, instance=tier, prefix="needs")
    if requirements.is_valid() and (saved := submit_form(
            request, form, lambda data: services.tier_save(tier=tier, by=request.user, **data,
                                                           requirements=requirement_values(requirements)),
            success=lambda saved: _("Tier %(tier)s saved.") % {"tier": saved}, redirect_to="tiering:rules")):
        return saved
    return render(request, "tiering/tier_form.html", {
        "form": form, "requirements": requirements, "tier": tier if pk else None,
        "title": _("Edit tier %(tier)s") % {"tier": tier} if pk else _("New tier"),
    })


def tier_delete(request, pk):
    _admin_only(request)
    tier = get_object_or_404(Tier, pk=pk)
    if request.method == "POST":
        return run_service(request, services.tier_delete, tier=tier, by=request.user, success=_("Tier deleted."),
                           redirect_to="tiering:rules")
    return confirm_page(request, title=_("Delete tier %(tier)s?") % {"tier": tier},
                        message=_("Only a tier that holds no account and is not the default can go."),
                        label=_("Delete"), cancel_url=reverse("tiering:rules"))
