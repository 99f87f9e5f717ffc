import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from hub.services import MENTION

register = template.Library()


@register.filter
def with_mentions(comment):
    """The comment's text, escaped, each @mention of someone it names shown as their name."""
    people = {p.username: p for p in comment.mentioned.all()}

    def named(match):
        person = people.get(match.group(1).rstrip("."))
        if person is None:
            return match.group(0)
        return format_html('<span class="mention" title="@{}">@{}</span>', person.username, str(person))

    escaped = escape(comment.body)
    return mark_safe(re.sub(MENTION, named, escaped).replace("\n", "<br>"))
