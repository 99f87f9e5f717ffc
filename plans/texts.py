"""What plans writes for people (core.written): a low survey score logged as a touch and a complaint (K-56)."""

from django.utils.translation import gettext_lazy as _

from core.written import register

register(**{
    "plans.survey.purpose": _("Satisfaction survey: %(score)s of 5"),
    "plans.survey.summary": _("%(respondent)s answered the satisfaction survey of %(date)s. %(comments)s"),
    "plans.survey.department": _("Account management"),
    "plans.survey.low_score": _("Low satisfaction score (%(score)s of 5) from %(respondent)s: %(comments)s"),
    "plans.survey.no_comment": _("no comment given"),
})
