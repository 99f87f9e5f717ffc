from django import template

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, for sentences like "locked for 15 minutes"."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.filter
def lookup(mapping, key):
    """`mapping|lookup:key` — a dict value in a template, 0 when absent (report tables)."""
    return mapping.get(key, 0)
