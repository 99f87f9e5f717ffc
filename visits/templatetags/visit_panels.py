"""The visits panel of the account page (accounts may not import visits; the
template composes them, as contacts' buying-centre panel does)."""

from django import template

from core.batch import fetch_together
from visits.models import AfterSalesStep, CustomerIssue, Visit

register = template.Library()


@register.inclusion_tag("visits/_account_panel.html")
def account_visits(account, can_edit):
    # The panel's three lists in one statement (core.batch, issue 19).
    return {
        "account": account,
        "can_edit": can_edit,
        **fetch_together(
            visits=Visit.objects.filter(account=account).select_related("author").order_by("-occurred_at")[:5],
            open_issues=CustomerIssue.objects.filter(account=account).open().order_by("due_at")[:5],
            after_sales=AfterSalesStep.objects.filter(account=account, done_at__isnull=True)
            .select_related("order").order_by("due_at")[:5],
        ),
    }
