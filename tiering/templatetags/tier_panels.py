"""The tier panel of the account page (accounts may not import tiering)."""

from django import template

from tiering.cadence import cadence_for
from tiering.forms import OverrideForm
from tiering.models import AccountTier, TierChange, TierProposal
from tiering.permissions import can_set_tier

register = template.Library()


@register.inclusion_tag("tiering/_account_panel.html", takes_context=True)
def account_tier(context, account):
    user = context["request"].user
    state = AccountTier.objects.filter(account=account).select_related("tier", "set_by").first()
    changes = list(TierChange.objects.filter(account=account).select_related("from_tier", "to_tier", "by")[:5])
    # K-32: a rejected proposal is part of the history too, with the reason the supervisor gave.
    rejections = list(TierProposal.objects.filter(account=account, status=TierProposal.Status.REJECTED)
                      .select_related("from_tier", "to_tier", "decided_by").order_by("-decided_at")[:5])
    history = sorted([("change", c.at, c) for c in changes] + [("rejected", r.decided_at, r) for r in rejections],
                     key=lambda row: row[1], reverse=True)[:5]
    return {
        "account": account,
        "state": state,
        "needs": cadence_for([account.pk]).get(account.pk, []),
        "history": history,
        "proposal": TierProposal.objects.filter(account=account, status=TierProposal.Status.PENDING)
        .select_related("to_tier").first(),
        "can_set": can_set_tier(user, account),
        "override_form": OverrideForm(initial={"tier": state.tier_id if state else None}),
        "csrf_token": context.get("csrf_token"),
    }
