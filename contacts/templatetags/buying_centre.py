"""The buying-centre panel of the account page.

A template tag rather than view code: the account page belongs to `accounts`,
which must not import `contacts` (dependencies run one way); the template
composes the two.
"""

from django import template

from contacts.dangers import account_dangers
from contacts.models import BuyerRole, Contact, PersonnelChange, SelfQuestionReview
from core.batch import fetch_together

register = template.Library()


@register.inclusion_tag("contacts/_buying_centre.html", takes_context=True)
def buying_centre(context, account, can_edit):
    # One statement for the panel's four lists (core.batch, issue 19).
    rows = fetch_together(
        roles=BuyerRole.objects.filter(account=account).select_related("contact").order_by("role"),
        contacts=Contact.objects.filter(account=account, archived_at__isnull=True).order_by("status", "name")[:50],
        open_changes=PersonnelChange.objects.filter(account=account, handled_at__isnull=True)
        .select_related("contact")[:10],
        last_review=SelfQuestionReview.objects.filter(account=account).select_related("reviewed_by")
        .order_by("-reviewed_on", "-pk")[:1],
    )
    roles = rows["roles"]
    roles_by_contact = {}
    for role in roles:
        roles_by_contact.setdefault(role.contact_id, []).append(role)
    return {
        "account": account,
        "can_edit": can_edit,
        "contacts": [(c, roles_by_contact.get(c.pk, [])) for c in rows["contacts"]],
        "dangers": account_dangers(roles),
        "open_changes": rows["open_changes"],
        "last_review": rows["last_review"][0] if rows["last_review"] else None,
        "request": context.get("request"),
    }
