"""What care writes for people (core.written): generated tasks' titles (also the purpose of the
touch a done task logs) and the outcome of tasks that close themselves."""

from django.utils.translation import gettext_lazy as _

from core.written import register

register(**{
    "care.title.birthday": _("One-to-one birthday call: %(who)s"),
    "care.title.holiday": _("Holiday greeting (%(occasion)s): %(who)s"),
    "care.title.anniversary": _("Company anniversary: %(who)s"),
    "care.title.personnel_change": _("Personnel change at %(who)s: find the new role holder"),
    "care.title.cadence": _("Cadence overdue: touch %(who)s"),
    "care.title.after_sales": _("After-sales follow-up: %(who)s"),
    "care.title.silent_email": _("Silent period, this month's one e-mail: %(who)s"),
    "care.title.after_sales_step": _("%(step)s, %(product)s: %(who)s"),
    "care.title.role_plan_review": _("Review the %(role)s service plan: %(who)s"),
    "care.title.opportunity_bid": _("Bid deadline %(date)s: %(name)s, %(who)s"),
    "care.title.opportunity_close": _("Expected close %(date)s: %(name)s, %(who)s"),
    "care.title.other": _("%(occasion)s: %(who)s"),
    "care.outcome.cadence_closed": _("Closed by itself: a qualifying touch was logged."),
    "care.outcome.after_sales_closed": _("Done on the account page."),
    "care.outcome.silent_email_closed": _("Closed by itself: the contact replied or this month's e-mail was logged."),
    "care.outcome.opportunity_closed": _("Closed by itself: the bid was submitted, the date moved or the "
                                          "opportunity closed."),
    "care.outcome.role_review_closed": _("Closed by itself: the review was recorded on the contact's page."),
})
