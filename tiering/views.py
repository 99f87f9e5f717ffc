from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Account
from core.exports import export_format, list_export
from core.forms import add_service_error
from core.params import filter_list, reads_query
from tiering import exports, services
from tiering.cadence import cadence_for
from tiering.engine import preview
from tiering.filters import CadenceFilter
from tiering.forms import OverrideForm, RequirementFormSet, ReviewOpenForm, RuleFormSet, TierForm
from tiering.models import RuleSet, Tier, TierProposal, TierReview
from users.models import Team


def rules(request):
    """The tiers, their cadence, and the rules that place accounts (K-31), with a live preview."""
    active = services.active_rule_set()
    formset = RuleFormSet(request.POST or None, queryset=active.rules.select_related("tier"), prefix="rules")
    result = None
    if request.method == "POST" and formset.is_valid():
        if "save" in request.POST:
            if not request.user.is_admin:
                raise PermissionDenied
            new = services.rule_set_save(rules=formset.rules(), by=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Rules saved as version %(v)s. The next evaluation proposes changes "
                                        "for review; no tier changes by itself.") % {"v": new.version})
            return redirect("tiering:rules")
        # Scoped, not admin-only: a supervisor decides the team's tier proposals (K-32) and a
        # manager lives with the cadence a tier sets, so both want to see what a rule change
        # would do to their accounts before they ask an admin for it. Each sees only the
        # accounts they may see (counts, tiers and names): never another team's.
        scope = None if request.user.is_admin else Account.objects.visible_to(request.user)
        result = preview(formset.rules(), services.default_tier().pk, accounts=scope)
    tiers = list(Tier.objects.prefetch_related("requirements"))
    context = {
        "tiers": tiers, "tier_names": {t.pk: t.code for t in tiers},
        "formset": formset, "active": active, "preview": result,
        "versions": RuleSet.objects.select_related("created_by")[:10],
    }
    # htmx swaps in just the #preview section, so it gets only that; without JavaScript the page reloads.
    return render(request, "tiering/_preview.html" if request.htmx else "tiering/rules.html", context)


def _reviews_for(user):
    reviews = TierReview.objects.select_related("team")
    return reviews if user.is_admin else reviews.filter(team__supervisor=user)


def review(request):
    """Quarterly review (K-32): the proposals with their evidence, to approve or reject."""
    reviews = list(_reviews_for(request.user)[:8])
    chosen = next((r for r in reviews if str(r.pk) == request.GET.get("review")), reviews[0] if reviews else None)
    proposals = (TierProposal.objects.filter(review=chosen)
                 .select_related("account__owner", "from_tier", "to_tier", "decided_by")
                 .order_by("status", "account__name")) if chosen else TierProposal.objects.none()
    name = f"tier-review-{chosen.year}-Q{chosen.quarter}-team-{chosen.team_id}" if chosen else "tier-review"
    if export := list_export(request, proposals, exports.PROPOSALS, filename=name):
        return export
    teams = Team.objects.visible_to(request.user)
    return render(request, "tiering/review.html", {
        "reviews": reviews, "chosen": chosen, "proposals": proposals,
        "open_form": ReviewOpenForm(teams=teams) if request.user.is_admin else None,
    })


@require_POST
def review_open(request):
    if not request.user.is_admin:
        raise PermissionDenied
    form = ReviewOpenForm(request.POST, teams=Team.objects.all())
    if not form.is_valid():
        raise Http404
    made = services.tier_evaluate()
    today = timezone.localdate()
    teams = [form.cleaned_data["team"]] if form.cleaned_data["team"] else list(Team.objects.all())
    opened = [services.tier_review_open(team=team, year=today.year, quarter=(today.month - 1) // 3 + 1,
                                        by=request.user) for team in teams]
    messages.success(request, ngettext("Accounts evaluated (%(n)s new or changed proposal); review opened.",
                                       "Accounts evaluated (%(n)s new or changed proposals); review opened.",
                                       made) % {"n": made})
    return redirect(f"{reverse('tiering:review')}?review={opened[0].pk}" if opened else "tiering:review")


@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(TierProposal.objects.select_related("account__owner__team", "review"), pk=pk)
    if not services.can_decide(request.user, proposal):
        raise Http404
    try:
        services.tier_proposal_decide(proposal=proposal, by=request.user,
                                      approve=request.POST.get("decision") == "approve",
                                      note=request.POST.get("note", "").strip())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(account)s: %(status)s.") % {
            "account": proposal.account, "status": proposal.get_status_display()})
    target = f"?review={proposal.review_id}" if proposal.review_id else ""
    return redirect(f"{reverse('tiering:review')}{target}")


@require_POST
def override(request, account_pk):
    account = get_object_or_404(Account.objects.visible_to(request.user).select_related("owner__team"),
                                pk=account_pk)
    if not services.can_set_tier(request.user, account):
        raise Http404
    if "clear" in request.POST:
        services.account_tier_override_clear(account=account, by=request.user)
        messages.success(request, _("Override removed: the rules and reviews decide this tier again."))
        return redirect(account)
    form = OverrideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a tier and say why."))
        services.account_tier_override(account=account, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tier set by hand to %(tier)s.") % {"tier": form.cleaned_data["tier"]})
    return redirect(account)


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
    if not request.user.is_admin:
        raise Http404


def tier_edit(request, pk=None):
    """Admins define the tiers and their cadence (K-31): names, number and order are data."""
    _admin_only(request)
    tier = get_object_or_404(Tier, pk=pk) if pk else Tier()
    form = TierForm(request.POST or None, instance=tier)
    requirements = RequirementFormSet(request.POST or None, instance=tier, prefix="needs")
    if request.method == "POST" and form.is_valid() and requirements.is_valid():
        try:
            saved = services.tier_save(form=form, requirements=requirements, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Tier %(tier)s saved.") % {"tier": saved})
            return redirect("tiering:rules")
    return render(request, "tiering/tier_form.html", {
        "form": form, "requirements": requirements, "tier": tier if pk else None,
        "title": _("Edit tier %(tier)s") % {"tier": tier} if pk else _("New tier"),
    })


def tier_delete(request, pk):
    _admin_only(request)
    tier = get_object_or_404(Tier, pk=pk)
    if request.method == "POST":
        try:
            services.tier_delete(tier=tier, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tier deleted."))
        return redirect("tiering:rules")
    return render(request, "partials/confirm.html", {
        "title": _("Delete tier %(tier)s?") % {"tier": tier},
        "message": _("Only a tier that holds no account and is not the default can go."),
        "confirm_label": _("Delete"), "cancel_url": reverse("tiering:rules"),
    })
