"""`{% due_badge due done %}`: how a deadline stands, in the reader's words (overdue by, due in)."""

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("departments/_due.html")
def due_badge(due, done=None):
    return {"due": due, "open": due is not None and not done, "past": due is not None and due < timezone.now()}
