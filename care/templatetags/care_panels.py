"""Care panels for the contact page (contacts may not import care), and the holidays of the
care settings page."""

from django import template

from care.models import CareTask, Gift
from care.selectors import holiday_year

register = template.Library()


@register.inclusion_tag("care/_contact_panel.html")
def contact_care(contact, can_edit):
    return {
        "contact": contact, "can_edit": can_edit,
        "gifts": Gift.objects.filter(contact=contact).select_related("given_by")[:5],
        "tasks": CareTask.objects.filter(contact=contact).open().order_by("due_on")[:5],
    }


@register.simple_tag
def holidays_this_year(holiday_calendar):
    """No query: the days come from the holidays package."""
    return holiday_year(holiday_calendar)
