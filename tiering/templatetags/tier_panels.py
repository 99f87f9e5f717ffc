"""The tier panel of the account page (accounts may not import tiering)."""

from django import template
from django.db.models import F

from core.batch import fetch_together
from tiering.cadence import cadence_for
from tiering.forms import OverrideForm
from tiering.models import AccountTier, TierChange, TierProposal
from tiering.permissions import can_set_tier

register = template.Library()


@register.inclusion_tag("tiering/_account_panel.html", takes_context=True)
def account_tier(context, account):
    user = context["request"].user
    # The panel's lists in one statement (core.batch, issue 19); the cadence is its own SQL.
    # K-32: a rejected proposal is part of the history too, with the reason the supervisor gave;
    # the pending one (at most one) comes in the same list.
    rows = fetch_together(
        state=AccountTier.objects.filter(account=account).select_related("tier", "set_by")[:1],
        changes=TierChange.objects.filter(account=account).select_related("from_tier", "to_tier", "by")[:5],
        proposals=TierProposal.objects.filter(account=account, status__in=[TierProposal.Status.REJECTED,
                                                                             TierProposal.Status.PENDING])
        .select_related("from_tier", "to_tier", "decided_by")
        .order_by(F("decided_at").desc(nulls_first=True))[:6],
    )
    state = rows["state"][0] if rows["state"] else None
    pending = [p for p in rows["proposals"] if p.status == TierProposal.Status.PENDING]
    rejections = [p for p in rows["proposals"] if p.status == TierProposal.Status.REJECTED][:5]
    history = sorted([("change", c.at, c) for c in rows["changes"]]
                     + [("rejected", r.decided_at, r) for r in rejections], key=lambda row: row[1], reverse=True)[:5]
    return {
        "account": account,
        "state": state,
        "needs": cadence_for([account.pk]).get(account.pk, []),
        "history": history,
        "proposal": pending[0] if pending else None,
        "can_set": can_set_tier(user, account),
        "override_form": OverrideForm(initial={"tier": state.tier_id if state else None}),
        "csrf_token": context.get("csrf_token"),
    }
