"""Templates ask the same rules as views: `{% may "plans.archive_question" user question as can_remove %}`
calls `plans.permissions.can_archive_question(user, question)`. A button a rule refuses is not shown."""

from importlib import import_module

from django import template

register = template.Library()


@register.simple_tag
def may(rule, user, *objects):
    app, verb = rule.split(".")
    # Looked up by name so that core, at the ground floor, imports no app.
    check = getattr(import_module(f"{app}.permissions"), f"can_{verb}")
    return check(user, *objects)
