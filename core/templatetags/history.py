from django import template

from core.history import reason_text

register = template.Library()


@register.filter
def change_reason(record):
    """{{ record|change_reason }}: the record's change reason in the reader's words."""
    return reason_text(getattr(record, "history_change_reason", ""))
