"""The board's light cards (issue 19, page ÷ floor): what is the same on every card of a column is
rendered once per column, not once per card — the stage picker's options were 8 stages × 30
cards × 8 columns of template work on every board."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def stage_options(stages, selected):
    """The <option>s of the "move to" picker with `selected` (a stage id) chosen."""
    return format_html_join("", "{}", ((
        format_html('<option value="{}" selected>{}</option>', s.pk, s) if s.pk == selected
        else format_html('<option value="{}">{}</option>', s.pk, s),) for s in stages))
