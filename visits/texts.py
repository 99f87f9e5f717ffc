"""What visits writes for people (core.written)."""

from django.utils.translation import gettext_lazy as _

from core.written import register

register(**{
    "visits.issue.logged": _("Logged with the visit."),
    "visits.issue.raised_after": _("Raised after the visit."),
})
