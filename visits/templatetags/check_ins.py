"""How a visit's check-in reads (issue 20): "checked in 120 m from the site", or "no location"."""

from django import template
from django.utils.translation import gettext as _

from core.geo import distance_text

register = template.Library()


@register.simple_tag
def check_in_note(visit):
    """One line for an on-site visit's check-in, in the reader's language; empty for other channels
    without one. The distance is measured here, on the server, from the account's site."""
    if not visit.has_check_in:
        return _("no location") if visit.channel == visit.Channel.ON_SITE else ""
    metres = visit.checkin_distance_m
    if metres is None:
        text = _("checked in (the account's site location is not set)")
    else:
        text = _("checked in %(distance)s from the site") % {"distance": distance_text(metres)}
    if visit.checkin_accuracy_m and visit.checkin_accuracy_m >= 100:
        text += " " + _("(the phone was sure only to %(accuracy)s)") % {
            "accuracy": distance_text(visit.checkin_accuracy_m)}
    if visit.checkout_at:
        out = visit.checkout_distance_m
        text += "; " + (_("checked out %(distance)s from the site") % {"distance": distance_text(out)}
                        if out is not None else _("checked out"))
    return text
