"""`{% create_key %}`: the hidden one-time key of a hand-written create form (core.idempotency)."""

import uuid

from django import template
from django.utils.html import format_html

from core.forms import CREATE_KEY

register = template.Library()


@register.simple_tag
def create_key():
    # A fresh key for each form on the page: two tasks' "done" forms never share one.
    return format_html('<input type="hidden" name="{}" value="{}">', CREATE_KEY, uuid.uuid4())
