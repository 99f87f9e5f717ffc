"""Care panels for the contact page (contacts may not import care)."""

from django import template

from care.models import CareTask, Gift

register = template.Library()


@register.inclusion_tag("care/_contact_panel.html")
def contact_care(contact, can_edit):
    return {
        "contact": contact, "can_edit": can_edit,
        "gifts": Gift.objects.filter(contact=contact).select_related("given_by")[:5],
        "tasks": CareTask.objects.filter(contact=contact).open().order_by("due_on")[:5],
    }
