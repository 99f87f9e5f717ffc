"""The opportunities panel of the account page (accounts may not import this app; its template composes it)."""

from django import template

register = template.Library()


@register.inclusion_tag("opportunities/_account_panel.html")
def account_opportunities(account, can_edit):
    """The account's opportunities, by stage then expected close: one query."""
    return {"account": account, "can_add": can_edit and not account.is_archived,
            "opportunities": list(account.opportunities.select_related("stage", "owner")
                                  .order_by("stage__position", "expected_close", "pk")[:20])}
