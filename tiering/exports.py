"""Columns of the tiering lists' CSV/XLSX downloads (core.exports)."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column


def _tier(account):
    state = getattr(account, "tier_state", None)  # select_related; absent for an untiered account
    return state.tier.code if state else ""


def cadence(needs):
    """`needs`: cadence_for() of the exported accounts, fetched in one query."""
    def next_due(account):
        return min((need.due_on for need in needs.get(account.pk, [])), default=None)

    def overdue(account):
        return any(need.overdue for need in needs.get(account.pk, []))

    def last_touch(account):
        return max((need.counted_touch for need in needs.get(account.pk, []) if need.counted_touch), default=None)

    return [
        Column(_("Account"), "name"),
        Column(_("Tier"), _tier),
        Column(_("Responsible manager"), "owner"),
        Column(_("Next touch due"), next_due),
        Column(_("Overdue"), overdue),
        Column(_("Last touch"), last_touch),
    ]


def proposals(tiers):
    """`tiers`: {id: Tier}, fetched once, to say which rule placed each account (K-32)."""
    from tiering.evidence import explain, explanation_text

    def why(proposal):
        return explanation_text(explain(proposal.evidence, tiers=tiers, to_tier=proposal.to_tier,
                                        rule_position=proposal.rule_position))

    return [
        Column(_("Account"), "account"),
        Column(_("Responsible manager"), "account.owner"),
        Column(_("From tier"), "from_tier.code"),
        Column(_("To tier"), "to_tier.code"),
        Column(_("Status"), "get_status_display"),
        Column(_("Against a tier set by hand"), "against_override"),
        Column(_("Why"), why),
        Column(_("Orders, last 12 months"), lambda p: p.evidence.get("order_12m")),
        Column(_("The 12 months before"), lambda p: p.evidence.get("order_prev_12m")),
        Column(_("Growth (%)"), lambda p: p.evidence.get("growth")),
        Column(_("Revenue rank (top %)"), lambda p: p.evidence.get("revenue_pct")),
        Column(_("Potential"), lambda p: p.evidence.get("potential")),
        Column(_("Opportunity in a tender stage"),
               lambda p: bool(p.evidence.get("in_tender", p.evidence.get("open_tender")))),
        Column(_("Decided by"), "decided_by"),
        Column(_("Decided"), "decided_at"),
        Column(_("Note"), "note"),
    ]
