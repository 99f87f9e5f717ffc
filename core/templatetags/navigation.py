"""`{% menu_for user request.path as menu %}`: the navigation's flags (core/navigation.py), the key
of its `{% memo %}`."""

from django import template

from core import navigation

register = template.Library()


@register.simple_tag
def menu_for(user, path):
    return navigation.menu_for(user, path)
